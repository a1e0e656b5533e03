/**
 * What the reliability layer costs on the write path, in process (no HTTP):
 *  - RedisStore.writeIngest of one frame against a real redis-server, run directly vs. under the
 *    Redis guard (retry → breaker → bulkhead → timeout, default settings), `concurrency` writers;
 *  - the write journal's append (write + fdatasync, group-committed), 1 writer vs. `concurrency`.
 * Rounds alternate between the variants (the machine is shared and noisy); medians are reported.
 *
 *   npm run bench:reliability [-- --rounds 5 --writes 2000 --concurrency 16]
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import { loadConfig } from '@astra/config';
import { IngestWrite, RedisStore } from '@astra/storage';
import { startRedisServer } from '../test/redis-server';
import { FaultInjector } from '../libs/reliability/src/chaos/fault-injector';
import { redisDependency } from '../libs/reliability/src/dependencies';
import { WriteJournal } from '../libs/reliability/src/journal/write-journal';
import { ReliabilityMetrics } from '../libs/reliability/src/reliability-metrics';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, writes: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '16' } } });
const ROUNDS = Number(values.rounds);
const WRITES = Number(values.writes);
const CONCURRENCY = Number(values.concurrency);

const write = (): IngestWrite => {
  const at = new Date().toISOString();
  return { frames: [{ frame_id: randomUUID(), instance_id: 'bench-rover', timestamp: at, received_at: at, channels: { voltage: 28.1, temperature: 20.4, gyro: 0.01, current: 1.5, wheel_speed: 100.2 } }], anomalies: [] };
};

/** `WRITES` calls by `writers` concurrent loops: writes per second. */
async function measure(writers: number, call: () => Promise<void>): Promise<number> {
  let left = WRITES;
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, async () => {
    while (left-- > 0) await call();
  }));
  return WRITES / ((performance.now() - started) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const config = loadConfig({});
  const redis = await startRedisServer();
  const noFaults: FaultInjector = { inject: async () => undefined };
  const guard = redisDependency(config, noFaults, new ReliabilityMetrics());
  const direct = new RedisStore(new Redis(redis.url), config, `bench-${randomUUID()}:`);
  const guarded = new RedisStore(new Redis(redis.url), config, `bench-${randomUUID()}:`, (operation, work) => guard.execute(`redis.${operation}`, () => work()));
  const dir = await mkdtemp(join(tmpdir(), 'astra-bench-journal-'));
  const results: Record<string, number[]> = { 'redis direct': [], 'redis guarded': [], 'journal 1 writer': [], [`journal ${CONCURRENCY} writers`]: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      results['redis direct'].push(await measure(CONCURRENCY, () => direct.writeIngest(write())));
      results['redis guarded'].push(await measure(CONCURRENCY, () => guarded.writeIngest(write())));
      for (const writers of [1, CONCURRENCY]) {
        const journal = new WriteJournal(join(dir, `r${round}-${writers}`), 1024 ** 3, 5);
        await journal.open();
        results[writers === 1 ? 'journal 1 writer' : `journal ${CONCURRENCY} writers`].push(await measure(writers, () => journal.append(write())));
        await journal.close();
      }
    }
    console.log(`${ROUNDS} rounds × ${WRITES} single-frame writes, ${CONCURRENCY} concurrent writers unless stated; medians`);
    for (const [name, rates] of Object.entries(results)) console.log(`${name.padEnd(22)} ${Math.round(median(rates)).toString().padStart(7)} writes/s`);
  } finally {
    await direct.close();
    await guarded.close();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
