import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { RedisStore, RedisStoreDecorator, Store } from '@astra/storage';
import { ReliabilityMetrics } from '../reliability-metrics';
import { JournalingStore } from './journaling-store';
import { WriteJournal } from './write-journal';

/**
 * Puts the write journal in front of the Redis store (StorageModule's REDIS_STORE_DECORATOR).
 * Each key prefix journals into its own directory, so services sharing JOURNAL_DIR with
 * different prefixes never replay each other's writes.
 */
@Injectable()
export class RedisFallback implements RedisStoreDecorator {
  /** Set once the Redis store exists (never with the in-memory store). */
  store?: JournalingStore;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: ReliabilityMetrics,
  ) {}

  async decorate(redis: RedisStore): Promise<Store> {
    const { journalDir, journalMaxBytes, redisPolicy } = this.config.reliability;
    const namespace = this.config.redisKeyPrefix.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
    const journal = new WriteJournal(join(journalDir, namespace), journalMaxBytes, Math.ceil(redisPolicy.breakerHalfOpenAfterMs / 1000));
    await journal.open();
    this.store = new JournalingStore(redis, journal, this.metrics);
    this.store.publishSize();
    return this.store;
  }
}
