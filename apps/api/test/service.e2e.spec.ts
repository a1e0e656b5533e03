import { startTestApp, TestApp } from './test-app';

describe('status, probes and API docs (HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('GET /api/v1/status reports status, components, uptime and phases', async () => {
    await t.http().post('/api/v1/phase').send({ instance_id: 'sat-status', phase: 'SAFE_MODE', force: true }).expect(200);
    const res = await t.http().get('/api/v1/status').expect(200);
    expect(res.body).toMatchObject({
      status: 'operational',
      service: 'astraguard',
      version: '0.0.0-test',
      environment: 'test',
      mission_phase: 'NOMINAL_OPS',
      mission_phases: { 'sat-status': 'SAFE_MODE' },
      components: { store: { status: 'up', kind: 'memory' } },
    });
    expect(res.body.uptime_seconds).toBeGreaterThanOrEqual(0);
  });

  it('serves liveness, readiness and the full health report', async () => {
    expect((await t.http().get('/health/live').expect(200)).body.status).toBe('ok');
    const ready = await t.http().get('/health/ready').expect(200);
    expect(Object.keys(ready.body.details).sort()).toEqual(['event_loop', 'memory_heap', 'reliability', 'store']);
    const full = await t.http().get('/health').expect(200);
    expect(full.body.details).toHaveProperty('memory_rss');
  });

  it('serves Swagger UI and the OpenAPI document with examples', async () => {
    const ui = await t.http().get('/docs').redirects(1).expect(200);
    expect(ui.text).toMatch(/swagger-ui/i);
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    expect((await t.http().get('/openapi.json').expect(200)).body).toEqual(doc);
    for (const path of ['/api/v1/telemetry', '/api/v1/telemetry/batch', '/api/v1/telemetry/latest', '/api/v1/history/anomalies', '/api/v1/anomalies/{id}', '/api/v1/status', '/api/v1/phase', '/api/v1/memory/stats', '/api/v1/feedback', '/api/v1/analytics/false_positives', '/health/ready']) {
      expect(doc.paths).toHaveProperty([path]);
    }
    const frame = doc.components.schemas.TelemetryFrameDto.properties;
    expect(frame.voltage.example).toBe(28.4);
    expect(frame.instance_id.example).toBe('rover-7');
    expect(doc.components.securitySchemes['api-key']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
  });

  it('offers "Try it out" examples that the API accepts as they are', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    for (const path of ['/api/v1/telemetry', '/api/v1/telemetry/batch']) {
      const examples = Object.values(doc.paths[path].post.requestBody.content['application/json'].examples) as Array<{ value: object }>;
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) await t.http().post(path).send(example.value).expect(200);
    }
  });

  it('lets Swagger UI load over plain HTTP (no upgrade of its assets to https)', async () => {
    const res = await t.http().get('/docs/').expect(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it('does not announce the framework', async () => {
    const res = await t.http().get('/health/live');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('readiness with Redis down', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' })));
  afterAll(() => t.close());

  it('goes 503 and names the store, while liveness stays 200', async () => {
    const res = await t.http().get('/health/ready').expect(503);
    expect(res.body.details.store).toMatchObject({ status: 'down', kind: 'redis' });
    await t.http().get('/health/live').expect(200);
    expect((await t.http().get('/api/v1/status').expect(200)).body.status).toBe('degraded');
  });
});
