import type { RedisServer } from './redis-server';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __ASTRA_REDIS__?: RedisServer }).__ASTRA_REDIS__?.stop();
}
