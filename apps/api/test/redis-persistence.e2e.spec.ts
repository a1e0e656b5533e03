import { randomUUID } from 'node:crypto';
import { nominalFrames, startTestApp } from './test-app';

/** The service on the real redis-server the harness started: data and engine state survive a restart. */
const url = process.env.ASTRA_TEST_REDIS_URL;
if (!url) throw new Error('ASTRA_TEST_REDIS_URL is not set: run the suite with `npm test`');

describe('Redis-backed service', () => {
  const env = { REDIS_URL: url, REDIS_KEY_PREFIX: `e2e-${randomUUID()}:` };

  it('keeps frames, anomalies, phases and engine state across a restart', async () => {
    const first = await startTestApp(env);
    const frames = nominalFrames('rover-persist', 600);
    await first.http().post('/api/v1/telemetry/batch').send({ telemetry: frames }).expect(200);
    const brownout = await first.http().post('/api/v1/telemetry').send({ ...frames[599], timestamp: frames[599].timestamp + 1000, voltage: 3 }).expect(200);
    expect(brownout.body.is_anomaly).toBe(true);
    await first.http().post('/api/v1/phase').send({ instance_id: 'rover-persist', phase: 'PAYLOAD_OPS' }).expect(200);
    expect((await first.http().get('/health/ready').expect(200)).body.details.store).toMatchObject({ status: 'up', kind: 'redis' });
    await first.close();

    const second = await startTestApp(env);
    try {
      const latest = await second.http().get('/api/v1/telemetry/latest?instance_id=rover-persist').expect(200);
      expect(latest.body.frame_id).toBe(brownout.body.frame_id);
      await second.http().get(`/api/v1/anomalies/${brownout.body.anomaly_id}`).expect(200);
      expect((await second.http().get('/api/v1/phase?instance_id=rover-persist').expect(200)).body.phase).toBe('PAYLOAD_OPS');
      // Warm engine state came back: a nominal frame right after the restart is judged with full confidence of a trained model.
      const next = await second.http().post('/api/v1/telemetry').send({ ...frames[10], timestamp: frames[599].timestamp + 5000 }).expect(200);
      const cold = await second.http().post('/api/v1/telemetry').send({ ...frames[10], instance_id: 'rover-cold', timestamp: frames[599].timestamp + 5000 }).expect(200);
      expect(next.body.confidence).toBeGreaterThan(cold.body.confidence);
    } finally {
      await second.close();
    }
  });
});
