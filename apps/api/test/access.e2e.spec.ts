import { register } from 'prom-client';
import { makeTestKeys, startTestApp, TestApp } from './test-app';

async function errorCount(type: string): Promise<number> {
  const values = (await register.getSingleMetric('astra_errors_total')!.get()).values;
  return values.filter((v) => v.labels.type === type).reduce((sum, v) => sum + v.value, 0);
}

/** One real route of each class: public probe, read (viewer), write (operator). Admin routes are covered per route by their own capability's tests and by libs/security's fixture matrix. */
const ROUTES = {
  probe: { method: 'get', path: '/health/live' },
  read: { method: 'get', path: '/api/v1/status' },
  write: { method: 'post', path: '/api/v1/telemetry', body: { instance_id: 'auth-rover', voltage: 28 } },
} as const;

describe('access with API keys configured', () => {
  const { keys, env } = makeTestKeys();
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp(env)));
  afterAll(() => t.close());

  const frame = { instance_id: 'auth-rover', voltage: 28 };
  const call = (route: (typeof ROUTES)[keyof typeof ROUTES], key?: string) => {
    const test = route.method === 'get' ? t.http().get(route.path) : t.http().post(route.path).send(ROUTES.write.body);
    return key ? test.set('X-API-Key', key) : test;
  };

  it.each([
    ['no key', undefined, { probe: 200, read: 401, write: 401 }],
    ['viewer', 'viewer', { probe: 200, read: 200, write: 403 }],
    ['operator', 'operator', { probe: 200, read: 200, write: 200 }],
    ['admin', 'admin', { probe: 200, read: 200, write: 200 }],
  ] as const)('%s gets the right answer from each route class', async (_caller, role, expected) => {
    for (const [name, status] of Object.entries(expected)) {
      await call(ROUTES[name as keyof typeof ROUTES], role && keys[role]).expect(status);
    }
  });

  it('refuses a request without a key with 401', async () => {
    const res = await t.http().post('/api/v1/telemetry').send(frame).expect(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'an API key is required (X-API-Key header or Authorization: Bearer)' });
  });

  it('refuses an invalid key with 401, wherever it is presented', async () => {
    await t.http().get('/api/v1/status').set('X-API-Key', keys.viewer.slice(0, -2) + 'xx').expect(401);
    await t.http().get('/api/v1/status').set('Authorization', `Bearer ${keys.viewer.slice(0, -2)}xx`).expect(401);
    await t.http().get('/api/v1/status').set('Authorization', `Basic ${Buffer.from(`x:${keys.viewer}`).toString('base64')}`).expect(401);
  });

  it('lets a viewer read but not write (403)', async () => {
    const res = await t.http().post('/api/v1/telemetry').set('X-API-Key', keys.viewer).send(frame).expect(403);
    expect(res.body.message).toBe('this route needs the operator role');
  });

  it('lets an operator ingest, with the key as a bearer token too', async () => {
    await t.http().post('/api/v1/telemetry').set('X-API-Key', keys.operator).send(frame).expect(200);
    await t.http().post('/api/v1/telemetry').set('Authorization', `bearer ${keys.operator}`).send(frame).expect(200);
    await t.http().get('/api/v1/telemetry/latest?instance_id=auth-rover').set('X-API-Key', keys.admin).expect(200);
  });

  it('checks the key before validating the body, so nothing about the input leaks to anonymous callers', async () => {
    const res = await t.http().post('/api/v1/telemetry').send({ voltage: 'high' }).expect(401);
    expect(JSON.stringify(res.body)).not.toContain('voltage');
  });

  it('refuses a body from a caller without a valid key before reading it', async () => {
    const before = await errorCount('auth');
    const huge = await t.http().post('/api/v1/telemetry/batch').set('Content-Type', 'application/json').send(`{"telemetry":["${'x'.repeat(5 * 1024 * 1024)}"]}`).expect(401);
    expect(huge.body.message).toBe('an API key is required (X-API-Key header or Authorization: Bearer)');
    const malformed = await t.http().post('/api/v1/telemetry').set('X-API-Key', `${keys.operator}x`).set('Content-Type', 'application/json').send('{"voltage":').expect(401);
    expect(malformed.body.message).toBe('invalid API key');
    await t.http().post('/api/v1/telemetry').set('X-API-Key', keys.viewer).set('Content-Type', 'application/json').send('{"voltage":').expect(400);
    // Answered by the exception filter, so counted like any other refusal.
    expect(await errorCount('auth')).toBe(before + 2);
  });

  it('reports that keys are required in the status page and /health', async () => {
    const status = await t.http().get('/api/v1/status').set('X-API-Key', keys.viewer).expect(200);
    expect(status.body.access).toEqual({ mode: 'api_keys', admin_routes: 'enabled' });
    const health = await t.http().get('/health').expect(200);
    expect(health.body.details.access).toEqual({ status: 'up', mode: 'api_keys', admin_routes: 'enabled' });
  });
});

describe('access while open (no keys)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('serves reads and writes without a key and says it runs open in the status page and /health', async () => {
    await t.http().post('/api/v1/telemetry').send(ROUTES.write.body).expect(200);
    const status = await t.http().get('/api/v1/status').expect(200);
    expect(status.body.access).toEqual({ mode: 'open', admin_routes: 'disabled' });
    const health = await t.http().get('/health').expect(200);
    expect(health.body.details.access).toEqual({ status: 'up', mode: 'open', admin_routes: 'disabled' });
  });
});

describe('refusing to start in production without keys', () => {
  it('names API_KEYS', async () => {
    await expect(startTestApp({ NODE_ENV: 'production' })).rejects.toThrow('Invalid configuration: API_KEYS must be set when NODE_ENV=production');
  });
});
