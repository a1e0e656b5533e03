import { nominalFrames, startTestApp, TestApp } from './test-app';

describe('Telemetry API v1 (HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ MAX_BATCH: '500', BODY_LIMIT: '16kb', BATCH_BODY_LIMIT: '1mb' })));
  afterAll(() => t.close());

  const RESPONSE_FIELDS = [
    'frame_id', 'instance_id', 'is_anomaly', 'anomaly_score', 'anomaly_type', 'severity_score', 'severity_level', 'mission_phase',
    'recommended_action', 'escalation_level', 'is_allowed', 'allowed_actions', 'should_escalate_to_safe_mode', 'confidence',
    'reasoning', 'recurrence_count', 'channel_scores', 'triggered_channels', 'timestamp',
  ];

  describe('POST /api/v1/telemetry', () => {
    it('assesses one frame and answers an AnomalyResponse', async () => {
      const res = await t.http().post('/api/v1/telemetry').send({ voltage: 28.1, temperature: 21, gyro: 0.01, current: 1.4, wheel_speed: 90 }).expect(200);
      for (const field of RESPONSE_FIELDS) expect(res.body).toHaveProperty(field);
      expect(res.body.instance_id).toBe('default');
      expect(res.body.mission_phase).toBe('NOMINAL_OPS');
      expect(res.body.anomaly_score).toBeGreaterThanOrEqual(0);
      expect(res.body.anomaly_score).toBeLessThanOrEqual(1);
      expect(res.body.confidence).toBeGreaterThanOrEqual(0);
      expect(res.body.confidence).toBeLessThanOrEqual(1);
      expect(Object.keys(res.body.channel_scores).sort()).toEqual(['current', 'gyro', 'temperature', 'voltage', 'wheel_speed']);
    });

    it('takes the reading time from an ISO-8601 or epoch-ms timestamp, and extra channels', async () => {
      const iso = await t.http().post('/api/v1/telemetry').send({ instance_id: 'sat-A', timestamp: '2003-05-01T12:00:00Z', voltage: 30 }).expect(200);
      expect(iso.body.timestamp).toBe('2003-05-01T12:00:00.000Z');
      const epoch = await t.http().post('/api/v1/telemetry').send({ instance_id: 'sat-A', timestamp: Date.UTC(2003, 4, 1, 12, 0, 1), channels: { battery_soc: 88.5 } }).expect(200);
      expect(epoch.body.timestamp).toBe('2003-05-01T12:00:01.000Z');
      expect(Object.keys(epoch.body.channel_scores)).toEqual(['battery_soc']);
    });

    it.each([
      [{ voltage: 51 }, 'voltage must not be greater than 50'],
      [{ voltage: '28.5' }, 'voltage must be a number conforming to the specified constraints'],
      [{ temperature: -101 }, 'temperature must not be less than -100'],
      [{ current: -0.1 }, 'current must not be less than 0'],
      [{ cpu_usage: 101 }, 'cpu_usage must not be greater than 100'],
      [{ active_connections: 1.5 }, 'active_connections must be an integer number'],
      [{ voltage: 28, instance_id: 'rover 7!' }, 'instance_id must be 1–64 characters of A–Z a–z 0–9 . _ : -'],
      [{ voltage: 28, instance_id: 'x'.repeat(65) }, 'instance_id must be 1–64 characters of A–Z a–z 0–9 . _ : -'],
      [{ voltage: 28, timestamp: 'yesterday' }, 'timestamp must be an ISO-8601 date-time (e.g. 2026-11-21T10:15:00Z) or epoch milliseconds'],
      [{ voltage: 28, timestamp: 1.5 }, 'timestamp must be an ISO-8601 date-time (e.g. 2026-11-21T10:15:00Z) or epoch milliseconds'],
      [{ voltage: 28, colour: 'red' }, 'property colour should not exist'],
      [{}, 'channels: a frame needs at least one channel'],
      [{ channels: { 'Bad Name': 1 } }, 'channels.Bad Name is not a valid channel name'],
      [{ channels: { battery_soc: '88' } }, 'channels.battery_soc must be a finite number'],
      [{ channels: { voltage: 28 } }, 'channels.voltage must be sent as the top-level voltage field'],
      [{ channels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`c${i}`, i])) }, 'channels must have at most 64 entries'],
    ])('refuses %j with 422 naming the field', async (body, message) => {
      const res = await t.http().post('/api/v1/telemetry').send(body).expect(422);
      expect(res.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
      expect(res.body.message.some((m: string) => m.startsWith(message) || m.includes(message))).toBe(true);
    });

    it('gives one message per offending field', async () => {
      const res = await t.http().post('/api/v1/telemetry').send({ voltage: 99, temperature: 'hot' }).expect(422);
      expect(res.body.message).toEqual(['voltage must not be greater than 50', 'temperature must be a number conforming to the specified constraints']);
    });

    it('answers malformed JSON with 400', async () => {
      const res = await t.http().post('/api/v1/telemetry').set('Content-Type', 'application/json').send('{"voltage": 28,').expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toMatch(/^Malformed JSON/);
    });

    it('refuses prototype-pollution keys with 400', async () => {
      const res = await t.http().post('/api/v1/telemetry').set('Content-Type', 'application/json').send('{"voltage": 28, "__proto__": {"admin": true}}').expect(400);
      expect(res.body.message).toMatch(/"__proto__" is not allowed/);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });

    it('answers a body that is not JSON with 415', async () => {
      const res = await t.http().post('/api/v1/telemetry').set('Content-Type', 'text/plain').send('voltage=28').expect(415);
      expect(res.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    });

    it('answers a body over the limit with 413', async () => {
      const res = await t.http().post('/api/v1/telemetry').send({ voltage: 28, padding: 'x'.repeat(20_000) }).expect(413);
      expect(res.body.message).toMatch(/exceeds the limit of 16384 bytes/);
    });

    it('answers a JSON scalar or array body with a 4xx, not a 5xx', async () => {
      for (const body of ['42', '[1,2]', 'null']) {
        const res = await t.http().post('/api/v1/telemetry').set('Content-Type', 'application/json').send(body);
        expect([400, 422]).toContain(res.status);
      }
    });
  });

  describe('POST /api/v1/telemetry/batch', () => {
    it('processes frames in order and counts anomalies', async () => {
      const frames = nominalFrames('batch-rover', 40);
      const res = await t.http().post('/api/v1/telemetry/batch').send({ telemetry: frames }).expect(200);
      expect(res.body.total_processed).toBe(40);
      expect(res.body.results).toHaveLength(40);
      expect(res.body.results.map((r: { timestamp: string }) => Date.parse(r.timestamp))).toEqual(frames.map((f) => f.timestamp));
      expect(res.body.anomalies_detected).toBe(res.body.results.filter((r: { is_anomaly: boolean }) => r.is_anomaly).length);
    });

    it('returns only the anomalies with ?include=anomalies', async () => {
      const frames = [...nominalFrames('include-rover', 200), { instance_id: 'include-rover', timestamp: Date.UTC(2026, 10, 21) + 200_000, voltage: 3, temperature: 20, gyro: 0, current: 1.5, wheel_speed: 100 }];
      const res = await t.http().post('/api/v1/telemetry/batch?include=anomalies').send({ telemetry: frames }).expect(200);
      expect(res.body.total_processed).toBe(201);
      expect(res.body.anomalies_detected).toBeGreaterThanOrEqual(1);
      expect(res.body.results).toHaveLength(res.body.anomalies_detected);
      expect(res.body.results.every((r: { is_anomaly: boolean; anomaly_id: string }) => r.is_anomaly && r.anomaly_id)).toBe(true);
    });

    it.each([
      [{ telemetry: [] }, 'telemetry must contain at least 1 elements'],
      [{ telemetry: 'frames' }, 'telemetry must be an array'],
      [{ telemetry: [{ voltage: 28 }, { voltage: 80 }] }, 'telemetry.1.voltage must not be greater than 50'],
      [{ telemetry: [{ voltage: 28, extra: 1 }] }, 'property telemetry.0.extra should not exist'],
      [{ telemetry: [{}] }, 'telemetry.0.channels: a frame needs at least one channel'],
    ])('refuses %j with 422 naming the field', async (body, message) => {
      const res = await t.http().post('/api/v1/telemetry/batch').send(body).expect(422);
      expect(res.body.message.some((m: string) => m.startsWith(message))).toBe(true);
    });

    it('refuses more than MAX_BATCH frames with 422 and stores none of them', async () => {
      const frames = nominalFrames('too-many', 501);
      const res = await t.http().post('/api/v1/telemetry/batch').send({ telemetry: frames }).expect(422);
      expect(res.body.message).toEqual(['telemetry must contain at most 500 frames (MAX_BATCH)']);
      await t.http().get('/api/v1/telemetry/latest?instance_id=too-many').expect(404);
    });

    it('takes batches above the single-frame body limit', async () => {
      const frames = nominalFrames('big-batch', 300);
      expect(JSON.stringify({ telemetry: frames }).length).toBeGreaterThan(16 * 1024);
      await t.http().post('/api/v1/telemetry/batch').send({ telemetry: frames }).expect(200);
    });
  });

  describe('GET /api/v1/telemetry/latest', () => {
    it('is 404 for an instance never seen, then the last frame', async () => {
      await t.http().get('/api/v1/telemetry/latest?instance_id=fresh-rover').expect(404);
      await t.http().post('/api/v1/telemetry').send({ instance_id: 'fresh-rover', timestamp: 1_700_000_000_000, voltage: 27 }).expect(200);
      const second = await t.http().post('/api/v1/telemetry').send({ instance_id: 'fresh-rover', timestamp: 1_700_000_001_000, voltage: 27.5 }).expect(200);
      const res = await t.http().get('/api/v1/telemetry/latest?instance_id=fresh-rover').expect(200);
      expect(res.body).toMatchObject({ frame_id: second.body.frame_id, instance_id: 'fresh-rover', channels: { voltage: 27.5 }, timestamp: '2023-11-14T22:13:21.000Z' });
    });

    it('refuses a malformed instance_id with 422', async () => {
      await t.http().get('/api/v1/telemetry/latest?instance_id=%3Cscript%3E').expect(422);
    });
  });

  describe('unknown routes', () => {
    it('answers 404 as JSON', async () => {
      const res = await t.http().get('/api/v1/nope').expect(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /api/v1/nope' });
    });
  });
});
