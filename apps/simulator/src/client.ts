import type { TelemetryFrame } from './fleet';
import type { ReportedAnomaly } from './scorer';

/** Waits `ms`, or rejects early when `signal` aborts. The port the back-off sleeps through. */
export type Wait = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realWait: Wait = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface ClientOptions {
  baseUrl: string;
  /** Sent as X-API-Key when set. */
  apiKey?: string;
  /** Attempts per request before giving up (the first try included). */
  maxAttempts: number;
  /** First back-off without Retry-After; doubles per attempt up to maxWaitMs. */
  initialBackoffMs: number;
  /** Longest single wait, also for a Retry-After asking for more. */
  maxWaitMs: number;
  requestTimeoutMs: number;
  /** Aborts back-off waits (Ctrl-C); a request already sent is allowed to finish. */
  signal?: AbortSignal;
  wait: Wait;
  now: () => number;
  onRetry?: (retry: RetryNotice) => void;
}
export const DEFAULT_CLIENT_OPTIONS = Object.freeze({
  maxAttempts: 10,
  initialBackoffMs: 500,
  maxWaitMs: 60_000,
  requestTimeoutMs: 30_000,
  wait: realWait,
  now: Date.now,
});

export interface RetryNotice {
  /** HTTP status, or undefined for a network error or timeout. */
  status?: number;
  reason: string;
  attempt: number;
  delayMs: number;
}

/** The service refused the request (or never answered usefully); `status` when it answered. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Statuses worth trying again: rate limited, unavailable, a gateway in between failing. */
const RETRIABLE_STATUSES = new Set([429, 502, 503, 504]);
export const HISTORY_PAGE = 1000;

/**
 * Delay a Retry-After header asks for, in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3);
 * undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** HTTP client of the AstraGuard API v1 with back-off on 429/503 that honours Retry-After. */
export class TelemetryClient {
  private readonly options: ClientOptions;

  constructor(options: Pick<ClientOptions, 'baseUrl'> & Partial<ClientOptions>) {
    this.options = { ...DEFAULT_CLIENT_OPTIONS, ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  /** Frames in order, one call: the single-frame route for one frame, the batch route otherwise. */
  async sendFrames(frames: readonly TelemetryFrame[]): Promise<{ anomalies: number }> {
    if (frames.length === 1) {
      const result = (await this.request('POST', '/api/v1/telemetry', frames[0])) as { is_anomaly?: boolean };
      return { anomalies: result.is_anomaly ? 1 : 0 };
    }
    const result = (await this.request('POST', '/api/v1/telemetry/batch?include=anomalies', { telemetry: frames })) as { anomalies_detected?: number };
    return { anomalies: result.anomalies_detected ?? 0 };
  }

  /** Every anomaly of one instance with a reading time in [startMs, endMs], paging past the 1000-per-call limit. */
  async anomalyHistory(instanceId: string, startMs: number, endMs: number, severityMin?: string): Promise<ReportedAnomaly[]> {
    const seen = new Map<string, ReportedAnomaly>();
    let upTo = endMs;
    for (;;) {
      const query = new URLSearchParams({ instance_id: instanceId, start_time: String(startMs), end_time: String(upTo), limit: String(HISTORY_PAGE) });
      if (severityMin) query.set('severity_min', severityMin);
      const page = (await this.request('GET', `/api/v1/history/anomalies?${query}`)) as { anomalies: ReportedAnomaly[] };
      const fresh = page.anomalies.filter((anomaly) => !seen.has(anomaly.anomaly_id));
      for (const anomaly of fresh) seen.set(anomaly.anomaly_id, anomaly);
      if (page.anomalies.length < HISTORY_PAGE || fresh.length === 0) break;
      // Newest first: continue from the oldest reading time of this page (inclusive; ids dedupe).
      upTo = Math.min(...page.anomalies.map((anomaly) => Date.parse(anomaly.timestamp)));
    }
    return [...seen.values()];
  }

  /** Resolves when the service answers its liveness probe; a clear error otherwise. */
  async checkReachable(): Promise<void> {
    await this.request('GET', '/health/live', undefined, 1);
  }

  private async request(method: string, path: string, body?: unknown, maxAttempts = this.options.maxAttempts): Promise<unknown> {
    const o = this.options;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (o.apiKey) headers['x-api-key'] = o.apiKey;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const what = `${method} ${path.split('?')[0]}`;
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined;
      let text = '';
      let networkError: string | undefined;
      try {
        response = await fetch(`${o.baseUrl}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(o.requestTimeoutMs) });
        text = await response.text();
      } catch (error) {
        response = undefined;
        networkError = networkReason(error);
      }
      if (response?.ok) return parseBody(text, what);
      let retry: { status?: number; reason: string; askedMs?: number };
      if (response) {
        const reason = `${response.status} ${describeError(text) ?? response.statusText}`;
        if (!RETRIABLE_STATUSES.has(response.status)) throw new ServiceError(`${what}: ${reason}`, response.status);
        retry = { status: response.status, reason, askedMs: retryAfterMs(response.headers.get('retry-after'), o.now()) };
      } else {
        retry = { reason: networkError ?? 'no response' };
      }
      if (attempt >= maxAttempts) {
        throw new ServiceError(`${what}: gave up after ${attempt} attempt${attempt > 1 ? 's' : ''}: ${retry.reason}`, retry.status);
      }
      const backoff = o.initialBackoffMs * 2 ** (attempt - 1);
      const delayMs = Math.min(retry.askedMs ?? backoff, o.maxWaitMs);
      o.onRetry?.({ status: retry.status, reason: retry.reason, attempt, delayMs });
      await o.wait(delayMs, o.signal);
    }
  }
}

function parseBody(text: string, what: string): unknown {
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ServiceError(`${what}: the answer is not JSON: ${text.slice(0, 120)}`);
  }
}

/** The service's JSON error `message` (a string or a list of per-field messages), if any. */
function describeError(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (Array.isArray(message)) return message.slice(0, 3).join('; ') + (message.length > 3 ? ` (+${message.length - 3} more)` : '');
    return typeof message === 'string' ? message : undefined;
  } catch {
    return text.slice(0, 200) || undefined;
  }
}

function networkReason(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'no answer in time';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}
