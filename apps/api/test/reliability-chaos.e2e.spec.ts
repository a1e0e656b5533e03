import { metricValue } from './fault-harness';
import { makeTestKeys, nominalFrames, startTestApp, TestApp } from './test-app';

/** Chaos experiments and breaker controls over HTTP: who may use them, their bounds, and their effect. */
describe('chaos and breaker API', () => {
  const { keys, env } = makeTestKeys();
  let app: TestApp;
  const as = (key: string) => ({
    get: (path: string) => app.http().get(path).set('X-API-Key', key),
    post: (path: string) => app.http().post(path).set('X-API-Key', key),
    delete: (path: string) => app.http().delete(path).set('X-API-Key', key),
  });
  const admin = () => as(keys.admin);

  beforeAll(async () => {
    app = await startTestApp({ ...env, CHAOS_ENABLED: 'true', CHAOS_MAX_EXPERIMENTS: '2', CHAOS_MAX_TTL_SECONDS: '60' });
  });
  afterAll(() => app.close());
  afterEach(() => admin().delete('/api/v1/chaos/experiments').expect(200));

  it('is admin-only', async () => {
    const experiment = { target: 'detector', fault: 'exception', ttl_seconds: 5 };
    await as(keys.operator).post('/api/v1/chaos/experiments').send(experiment).expect(403);
    await as(keys.viewer).get('/api/v1/chaos/experiments').expect(403);
    await app.http().get('/api/v1/chaos/status').expect(401);
    await as(keys.operator).post('/api/v1/reliability/breakers/redis/isolate').expect(403);
    await as(keys.viewer).get('/api/v1/reliability/breakers').expect(200);
  });

  it('validates experiments, caps their TTL and their number', async () => {
    const invalid = await admin().post('/api/v1/chaos/experiments').send({ target: 'disk', fault: 'latency', probability: 2 }).expect(422);
    expect(invalid.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^target/), expect.stringMatching(/^probability/), expect.stringMatching(/^ttl_seconds/)]));
    const tooLong = await admin().post('/api/v1/chaos/experiments').send({ target: 'redis', fault: 'error', ttl_seconds: 61 }).expect(422);
    expect(tooLong.body.message).toEqual(['ttl_seconds must not be greater than 60 (CHAOS_MAX_TTL_SECONDS)']);
    await admin().post('/api/v1/chaos/experiments').send({ target: 'redis', fault: 'latency', ttl_seconds: 5 }).expect(422);
    await admin().post('/api/v1/chaos/experiments').send({ target: 'http', fault: 'error', ttl_seconds: 5 }).expect(422);
    await admin().post('/api/v1/chaos/experiments').send({ target: 'redis', fault: 'error', ttl_seconds: 5 }).expect(201);
    await admin().post('/api/v1/chaos/experiments').send({ target: 'webhook', fault: 'timeout', ttl_seconds: 5 }).expect(201);
    await admin().post('/api/v1/chaos/experiments').send({ target: 'detector', fault: 'exception', ttl_seconds: 5 }).expect(409);
    expect((await admin().get('/api/v1/chaos/experiments').expect(200)).body).toHaveLength(2);
  });

  it('injects at the detector and at an HTTP route, counts injections, and stops when deleted', async () => {
    const frame = nominalFrames('rover-chaos', 1)[0];
    const detector = (await admin().post('/api/v1/chaos/experiments').send({ target: 'detector', fault: 'exception', ttl_seconds: 30 }).expect(201)).body;
    const route = (await admin().post('/api/v1/chaos/experiments').send({ target: 'http', route: '/api/v1/memory/stats', fault: 'error', ttl_seconds: 30 }).expect(201)).body;
    const before = await metricValue('astra_chaos_injections_total', { target: 'detector', fault: 'exception' });
    await as(keys.operator).post('/api/v1/telemetry').send(frame).expect(500);
    expect(await metricValue('astra_chaos_injections_total', { target: 'detector', fault: 'exception' })).toBe(before + 1);
    await as(keys.viewer).get('/api/v1/memory/stats').expect(503);
    // Other routes are untouched.
    await as(keys.viewer).get('/api/v1/phase?instance_id=rover-chaos').expect(200);

    await admin().delete(`/api/v1/chaos/experiments/${detector.id}`).expect(204);
    await admin().delete(`/api/v1/chaos/experiments/${route.id}`).expect(204);
    await admin().delete(`/api/v1/chaos/experiments/${route.id}`).expect(404);
    await as(keys.operator).post('/api/v1/telemetry').send(frame).expect(200);
    await as(keys.viewer).get('/api/v1/memory/stats').expect(200);
    expect(await metricValue('astra_chaos_experiments_active')).toBe(0);
  });

  it('ends an experiment at its TTL on the next call, without waiting for a timer', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask'] });
    try {
      await admin().post('/api/v1/chaos/experiments').send({ target: 'detector', fault: 'exception', ttl_seconds: 2 }).expect(201);
      await as(keys.operator).post('/api/v1/telemetry').send(nominalFrames('rover-ttl', 1)[0]).expect(500);
      jest.setSystemTime(Date.now() + 2001);
      await as(keys.operator).post('/api/v1/telemetry').send(nominalFrames('rover-ttl', 1)[0]).expect(200);
      expect((await admin().get('/api/v1/chaos/experiments').expect(200)).body).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps the original inject and status routes', async () => {
    const injected = await admin().post('/api/v1/chaos/inject').send({ fault_type: 'model_loader', duration_seconds: 10 }).expect(200);
    expect(injected.body).toMatchObject({ status: 'injected', fault_type: 'model_loader', duration_seconds: 10 });
    const status = await admin().get('/api/v1/chaos/status').expect(200);
    expect(status.body).toMatchObject({ chaos_enabled: true, active: true });
    expect(status.body.active_experiments[0]).toMatchObject({ target: 'detector', fault: 'exception', id: injected.body.experiment_id });
    await admin().post('/api/v1/chaos/inject').send({ fault_type: 'disk_full', duration_seconds: 10 }).expect(422);
  });

  it('isolates and resets a breaker, and the state gauge follows', async () => {
    const isolated = await admin().post('/api/v1/reliability/breakers/webhook/isolate').expect(200);
    expect(isolated.body).toMatchObject({ name: 'webhook', state: 'isolated' });
    expect(await metricValue('astra_circuit_breaker_state', { breaker: 'webhook' })).toBe(1);
    expect((await as(keys.viewer).get('/api/v1/status').expect(200)).body.fallback_mode).toBe('degraded');
    const reset = await admin().post('/api/v1/reliability/breakers/webhook/reset').expect(200);
    expect(reset.body).toMatchObject({ state: 'closed', calls: 0 });
    expect(await metricValue('astra_circuit_breaker_state', { breaker: 'webhook' })).toBe(0);
    await admin().post('/api/v1/reliability/breakers/nope/reset').expect(404);
  });
});

