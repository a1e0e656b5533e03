import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HISTORY_PAGE, retryAfterMs, ServiceError, TelemetryClient, type RetryNotice } from './client';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (seen: Seen, res: ServerResponse) => void;

/** A real HTTP server on a free loopback port answering from a script of handlers. */
async function scriptedServer(handlers: Handler[]): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(request);
      const handler = handlers[Math.min(seen.length - 1, handlers.length - 1)];
      handler(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_seen, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const frames = [
  { instance_id: 'rover-01', timestamp: 1, voltage: 30 },
  { instance_id: 'rover-01', timestamp: 2, voltage: 30.1 },
];
const NOW = Date.UTC(2026, 10, 21, 10);

/** Back-off waits are recorded, not slept: the test checks what the client asked for, not the clock. */
function recordingClient(url: string, extra: Partial<ConstructorParameters<typeof TelemetryClient>[0]> = {}) {
  const waits: number[] = [];
  const retries: RetryNotice[] = [];
  const client = new TelemetryClient({
    baseUrl: url,
    now: () => NOW,
    wait: async (ms) => void waits.push(ms),
    onRetry: (notice) => retries.push(notice),
    ...extra,
  });
  return { client, waits, retries };
}

describe('TelemetryClient', () => {
  it('backs off on 429 and 503, waits what Retry-After asks (seconds or HTTP date), then sends again', async () => {
    const server = await scriptedServer([
      json(429, { statusCode: 429, error: 'Too Many Requests', message: 'rate limit' }, { 'retry-after': '2' }),
      json(503, { statusCode: 503, error: 'Service Unavailable', message: 'journal full' }, { 'retry-after': new Date(NOW + 7000).toUTCString() }),
      json(200, { total_processed: 2, anomalies_detected: 1, results: [] }),
    ]);
    try {
      const { client, waits, retries } = recordingClient(server.url);
      await expect(client.sendFrames(frames)).resolves.toEqual({ anomalies: 1 });
      expect(waits).toEqual([2000, 7000]);
      expect(retries.map((r) => [r.status, r.reason, r.attempt])).toEqual([[429, '429 rate limit', 1], [503, '503 journal full', 2]]);
      expect(server.seen).toHaveLength(3);
      // The same batch, in full, every time.
      for (const request of server.seen) {
        expect(request).toMatchObject({ method: 'POST', url: '/api/v1/telemetry/batch?include=anomalies' });
        expect(JSON.parse(request.body)).toEqual({ telemetry: frames });
      }
    } finally {
      await server.close();
    }
  });

  it('backs off exponentially without Retry-After, capped, and gives up after maxAttempts with the last reason', async () => {
    const server = await scriptedServer([json(503, { statusCode: 503, message: 'store unavailable (write)' })]);
    try {
      const { client, waits } = recordingClient(server.url, { maxAttempts: 5, initialBackoffMs: 100, maxWaitMs: 500 });
      const failure = client.sendFrames(frames);
      await expect(failure).rejects.toThrow(new ServiceError('POST /api/v1/telemetry/batch: gave up after 5 attempts: 503 store unavailable (write)'));
      expect(waits).toEqual([100, 200, 400, 500]);
      expect(server.seen).toHaveLength(5);
    } finally {
      await server.close();
    }
  });

  it('caps a Retry-After that asks for too long', async () => {
    const server = await scriptedServer([json(429, {}, { 'retry-after': '3600' }), json(200, { total_processed: 2, anomalies_detected: 0 })]);
    try {
      const { client, waits } = recordingClient(server.url, { maxWaitMs: 30_000 });
      await client.sendFrames(frames);
      expect(waits).toEqual([30_000]);
    } finally {
      await server.close();
    }
  });

  it('does not retry a refused request; the error carries the service message and status', async () => {
    const server = await scriptedServer([json(422, { statusCode: 422, error: 'Unprocessable Entity', message: ['telemetry.1.voltage must not be greater than 50'] })]);
    try {
      const { client, waits } = recordingClient(server.url);
      const error = await client.sendFrames(frames).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({ status: 422, message: 'POST /api/v1/telemetry/batch: 422 telemetry.1.voltage must not be greater than 50' });
      expect(waits).toEqual([]);
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('sends the API key as X-API-Key and one frame to the single-frame route', async () => {
    const server = await scriptedServer([json(200, { is_anomaly: true })]);
    try {
      const { client } = recordingClient(server.url, { apiKey: 'secret-key' });
      await expect(client.sendFrames(frames.slice(0, 1))).resolves.toEqual({ anomalies: 1 });
      expect(server.seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/telemetry' });
      expect(server.seen[0].headers['x-api-key']).toBe('secret-key');
      expect(JSON.parse(server.seen[0].body)).toEqual(frames[0]);
    } finally {
      await server.close();
    }
  });

  it('retries when the service cannot be reached, then reports the network error', async () => {
    const server = await scriptedServer([json(200, {})]);
    const url = server.url;
    await server.close(); // nothing listens on the port any more
    const { client, waits } = recordingClient(url, { maxAttempts: 3, initialBackoffMs: 10 });
    await expect(client.sendFrames(frames)).rejects.toThrow(/gave up after 3 attempts: ECONNREFUSED/);
    expect(waits).toEqual([10, 20]);
  });

  it('stops waiting when the stop signal aborts', async () => {
    const server = await scriptedServer([json(503, {}, { 'retry-after': '60' })]);
    try {
      const stop = new AbortController();
      const client = new TelemetryClient({ baseUrl: server.url, signal: stop.signal, onRetry: () => stop.abort(new Error('stopped by the user')) });
      await expect(client.sendFrames(frames)).rejects.toThrow('stopped by the user');
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('pages through the anomaly history past the 1000-per-call limit', async () => {
    const total = HISTORY_PAGE + 250;
    const all = Array.from({ length: total }, (_, i) => ({ anomaly_id: `a${i}`, instance_id: 'rover-01', timestamp: new Date(NOW + i * 1000).toISOString(), anomaly_type: 'power_fault' }));
    const history: Handler = (seen, res) => {
      const query = new URL(seen.url, 'http://x').searchParams;
      const end = Number(query.get('end_time'));
      const page = all
        .filter((a) => Date.parse(a.timestamp) >= Number(query.get('start_time')) && Date.parse(a.timestamp) <= end)
        .reverse()
        .slice(0, Number(query.get('limit')));
      json(200, { count: page.length, anomalies: page })(seen, res);
    };
    const server = await scriptedServer([history]);
    try {
      const { client } = recordingClient(server.url);
      const anomalies = await client.anomalyHistory('rover-01', NOW, NOW + total * 1000, 'MEDIUM');
      expect(anomalies.map((a) => a.anomaly_id).sort()).toEqual(all.map((a) => a.anomaly_id).sort());
      expect(server.seen).toHaveLength(2);
      const first = new URL(server.seen[0].url, 'http://x').searchParams;
      expect(Object.fromEntries(first)).toEqual({ instance_id: 'rover-01', start_time: String(NOW), end_time: String(NOW + total * 1000), limit: '1000', severity_min: 'MEDIUM' });
    } finally {
      await server.close();
    }
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(retryAfterMs('5', NOW)).toBe(5000);
    expect(retryAfterMs(new Date(NOW + 3000).toUTCString(), NOW)).toBe(3000);
    expect(retryAfterMs(new Date(NOW - 3000).toUTCString(), NOW)).toBe(0);
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs(null, NOW)).toBeUndefined();
  });
});
