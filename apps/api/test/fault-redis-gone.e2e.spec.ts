import { randomUUID } from 'node:crypto';
import { startRedisServer } from '../../../test/redis-server';
import { tempDir } from '../../../test/temp-dir';
import { eventually, FAST_REDIS_POLICY, recoveryHistory, storedFrameIds } from './fault-harness';
import { nominalFrames, startTestApp } from './test-app';

/**
 * Fault test: Redis away for longer than the client keeps reconnecting (about 21 s, then ioredis stops:
 * status 'end'). Only the recovery orchestrator's redis_reconnect brings it back; without it the
 * service would run on its journal until restarted.
 */
describe('Redis gone until the client gives up', () => {
  it('is reconnected by the recovery orchestrator when Redis returns; the journaled frames reach Redis', async () => {
    const durable = await tempDir('redis-aof');
    const journal = await tempDir('journal');
    // Durable (appendfsync always): what Redis acknowledged before the kill is still there after it.
    const redis = await startRedisServer({ durableDir: durable.path });
    const prefix = `fault-gone-${randomUUID()}:`;
    const app = await startTestApp({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, JOURNAL_DIR: journal.path, ...FAST_REDIS_POLICY });
    const frames = nominalFrames('rover-gone', 40);
    const acknowledged: string[] = [];
    const post = async (frame: object) => acknowledged.push((await app.http().post('/api/v1/telemetry').send(frame).expect(200)).body.frame_id);
    const history = () => recoveryHistory(app);
    try {
      for (const frame of frames.slice(0, 10)) await post(frame);
      await redis.kill();
      // Accepted meanwhile into the journal.
      for (const frame of frames.slice(10, 20)) await post(frame);
      // The client's reconnect attempts run out (25 attempts, about 21 s); the orchestrator then tries, and fails while Redis is away.
      await eventually(async () => (await history()).some((h) => h.action === 'redis_reconnect' && h.status === 'failure'), 'a failed redis_reconnect while Redis is away', 400);
      expect((await app.http().get('/health/ready')).status).toBe(503);

      await redis.restart();
      await eventually(async () => (await history()).some((h) => h.action === 'redis_reconnect' && h.status === 'success'), 'a successful redis_reconnect');
      await eventually(async () => (await app.http().get('/health/ready')).status === 200, 'readiness back');
      await eventually(async () => (await app.http().get('/api/v1/status').expect(200)).body.components.reliability.journal.entries === 0, 'the journal replayed');
      for (const frame of frames.slice(20)) await post(frame);

      const stored = await storedFrameIds(redis.url, prefix, 'rover-gone');
      expect(acknowledged).toHaveLength(40);
      expect(acknowledged.filter((id) => !stored.includes(id))).toEqual([]);
      expect(new Set(stored).size).toBe(stored.length);
    } finally {
      await app.close();
      await redis.stop();
      await Promise.all([durable.remove(), journal.remove()]);
    }
  }, 90_000);
});