describe('chaos switched off', () => {
  it('refuses experiments unless CHAOS_ENABLED, and in production unless explicitly allowed', async () => {
    const { keys, env } = makeTestKeys();
    const experiment = { target: 'detector', fault: 'exception', ttl_seconds: 5 };
    for (const settings of [{}, { CHAOS_ENABLED: 'true', NODE_ENV: 'production' }] as Record<string, string>[]) {
      const app = await startTestApp({ ...env, ...settings });
      try {
        const refused = await app.http().post('/api/v1/chaos/experiments').set('X-API-Key', keys.admin).send(experiment).expect(403);
        expect(refused.body.message).toMatch(/CHAOS_ENABLED|CHAOS_ALLOW_IN_PRODUCTION/);
        await app.http().post('/api/v1/chaos/inject').set('X-API-Key', keys.admin).send({ fault_type: 'redis_failure', duration_seconds: 5 }).expect(403);
      } finally {
        await app.close();
      }
    }
    const allowed = await startTestApp({ ...env, CHAOS_ENABLED: 'true', NODE_ENV: 'production', CHAOS_ALLOW_IN_PRODUCTION: 'true' });
    try {
      await allowed.http().post('/api/v1/chaos/experiments').set('X-API-Key', keys.admin).send(experiment).expect(201);
    } finally {
      await allowed.close();
    }
  });
});
