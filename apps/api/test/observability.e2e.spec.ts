import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { loadConfig } from '@astra/config';
import { createApp } from '../src/bootstrap';
import { delta, freePort, LogCapture, parseSamples, sampleKey } from './observability-harness';
import { makeTestKeys, nominalFrames } from './test-app';

interface Started {
  app: NestExpressApplication;
  http: () => ReturnType<typeof request>;
  logs: LogCapture;
  scrape: (authorization?: string) => Promise<Map<string, number>>;
}

async function start(env: Record<string, string> = {}): Promise<Started> {
  const logs = new LogCapture();
  const app = await createApp(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', ...env }, '0.0.0-test'), { logDestination: logs });
  await app.init();
  const http = () => request(app.getHttpServer());
  const scrape = async (authorization?: string) => {
    const call = http().get('/metrics');
    if (authorization) call.set('Authorization', authorization);
    return parseSamples((await call.expect(200)).text);
  };
  return { app, http, logs, scrape };
}

const frame = (instance: string) => nominalFrames(instance, 1)[0];

describe('HTTP metrics', () => {
  let t: Started;
  beforeAll(async () => (t = await start()));
  afterAll(() => t.app.close());

  it('counts requests by method, route template and status, and moves the histograms', async () => {
    const before = await t.scrape();
    for (let i = 0; i < 3; i++) await t.http().post('/api/v1/telemetry').send(frame('metrics-rover')).expect(200);
    await t.http().get('/api/v1/anomalies/0b6f3c2e-5d1a-4f7b-9a43-2c8e1d7f6a10').expect(404);
    await t.http().get('/no/such/route/at-all').expect(404);
    const after = await t.scrape();

    const ingest = { method: 'POST', route: '/api/v1/telemetry', status: '200' };
    expect(delta(before, after, sampleKey('astra_http_requests_total', ingest))).toBe(3);
    expect(delta(before, after, sampleKey('astra_http_request_duration_seconds_count', ingest))).toBe(3);
    expect(delta(before, after, sampleKey('astra_http_request_duration_seconds_bucket', { ...ingest, le: '+Inf' }))).toBe(3);
    expect(delta(before, after, sampleKey('astra_http_request_size_bytes_count', { method: 'POST', route: '/api/v1/telemetry' }))).toBe(3);
    expect(delta(before, after, sampleKey('astra_http_response_size_bytes_count', { method: 'POST', route: '/api/v1/telemetry' }))).toBe(3);
    expect(delta(before, after, sampleKey('astra_http_response_size_bytes_sum', { method: 'POST', route: '/api/v1/telemetry' }))).toBeGreaterThan(3 * 300);
    expect(delta(before, after, sampleKey('astra_http_requests_total', { method: 'GET', route: '/api/v1/anomalies/:id', status: '404' }))).toBe(1);
    expect(delta(before, after, sampleKey('astra_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }))).toBe(1);
    expect(delta(before, after, sampleKey('astra_errors_total', { type: 'client', route: '/api/v1/anomalies/:id' }))).toBe(1);
    expect(delta(before, after, sampleKey('astra_errors_total', { type: 'client', route: 'unmatched' }))).toBe(1);
    expect(delta(before, after, sampleKey('astra_observability_overhead_seconds_count'))).toBeGreaterThanOrEqual(5);
    // Raw paths never become labels.
    const keys = [...after.keys()].join('\n');
    expect(keys).not.toContain('no/such/route');
    expect(keys).not.toContain('0b6f3c2e');
    expect(keys).not.toContain('metrics-rover');
  });

  it('uses exactly the agreed duration buckets', async () => {
    const after = await t.scrape();
    const bounds = [...after.keys()]
      .filter((key) => key.startsWith('astra_http_request_duration_seconds_bucket{') && key.includes('route="/api/v1/telemetry"') && key.includes('status="200"'))
      .map((key) => /le="([^"]+)"/.exec(key)![1]);
    expect(bounds).toEqual(['0.0005', '0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
  });

  it('counts validation failures and refused bodies as errors, and rejected frames', async () => {
    const before = await t.scrape();
    await t.http().post('/api/v1/telemetry').send({ ...frame('metrics-rover'), voltage: 'high' }).expect(422);
    await t.http().post('/api/v1/telemetry/batch').send({ telemetry: [frame('metrics-rover'), { ...frame('metrics-rover'), voltage: 99 }] }).expect(422);
    await t.http().post('/api/v1/telemetry').set('Content-Type', 'text/plain').send('voltage=28').expect(415);
    const after = await t.scrape();
    expect(delta(before, after, sampleKey('astra_errors_total', { type: 'validation', route: '/api/v1/telemetry' }))).toBe(1);
    expect(delta(before, after, sampleKey('astra_errors_total', { type: 'validation', route: '/api/v1/telemetry/batch' }))).toBe(1);
    expect(delta(before, after, sampleKey('astra_errors_total', { type: 'client', route: 'unmatched' }))).toBe(1);
    expect(delta(before, after, sampleKey('astra_telemetry_frames_total', { outcome: 'rejected' }))).toBe(3);
  });

  it('counts open connections while a client holds one', async () => {
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as { port: number };
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = (await t.scrape()).get('astra_active_connections') ?? 0;
      await fetchWith(agent, port, '/health/live');
      const during = (await t.scrape()).get('astra_active_connections') ?? 0;
      expect(during - before).toBe(1);
    } finally {
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/** A GET over a given agent (so the socket stays open afterwards). */
async function fetchWith(agent: import('node:http').Agent, port: number, path: string): Promise<void> {
  const http = await import('node:http');
  await new Promise<void>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
}

describe('guard rejections', () => {
  const { keys, env } = makeTestKeys();
  let t: Started;
  beforeAll(async () => (t = await start(env)));
  afterAll(() => t.app.close());

  it('are counted in astra_errors_total{type="auth"} with the route they were refused on', async () => {
    const before = await t.scrape();
    await t.http().get('/api/v1/history/anomalies').expect(401);
    await t.http().post('/api/v1/telemetry').set('X-API-Key', keys.viewer).send(frame('guarded')).expect(403);
    const after = await t.scrape();
    expect(delta(before, after, sampleKey('astra_errors_total', { type: 'auth', route: '/api/v1/history/anomalies' }))).toBe(1);
    expect(delta(before, after, sampleKey('astra_errors_total', { type: 'auth', route: '/api/v1/telemetry' }))).toBe(1);
    expect(delta(before, after, sampleKey('astra_http_requests_total', { method: 'GET', route: '/api/v1/history/anomalies', status: '401' }))).toBe(1);
    expect(delta(before, after, sampleKey('astra_http_requests_total', { method: 'POST', route: '/api/v1/telemetry', status: '403' }))).toBe(1);
  });
});

describe('/metrics access', () => {
  it('requires METRICS_TOKEN as a bearer token when it is set', async () => {
    const t = await start({ METRICS_TOKEN: 'scrape-secret-123' });
    try {
      await t.http().get('/metrics').expect(401);
      await t.http().get('/metrics').set('Authorization', 'Bearer wrong-secret-123').expect(401);
      const samples = await t.scrape('Bearer scrape-secret-123');
      expect([...samples.keys()].some((key) => key.startsWith('process_cpu_user_seconds_total'))).toBe(true);
    } finally {
      await t.app.close();
    }
  });

  it('moves to METRICS_PORT, off the API port, when that is set', async () => {
    const port = await freePort();
    const t = await start({ METRICS_PORT: String(port), HOST: '127.0.0.1' });
    try {
      await t.http().get('/metrics').expect(404);
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE astra_http_requests_total counter');
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/status`)).status).toBe(404);
    } finally {
      await t.app.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('answers OpenMetrics when asked, without renaming counters for later Prometheus scrapes', async () => {
    const t = await start();
    try {
      const open = await t.http().get('/metrics').set('Accept', 'application/openmetrics-text; version=1.0.0').expect(200);
      expect(open.headers['content-type']).toContain('application/openmetrics-text');
      expect(open.text).toContain('# TYPE astra_http_requests counter');
      expect(open.text.trimEnd().endsWith('# EOF')).toBe(true);
      const plain = await t.http().get('/metrics').expect(200);
      expect(plain.text).toContain('# TYPE astra_http_requests_total counter');
    } finally {
      await t.app.close();
    }
  });
});

describe('runtime switches and log level', () => {
  const { keys, env } = makeTestKeys();
  let t: Started;
  beforeAll(async () => (t = await start(env)));
  afterAll(() => t.app.close());
  const admin = () => keys.admin;

  it('are admin only', async () => {
    await t.http().put('/api/v1/admin/observability').set('X-API-Key', keys.operator).send({ metrics: false }).expect(403);
    await t.http().put('/api/v1/admin/log-level').set('X-API-Key', keys.operator).send({ level: 'debug' }).expect(403);
  });

  it('turn metrics off and on, and /api/v1/status shows what is on', async () => {
    const before = await t.scrape();
    const off = await t.http().put('/api/v1/admin/observability').set('X-API-Key', admin()).send({ metrics: false }).expect(200);
    expect(off.body).toMatchObject({ metrics: false, log_level: 'info' });
    await t.http().get('/metrics').expect(503);
    await t.http().post('/api/v1/telemetry').set('X-API-Key', admin()).send(frame('switch-rover')).expect(200);
    const status = await t.http().get('/api/v1/status').set('X-API-Key', admin()).expect(200);
    expect(status.body.observability).toMatchObject({ metrics: false, log_level: 'info' });
    await t.http().put('/api/v1/admin/observability').set('X-API-Key', admin()).send({ metrics: true }).expect(200);
    const after = await t.scrape();
    // The request made while metrics were off was not counted.
    expect(delta(before, after, sampleKey('astra_http_requests_total', { method: 'POST', route: '/api/v1/telemetry', status: '200' }))).toBe(0);
  });

  it('refuses to switch tracing on when the SDK was not started, and bad bodies with 422', async () => {
    const refused = await t.http().put('/api/v1/admin/observability').set('X-API-Key', admin()).send({ tracing: true }).expect(409);
    expect(refused.body.message).toContain('TRACING_ENABLED');
    await t.http().put('/api/v1/admin/observability').set('X-API-Key', admin()).send({ metrics: 'no' }).expect(422);
    await t.http().put('/api/v1/admin/log-level').set('X-API-Key', admin()).send({ level: 'loud' }).expect(422);
  });

  it('changes the log level at runtime', async () => {
    await t.http().put('/api/v1/admin/log-level').set('X-API-Key', admin()).send({ level: 'warn' }).expect(200);
    await t.http().get('/api/v1/status').set('X-API-Key', admin()).set('x-request-id', 'quiet-ok-1').expect(200);
    await t.http().get('/api/v1/anomalies/unknown').set('X-API-Key', admin()).set('x-request-id', 'loud-404-1').expect(404);
    await t.http().put('/api/v1/admin/log-level').set('X-API-Key', admin()).send({ level: 'info' }).expect(200);
    expect(t.logs.find((line) => line.request_id === 'quiet-ok-1')).toBeUndefined();
    expect(t.logs.find((line) => line.request_id === 'loud-404-1')).toMatchObject({ level: 'warn', status: 404, route: '/api/v1/anomalies/:id' });
  });
});

describe('request logs', () => {
  let t: Started;
  beforeAll(async () => (t = await start()));
  afterAll(() => t.app.close());

  it('write one JSON access line per request with the agreed fields, echoing x-request-id', async () => {
    const response = await t.http().post('/api/v1/telemetry').set('x-request-id', 'req-abc-123').send(frame('log-rover')).expect(200);
    expect(response.headers['x-request-id']).toBe('req-abc-123');
    const line = t.logs.find((entry) => entry.request_id === 'req-abc-123' && entry.event === 'http_request');
    expect(line).toMatchObject({ level: 'info', msg: 'POST /api/v1/telemetry 200', category: 'access', service: 'astraguard', version: '0.0.0-test', environment: 'test', method: 'POST', route: '/api/v1/telemetry', status: 200 });
    expect(typeof line!.time).toBe('string');
    expect(Number.isNaN(Date.parse(line!.time as string))).toBe(false);
  });

  it('generate a request id when none (or an unusable one) is given', async () => {
    const generated = await t.http().get('/api/v1/status').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = await t.http().get('/api/v1/status').set('x-request-id', 'bad id with spaces').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.logs.find((line) => line.request_id === generated.headers['x-request-id'])).toMatchObject({ category: 'access' });
  });

  it('keep /metrics and health probes out of the request log', async () => {
    await t.http().get('/metrics').set('x-request-id', 'scrape-1').expect(200);
    await t.http().get('/health/live').set('x-request-id', 'probe-1').expect(200);
    expect(t.logs.find((line) => line.request_id === 'scrape-1' || line.request_id === 'probe-1')).toBeUndefined();
  });

  it('log each anomaly as a business event within its request', async () => {
    const frames = nominalFrames('log-anomaly-rover', 300);
    await t.http().post('/api/v1/telemetry/batch').send({ telemetry: frames }).expect(200);
    const spike = { ...frames[0], timestamp: frames[0].timestamp + 300_000, voltage: 45 };
    const answer = await t.http().post('/api/v1/telemetry').set('x-request-id', 'spike-1').send(spike).expect(200);
    expect(answer.body.is_anomaly).toBe(true);
    const event = t.logs.find((line) => line.event === 'anomaly_detected' && line.anomaly_id === answer.body.anomaly_id);
    expect(event).toMatchObject({ category: 'business', request_id: 'spike-1', instance_id: 'log-anomaly-rover', level: 'info' });
  });
});
