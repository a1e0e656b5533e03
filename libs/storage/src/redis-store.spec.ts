import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RedisStore } from './redis-store';
import { CONTRACT_LIMITS, describeStoreContract } from './store.contract';

/** Against the real redis-server the test harness started (test/global-setup.ts). */
const url = process.env.ASTRA_TEST_REDIS_URL;
if (!url) throw new Error('ASTRA_TEST_REDIS_URL is not set: run the suite with `npm test`');

describeStoreContract(
  'redis',
  async () => new RedisStore(new Redis(url), CONTRACT_LIMITS, `contract-${randomUUID()}:`),
  (store) => store.close(),
);

describe('RedisStore failures', () => {
  it('rejects ping when Redis is unreachable', async () => {
    const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const store = new RedisStore(redis, CONTRACT_LIMITS);
    await expect(store.ping()).rejects.toThrow();
    await store.close();
  });
});

describe('RedisStore writes', () => {
  it('applies a write once: a retried or replayed write with the same first frame adds nothing', async () => {
    const prefix = `once-${randomUUID()}:`;
    const store = new RedisStore(new Redis(url!), CONTRACT_LIMITS, prefix);
    const frame = { frame_id: randomUUID(), instance_id: 'r', timestamp: '2026-01-01T00:00:00.000Z', received_at: '2026-01-01T00:00:00.000Z', channels: { voltage: 1 } };
    const write = { frames: [frame], anomalies: [] };
    await store.writeIngest(write);
    await store.writeIngest(write);
    expect(await store.recentFrames('r', 10)).toEqual([frame]);
    await store.close();
  });
});
