import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { traceMethods } from '@astra/observability';
import { MemoryStore } from './memory-store';
import { RedisOperationRunner, RedisStore } from './redis-store';
import { Store, STORE } from './store';

/** Optional provider: how each Redis operation is run (the reliability module guards them). */
export const REDIS_OPERATION_RUNNER = Symbol('REDIS_OPERATION_RUNNER');

/** Optional provider: wraps the Redis store before it is injected (the reliability module adds its write journal). */
export const REDIS_STORE_DECORATOR = Symbol('REDIS_STORE_DECORATOR');
export interface RedisStoreDecorator {
  decorate(store: RedisStore): Store | Promise<Store>;
}

const CONNECT_TIMEOUT_MS = 2000;
/**
 * While Redis is away the client reconnects on its own, backing off up to 1 s, for about 20 s;
 * then it stops ('end') and the recovery orchestrator reconnects it (see docs/reliability.md).
 */
const RECONNECT_ATTEMPTS = 25;
const reconnectDelay = (attempt: number) => (attempt > RECONNECT_ATTEMPTS ? null : Math.min(50 * 2 ** (attempt - 1), 1000));

async function createStore(config: AppConfig, runner?: RedisOperationRunner, decorator?: RedisStoreDecorator): Promise<Store> {
  if (!config.redisUrl) return new MemoryStore(config);
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Fail fast while disconnected: callers decide what to do instead of queueing without bound.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: reconnectDelay,
  });
  const logger = new Logger('StorageModule');
  redis.on('error', (error: Error) => logger.debug(`redis: ${error.message}`));
  await redis.connect().catch((error: Error) => logger.warn(`Redis not reachable at start (${error.message}); retrying in the background`));
  const store = new RedisStore(redis, config, config.redisKeyPrefix, runner);
  return decorator ? decorator.decorate(store) : store;
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
          inject: [APP_CONFIG, { token: REDIS_OPERATION_RUNNER, optional: true }, { token: REDIS_STORE_DECORATOR, optional: true }],
          // A span around every Redis store call (guards and ioredis command spans nest inside it). The
          // in-memory store's calls are map operations of a microsecond: a span would cost more than it shows.
          useFactory: async (config: AppConfig, runner?: RedisOperationRunner, decorator?: RedisStoreDecorator) => {
            const store = await createStore(config, runner, decorator);
            return store.kind === 'redis' ? traceMethods(store, 'store', { 'db.system': store.kind }) : store;
          },
        },
        StoreCloser,
      ],
      exports: [STORE],
    };
  }
}

