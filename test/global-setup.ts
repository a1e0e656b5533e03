import { startRedisServer } from './redis-server';

/** One real redis-server for the whole run; specs isolate themselves by key prefix. */
export default async function globalSetup(): Promise<void> {
  const redis = await startRedisServer();
  (globalThis as { __ASTRA_REDIS__?: unknown }).__ASTRA_REDIS__ = redis;
  process.env.ASTRA_TEST_REDIS_URL = redis.url;
}
