import { makeTestKeys, startTestApp, TestApp } from './test-app';

describe('access with API keys configured', () => {
  const { keys, env } = makeTestKeys();
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp(env)));
  afterAll(() => t.close());

  const frame = { instance_id: 'auth-rover', voltage: 28 };

  it('refuses a request without a key with 401', async () => {
    const res = await t.http().post('/api/v1/telemetry').send(frame).expect(401);
    expect(res.body.message).toBe('an API key is required (X-API-Key header or Authorization: Bearer)');
    await t.http().get('/api/v1/status').expect(401);
  });

  it('refuses an invalid key with 401', async () => {
    await t.http().get('/api/v1/status').set('X-API-Key', keys.viewer.slice(0, -2) + 'xx').expect(401);
  });

  it('lets a viewer read but not write (403)', async () => {
    await t.http().get('/api/v1/status').set('X-API-Key', keys.viewer).expect(200);
    const res = await t.http().post('/api/v1/telemetry').set('X-API-Key', keys.viewer).send(frame).expect(403);
    expect(res.body.message).toBe('this route needs the operator role');
  });

  it('lets an operator ingest, with the key as a bearer token too', async () => {
    await t.http().post('/api/v1/telemetry').set('X-API-Key', keys.operator).send(frame).expect(200);
    await t.http().post('/api/v1/telemetry').set('Authorization', `Bearer ${keys.operator}`).send(frame).expect(200);
    await t.http().get('/api/v1/telemetry/latest?instance_id=auth-rover').set('X-API-Key', keys.admin).expect(200);
  });

  it('keeps health probes open', async () => {
    await t.http().get('/health/live').expect(200);
    await t.http().get('/health/ready').expect(200);
  });
});

describe('refusing to start in production without keys', () => {
  it('names API_KEYS', async () => {
    await expect(startTestApp({ NODE_ENV: 'production' })).rejects.toThrow('Invalid configuration: API_KEYS must be set when NODE_ENV=production');
  });
});
