import { randomUUID } from 'node:crypto';
import { tempDir } from '../../../test/temp-dir';
import { eventually, FAST_REDIS_POLICY, metricValue, storedFrameIds } from './fault-harness';
import { makeTestKeys, nominalFrames, startTestApp } from './test-app';

const url = process.env.ASTRA_TEST_REDIS_URL;
if (!url) throw new Error('ASTRA_TEST_REDIS_URL is not set: run the suite with `npm test`');

/**
 * Fault test 2: Redis slower than its timeout (a chaos latency experiment at the Redis boundary).
 * The per-attempt timeouts fire, the breaker opens within its window, and the journal takes the
 * writes, so no request waits on Redis after that; once the experiment ends everything is replayed.
 */
describe('slow Redis', () => {
  it('times out, opens the breaker within its window, journals meanwhile and recovers when the latency ends', async () => {
    const journal = await tempDir('journal');
    const { keys, env } = makeTestKeys();
    const prefix = `fault2-${randomUUID()}:`;
    const app = await startTestApp({ ...env, REDIS_URL: url, REDIS_KEY_PREFIX: prefix, JOURNAL_DIR: journal.path, CHAOS_ENABLED: 'true', ...FAST_REDIS_POLICY });
    const admin = (req: ReturnType<ReturnType<typeof app.http>['post']>) => req.set('X-API-Key', keys.admin);
    const frames = nominalFrames('rover-slow', 300);
    const acknowledged: string[] = [];
    const send = async (frame: (typeof frames)[number]) => {
      // The bound of one write: 2 attempts × 200 ms + 50 ms backoff, far below this request timeout.
      const res = await app.http().post('/api/v1/telemetry').set('X-API-Key', keys.operator).timeout(5000).send(frame);
      expect(res.status).toBe(200);
      acknowledged.push(res.body.frame_id);
    };
    const redisBreaker = async () =>
      (await app.http().get('/api/v1/reliability/breakers').set('X-API-Key', keys.viewer).expect(200)).body.find((b: { name: string }) => b.name === 'redis');

    try {
      for (const frame of frames.slice(0, 20)) await send(frame);
      const timeoutsBefore = await metricValue('astra_retry_attempts_total', { operation: 'redis.writeIngest', outcome: 'exhausted' });
      const journaledBefore = await metricValue('astra_telemetry_frames_total', { outcome: 'journaled' });

      const experiment = await admin(app.http().post('/api/v1/chaos/experiments'))
        .send({ target: 'redis', fault: 'latency', latency_min_ms: 400, latency_max_ms: 600, probability: 1, ttl_seconds: 3 })
        .expect(201);
      let sent = 20;
      // The first write meets the latency: both attempts time out and it goes to the journal; every
      // later write queues behind it there, so no request waits on Redis. The breaker learns from
      // the orchestrator's replay attempts, which time out too.
      while ((await redisBreaker()).state !== 'open') {
        if (sent >= 200) throw new Error('breaker still closed after 180 writes');
        await send(frames[sent++]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const openedAfter = await metricValue('astra_chaos_injections_total', { target: 'redis', fault: 'latency' });
      // Every injected delay outlasted the timeout, so each injection is one failed call: the
      // breaker (window 10, at least 4 calls, over 50 % failing) opened within one window of them.
      expect(openedAfter).toBeGreaterThanOrEqual(4);
      expect(openedAfter).toBeLessThanOrEqual(10);
      expect(await metricValue('astra_circuit_breaker_transitions_total', { breaker: 'redis', from: 'closed', to: 'open' })).toBeGreaterThanOrEqual(1);
      expect(await metricValue('astra_retry_attempts_total', { operation: 'redis.writeIngest', outcome: 'exhausted' })).toBeGreaterThan(timeoutsBefore);
      for (let i = 0; i < 10; i++) await send(frames[sent++]);
      // Every frame written since the experiment began went to the journal.
      expect(await metricValue('astra_telemetry_frames_total', { outcome: 'journaled' })).toBe(journaledBefore + sent - 20);

      await admin(app.http().delete(`/api/v1/chaos/experiments/${experiment.body.id}`)).expect(204);
      await eventually(async () => {
        const status = (await app.http().get('/api/v1/status').set('X-API-Key', keys.viewer).expect(200)).body;
        return status.fallback_mode === 'primary' && status.components.reliability.journal.entries === 0;
      }, 'the breaker closed and the journal replayed');
      expect((await redisBreaker()).state).toBe('closed');
      await eventually(async () => (await metricValue('astra_chaos_recovery_time_seconds_count')) >= 1, 'the chaos recovery time was recorded', 30);

      const stored = await storedFrameIds(url, prefix, 'rover-slow');
      expect(new Set(stored).size).toBe(stored.length);
      expect(acknowledged.filter((id) => !stored.includes(id))).toEqual([]);
    } finally {
      await app.close();
      await journal.remove();
    }
  }, 60_000);
});
