import { createServer, IncomingMessage, Server } from 'node:http';
import Redis from 'ioredis';
import { MetricValueWithName, register } from 'prom-client';
import type { TestApp } from './test-app';

/** Shared by the fault tests (fault-*.e2e.spec.ts): real processes, bounded loops, no wall-clock assertions. */

/** Guard settings short enough for a quick suite; every test states the bounds it relies on. */
export const FAST_REDIS_POLICY = {
  REDIS_TIMEOUT_MS: '200',
  REDIS_RETRY_ATTEMPTS: '2',
  REDIS_RETRY_BASE_DELAY_MS: '10',
  REDIS_RETRY_MAX_DELAY_MS: '50',
  REDIS_BREAKER_WINDOW: '10',
  REDIS_BREAKER_MIN_CALLS: '4',
  REDIS_BREAKER_HALF_OPEN_AFTER_MS: '300',
  RECOVERY_INTERVAL_MS: '100',
  RECOVERY_COOLDOWN_MS: '100',
};

/** Polls `probe` until it returns true: at most `attempts` times, `intervalMs` apart. */
export async function eventually(probe: () => Promise<boolean>, what: string, attempts = 150, intervalMs = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`gave up waiting for ${what} after ${attempts} tries`);
}

/** Sum of a metric's series matching `labels` in the registry the app emits into; `x_count` reads histogram x's count. */
export async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = register.getSingleMetric(name) ?? register.getSingleMetric(name.replace(/_count$/, ''));
  if (!metric) return 0;
  const { values } = (await metric.get()) as { values: (MetricValueWithName<string> & { value: number })[] };
  return values
    .filter((v) => (v.metricName ?? name) === name && Object.entries(labels).every(([key, value]) => v.labels[key] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

/** One entry of the recovery orchestrator's history (GET /api/v1/recovery/history). */
export interface RecoveryRecord {
  action: string;
  status: string;
}

/** The recovery orchestrator's history, newest first (open mode: no API key). */
export async function recoveryHistory(app: TestApp): Promise<RecoveryRecord[]> {
  return (await app.http().get('/api/v1/recovery/history').expect(200)).body as RecoveryRecord[];
}

/** Every frame id in an instance's Redis stream, oldest first (duplicates kept, so they can be counted). */
export async function storedFrameIds(url: string, prefix: string, instanceId: string): Promise<string[]> {
  const redis = new Redis(url);
  try {
    const entries = await redis.xrange(`${prefix}frames:${instanceId}`, '-', '+');
    return entries.map(([, fields]) => (JSON.parse(fields[1]) as { frame_id: string }).frame_id);
  } finally {
    redis.disconnect();
  }
}

export interface ReceivedAlert {
  idempotencyKey: string;
  anomalyId: string;
  status: number;
}

/** A webhook receiver on a free loopback port that answers `status` (changeable) and records every request. */
export interface WebhookReceiver {
  url: string;
  status: number;
  received: ReceivedAlert[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(status: number): Promise<WebhookReceiver> {
  const receiver: Partial<WebhookReceiver> & { received: ReceivedAlert[]; status: number } = { status, received: [] };
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { anomaly: { anomaly_id: string } };
    const answer = receiver.status;
    receiver.received.push({ idempotencyKey: String(req.headers['idempotency-key']), anomalyId: body.anomaly.anomaly_id, status: answer });
    res.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/alerts`;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver as WebhookReceiver;
}
