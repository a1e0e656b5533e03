import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { MemoryStore } from './memory-store';
import { RedisOperationRunner, RedisStore } from './redis-store';
import { Store, STORE } from './store';

/** Optional provider: how each Redis operation is run (the reliability module guards them). */
export const REDIS_OPERATION_RUNNER = Symbol('REDIS_OPERATION_RUNNER');

const CONNECT_TIMEOUT_MS = 2000;

async function createStore(config: AppConfig, runner?: RedisOperationRunner): Promise<Store> {
  if (!config.redisUrl) return new MemoryStore(config);
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Fail fast while disconnected: callers decide what to do instead of queueing without bound.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  const logger = new Logger('StorageModule');
  redis.on('error', (error: Error) => logger.debug(`redis: ${error.message}`));
  await redis.connect().catch((error: Error) => logger.warn(`Redis not reachable at start (${error.message}); retrying in the background`));
  return new RedisStore(redis, config, config.redisKeyPrefix, runner);
}

class StoreCloser implements OnApplicationShutdown {
  constructor(@Inject(STORE) private readonly store: Store) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Provides the Store chosen by REDIS_URL: Redis when set, the bounded in-memory store otherwise. */
@Global()
@Module({})
export class StorageModule {
  static forRoot(): DynamicModule {
    return {
      module: StorageModule,
      providers: [
        {
          provide: STORE,
          inject: [APP_CONFIG, { token: REDIS_OPERATION_RUNNER, optional: true }],
          useFactory: (config: AppConfig, runner?: RedisOperationRunner) => createStore(config, runner),
        },
        StoreCloser,
      ],
      exports: [STORE],
    };
  }
}

