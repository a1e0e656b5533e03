import { Logger } from '@nestjs/common';
import { AnomalyQuery, IngestWrite, PhaseRecord, RedisStore, Store, StoredAnomaly, StoredFrame, StoreUnavailableError } from '@astra/storage';
import { ReliabilityMetrics } from '../reliability-metrics';
import { JournalFullError, WriteJournal } from './write-journal';

/**
 * The Redis store with the write journal in front of ingestion: a write Redis cannot take goes to
 * the journal, and while the journal holds anything every new write queues behind it, so replay
 * applies writes in the order they were accepted. Reads go to Redis as they are.
 */
export class JournalingStore implements Store {
  readonly kind = 'redis';
  private readonly logger = new Logger('Journal');
  /** Set when a write was refused for lack of room; cleared once replay makes room. */
  private full = false;

  constructor(
    readonly redis: RedisStore,
    readonly journal: WriteJournal,
    private readonly metrics: ReliabilityMetrics,
  ) {}

  get refusingWrites(): boolean {
    return this.full;
  }

  async writeIngest(write: IngestWrite): Promise<void> {
    if (this.journal.entries === 0) {
      try {
        return await this.redis.writeIngest(write);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
      }
    }
    try {
      await this.journal.append(write);
    } catch (error) {
      if (error instanceof JournalFullError) this.full = true;
      throw error;
    }
    this.metrics.telemetryFrames.inc({ outcome: 'journaled' }, write.frames.length);
    this.publishSize();
  }

  /** Applies the journal to Redis in order; rethrows the failure that stopped it. */
  async replay(): Promise<number> {
    try {
      return await this.journal.replay(async (write) => {
        await this.redis.writeIngest(write);
        this.full = false;
      });
    } finally {
      this.publishSize();
    }
  }

  publishSize(): void {
    this.metrics.journalSize.set(this.journal.bytes);
    this.metrics.journalEntries.set(this.journal.entries);
    this.metrics.journalCapacity.set(this.journal.maxBytes);
  }

  latestFrame(instanceId: string): Promise<StoredFrame | undefined> {
    return this.redis.latestFrame(instanceId);
  }

  recentFrames(instanceId: string, limit: number): Promise<StoredFrame[]> {
    return this.redis.recentFrames(instanceId, limit);
  }

  getAnomaly(anomalyId: string): Promise<StoredAnomaly | undefined> {
    return this.redis.getAnomaly(anomalyId);
  }

  updateAnomaly(anomaly: StoredAnomaly): Promise<boolean> {
    return this.redis.updateAnomaly(anomaly);
  }

  queryAnomalies(query: AnomalyQuery): Promise<StoredAnomaly[]> {
    return this.redis.queryAnomalies(query);
  }

  getPhase(instanceId: string): Promise<PhaseRecord | undefined> {
    return this.redis.getPhase(instanceId);
  }

  setPhase(record: PhaseRecord): Promise<void> {
    return this.redis.setPhase(record);
  }

  listPhases(): Promise<PhaseRecord[]> {
    return this.redis.listPhases();
  }

  loadDetectorState(instanceId: string): Promise<Record<string, unknown> | undefined> {
    return this.redis.loadDetectorState(instanceId);
  }

  saveDetectorState(instanceId: string, state: Record<string, unknown>): Promise<void> {
    return this.redis.saveDetectorState(instanceId, state);
  }

  ping(): Promise<void> {
    return this.redis.ping();
  }

  async close(): Promise<void> {
    if (this.journal.entries > 0) this.logger.warn({ msg: `closing with ${this.journal.entries} write(s) in the journal; they are replayed at the next start`, category: 'infrastructure', event: 'journal_pending', entries: this.journal.entries });
    await this.journal.close();
    await this.redis.close();
  }
}
