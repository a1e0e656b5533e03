import { randomUUID } from 'node:crypto';
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startRedisServer } from '../../../test/redis-server';
import { tempDir } from '../../../test/temp-dir';
import { eventually, FAST_REDIS_POLICY, storedFrameIds } from './fault-harness';
import { nominalFrames, startTestApp, TestApp } from './test-app';

/**
 * Fault test 4: the process stops while its journal holds writes. The next process replays them:
 * nothing lost; and a journal replayed twice (a crash after replay, before the segment was deleted)
 * duplicates nothing.
 */
describe('restart with a non-empty journal', () => {
  it('replays what the journal holds at start, exactly once', async () => {
    const durable = await tempDir('redis-aof');
    const journal = await tempDir('journal');
    const copy = await tempDir('journal-copy');
    const redis = await startRedisServer({ durableDir: durable.path });
    const prefix = `fault4-${randomUUID()}:`;
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, ...FAST_REDIS_POLICY };
    const frames = nominalFrames('rover-restart', 120);
    const acknowledged: string[] = [];
    const drained = (app: TestApp) =>
      eventually(async () => {
        const status = (await app.http().get('/api/v1/status').expect(200)).body;
        return status.fallback_mode === 'primary' && status.components.reliability.journal.entries === 0;
      }, 'the journal replayed');
    let app: TestApp | undefined;

    try {
      app = await startTestApp({ ...env, JOURNAL_DIR: journal.path });
      for (const frame of frames.slice(0, 40)) acknowledged.push((await app.http().post('/api/v1/telemetry').send(frame).expect(200)).body.frame_id);
      await redis.kill();
      for (const frame of frames.slice(40, 120)) acknowledged.push((await app.http().post('/api/v1/telemetry').timeout(5000).send(frame).expect(200)).body.frame_id);
      const held = (await app.http().get('/api/v1/status').expect(200)).body.components.reliability.journal.entries;
      expect(held).toBeGreaterThan(0);
      await app.close();
      app = undefined;
      // What a crash right after replay, before its segments were deleted, would leave behind.
      await cp(journal.path, copy.path, { recursive: true });
      const [namespace] = await readdir(journal.path);
      expect((await readdir(join(journal.path, namespace))).length).toBeGreaterThan(0);

      await redis.restart();
      app = await startTestApp({ ...env, JOURNAL_DIR: journal.path });
      await drained(app);
      expect(await readdir(join(journal.path, namespace))).toEqual([]);
      await app.close();
      app = undefined;

      app = await startTestApp({ ...env, JOURNAL_DIR: copy.path });
      await drained(app);
      await app.close();
      app = undefined;

      const stored = await storedFrameIds(redis.url, prefix, 'rover-restart');
      expect(stored).toEqual(acknowledged);
    } finally {
      await app?.close();
      await redis.stop();
      await Promise.all([durable.remove(), journal.remove(), copy.remove()]);
    }
  }, 60_000);
});
