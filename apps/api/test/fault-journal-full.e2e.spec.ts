import { randomUUID } from 'node:crypto';
import { startRedisServer } from '../../../test/redis-server';
import { tempDir } from '../../../test/temp-dir';
import { eventually, FAST_REDIS_POLICY, metricValue, recoveryHistory, storedFrameIds } from './fault-harness';
import { nominalFrames, startTestApp } from './test-app';

/**
 * Redis away and the journal full: the API answers 503 with Retry-After instead of accepting what
 * it cannot keep, switches to safe mode (readiness fails), and leaves it once Redis takes the journal.
 */
describe('journal full', () => {
  it('refuses writes with 503 and Retry-After in safe mode, and recovers once the journal is replayed', async () => {
    const journal = await tempDir('journal');
    const redis = await startRedisServer();
    const prefix = `full-${randomUUID()}:`;
    const app = await startTestApp({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, JOURNAL_DIR: journal.path, JOURNAL_MAX_BYTES: '2kb', ...FAST_REDIS_POLICY });
    const frames = nominalFrames('rover-full', 60);
    const journaled: string[] = [];
    try {
      await app.http().post('/api/v1/telemetry').send(frames[0]).expect(200);
      await redis.kill();
      let refused: { status: number; headers: Record<string, string> } | undefined;
      for (let i = 1; i < frames.length && !refused; i++) {
        const res = await app.http().post('/api/v1/telemetry').timeout(5000).send(frames[i]);
        if (res.status === 200) journaled.push(res.body.frame_id);
        else refused = res;
      }
      expect(refused?.status).toBe(503);
      // FAST_REDIS_POLICY's half-open wait is 300 ms: come back in a second.
      expect(refused?.headers['retry-after']).toBe('1');
      expect(journaled.length).toBeGreaterThan(0);
      expect(await metricValue('astra_journal_capacity_bytes')).toBe(2048);
      await eventually(async () => (await app.http().get('/api/v1/status')).body.fallback_mode === 'safe', 'safe mode');
      const ready = await app.http().get('/health/ready').expect(503);
      expect(ready.body.details.reliability).toMatchObject({ status: 'down', mode: 'safe' });
      // The gauge follows within a recovery tick (100 ms here).
      await eventually(async () => (await metricValue('astra_fallback_mode', { mode: 'safe' })) === 1, 'the safe-mode gauge', 30);

      await redis.restart();
      await eventually(async () => (await app.http().get('/api/v1/status')).body.fallback_mode === 'primary', 'primary mode');
      const actions = (await recoveryHistory(app)).map((h) => h.action);
      expect(actions).toEqual(expect.arrayContaining(['enter_safe_mode', 'leave_safe_mode', 'journal_replay']));
      await eventually(async () => (await metricValue('astra_fallback_mode', { mode: 'primary' })) === 1, 'the primary-mode gauge', 30);
      const after = (await app.http().post('/api/v1/telemetry').send(frames[59]).expect(200)).body.frame_id;
      // This Redis restarts empty (no persistence here): it holds the journaled frames, in order, then the new one.
      expect(await storedFrameIds(redis.url, prefix, 'rover-full')).toEqual([...journaled, after]);
    } finally {
      await app.close();
      await redis.stop();
      await journal.remove();
    }
  }, 60_000);
});
