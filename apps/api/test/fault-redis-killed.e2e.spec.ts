import { randomUUID } from 'node:crypto';
import { startRedisServer } from '../../../test/redis-server';
import { tempDir } from '../../../test/temp-dir';
import { eventually, FAST_REDIS_POLICY, recoveryHistory, storedFrameIds } from './fault-harness';
import { nominalFrames, startTestApp } from './test-app';

/**
 * Fault test 1: Redis SIGKILLed under a steady stream of frames, then restarted on the same port.
 * Every frame answered 200 must be in Redis afterwards, once; no request may outlast its bound.
 */
describe('Redis killed mid-load', () => {
  it('keeps every acknowledged frame, opens and closes the breaker, and takes readiness down and back', async () => {
    const durable = await tempDir('redis-aof');
    const journal = await tempDir('journal');
    const redis = await startRedisServer({ durableDir: durable.path });
    const prefix = `fault1-${randomUUID()}:`;
    const app = await startTestApp({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, JOURNAL_DIR: journal.path, ...FAST_REDIS_POLICY });
    // 2 attempts × 200 ms timeout + 50 ms backoff bound a write; the rest of a request is in-process work.
    const REQUEST_BOUND_MS = 5000;
    const frames = nominalFrames('rover-kill', 2000);
    let next = 0;
    const acknowledged: string[] = [];
    const failures: string[] = [];
    const breakerStates = new Set<string>();
    const readiness = new Set<number>();

    const sendOne = async () => {
      const frame = frames[next++];
      try {
        const res = await app.http().post('/api/v1/telemetry').timeout(REQUEST_BOUND_MS).send(frame);
        if (res.status === 200) acknowledged.push(res.body.frame_id);
        else failures.push(`status ${res.status}: ${JSON.stringify(res.body)}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
    };
    const observe = async () => {
      const breakers = await app.http().get('/api/v1/reliability/breakers').expect(200);
      breakerStates.add(breakers.body.find((b: { name: string }) => b.name === 'redis').state);
      readiness.add((await app.http().get('/health/ready')).status);
    };
    /** Frames in a steady stream, bounded by count, until `done` holds. */
    const streamUntil = async (done: () => boolean, what: string, maxFrames: number) => {
      for (let i = 0; i < maxFrames && !done(); i++) {
        await sendOne();
        if (i % 5 === 0) await observe();
      }
      if (!done()) throw new Error(`stream ended before ${what}`);
    };

    try {
      // Warm-up: the instance is known and Redis answers.
      await app.http().post('/api/v1/telemetry/batch').send({ telemetry: frames.slice(0, 200) }).expect(200).then((res) => acknowledged.push(...res.body.results.map((r: { frame_id: string }) => r.frame_id)));
      next = 200;
      await streamUntil(() => acknowledged.length >= 230, 'steady state', 100);
      await observe();
      expect(breakerStates).toEqual(new Set(['closed']));
      expect(readiness).toEqual(new Set([200]));

      await redis.kill();
      await streamUntil(() => breakerStates.has('open') && readiness.has(503), 'the breaker opened and readiness failed', 600);
      const status = await app.http().get('/api/v1/status').expect(200);
      expect(status.body.fallback_mode).toBe('degraded');
      expect(status.body.components.reliability.journal.entries).toBeGreaterThan(0);

      await redis.restart();
      // Frames keep coming while Redis returns and the journal replays.
      const recovered = async () => {
        await observe();
        const report = (await app.http().get('/api/v1/status').expect(200)).body;
        return report.fallback_mode === 'primary' && report.components.reliability.journal.entries === 0;
      };
      for (let i = 0; i < 50; i++) await sendOne();
      await eventually(recovered, 'the journal replayed and the breaker closed');
      expect((await app.http().get('/health/ready')).status).toBe(200);

      expect(failures).toEqual([]);
      expect([...breakerStates].every((state) => ['closed', 'open', 'half_open'].includes(state))).toBe(true);
      expect(breakerStates.has('open')).toBe(true);
      expect(readiness).toEqual(new Set([200, 503]));
      const history = await recoveryHistory(app);
      expect(history.some((h) => h.action === 'journal_replay' && h.status === 'success')).toBe(true);

      const stored = await storedFrameIds(redis.url, prefix, 'rover-kill');
      expect(new Set(stored).size).toBe(stored.length);
      const missing = acknowledged.filter((id) => !stored.includes(id));
      expect(missing).toEqual([]);
    } finally {
      await app.close();
      await redis.stop();
      await Promise.all([durable.remove(), journal.remove()]);
    }
  }, 90_000);
});
