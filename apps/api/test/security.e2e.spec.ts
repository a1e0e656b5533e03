import { gzipSync } from 'node:zlib';
import { startTestApp, TestApp } from './test-app';

const frame = { instance_id: 'limits-rover', voltage: 28 };
const nested = (depth: number) => '['.repeat(depth - 1) + '{"voltage":1}' + ']'.repeat(depth - 1);

describe('HTTP limits and headers (defaults)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('sends helmet headers and no x-powered-by', async () => {
    const res = await t.http().get('/api/v1/status').expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('sends no CORS headers when no origins are configured', async () => {
    const res = await t.http().get('/api/v1/status').set('Origin', 'https://evil.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.http().options('/api/v1/telemetry').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses JSON nested deeper than MAX_JSON_DEPTH with 400, on ordinary and batch routes', async () => {
    for (const path of ['/api/v1/telemetry', '/api/v1/telemetry/batch']) {
      const res = await t.http().post(path).set('Content-Type', 'application/json').send(nested(33)).expect(400);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'JSON nested deeper than 32 levels (MAX_JSON_DEPTH)' });
    }
    // Brackets inside strings are text, not nesting.
    const res = await t.http().post('/api/v1/telemetry').send({ ...frame, instance_id: '[[[[' + '{'.repeat(100) }).expect(422);
    expect(res.body.message).toEqual([expect.stringMatching(/^instance_id must be/)]);
    // Nesting within the limit reaches validation.
    await t.http().post('/api/v1/telemetry').set('Content-Type', 'application/json').send(nested(32)).expect(422);
  });

  it('bounds a compressed body by its inflated size (no zip bombs)', async () => {
    const bomb = gzipSync(JSON.stringify({ ...frame, padding: ' '.repeat(4 * 1024 * 1024) }));
    expect(bomb.length).toBeLessThan(10 * 1024);
    const res = await t
      .http()
      .post('/api/v1/telemetry')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      // Send the compressed bytes as they are (superagent writes a Buffer unchanged; its types only know strings).
      .serialize((body: Buffer) => body as unknown as string)
      .send(bomb)
      .expect(413);
    expect(res.body.message).toMatch(/exceeds the limit of 1048576 bytes/);
  });

  it('refuses request headers over MAX_HEADER_SIZE with 431', async () => {
    await t.http().get('/api/v1/status').set('X-Padding', 'a'.repeat(17 * 1024)).expect(431);
    await t.http().get('/api/v1/status').set('X-Padding', 'a'.repeat(8 * 1024)).expect(200);
  });
});

describe('HTTP limits and headers (configured)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ CORS_ORIGINS: 'https://ops.example.org', MAX_HEADER_SIZE: '4kb', MAX_JSON_DEPTH: '6' })));
  afterAll(() => t.close());

  it('answers CORS for the configured origins only, allowing the API-key header', async () => {
    const allowed = await t.http().options('/api/v1/telemetry').set('Origin', 'https://ops.example.org').set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'x-api-key,content-type');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://ops.example.org');
    expect(allowed.headers['access-control-allow-headers']).toBe('Content-Type,Authorization,X-API-Key');
    const other = await t.http().get('/api/v1/status').set('Origin', 'https://evil.example').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('applies the configured header size and JSON depth', async () => {
    await t.http().get('/api/v1/status').set('X-Padding', 'a'.repeat(5 * 1024)).expect(431);
    const res = await t.http().post('/api/v1/telemetry').set('Content-Type', 'application/json').send(nested(7)).expect(400);
    expect(res.body.message).toBe('JSON nested deeper than 6 levels (MAX_JSON_DEPTH)');
  });
});
