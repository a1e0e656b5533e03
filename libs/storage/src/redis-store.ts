import Redis from 'ioredis';
import { RetentionLimits } from './memory-store';
import { AnomalyQuery, IngestWrite, matchesAnomalyQuery, PhaseRecord, StoredAnomaly, StoredFrame, Store, StoreUnavailableError } from './store';

/**
 * Runs one Redis operation. The reliability module supplies one that adds timeouts, retries,
 * a circuit breaker and a bulkhead; the default runs it once. Failures surface as StoreUnavailableError.
 */
export type RedisOperationRunner = <T>(operation: string, work: () => Promise<T>) => Promise<T>;

const runDirectly: RedisOperationRunner = async (operation, work) => {
  try {
    return await work();
  } catch (error) {
    throw new StoreUnavailableError(operation, error);
  }
};

/**
 * Layout (prefix default `astra:`): `frames:{instance}` stream of frame JSON (capped), `latest` hash
 * instance → frame JSON, `anomaly:{id}` JSON with a TTL, `anomalies` and `anomalies:{instance}` sorted
 * sets of ids by reading time, `phases` hash, `detector:{instance}` engine snapshot.
 */
export class RedisStore implements Store {
  readonly kind = 'redis';
  constructor(
    private readonly redis: Redis,
    private readonly limits: RetentionLimits,
    private readonly prefix = 'astra:',
    private readonly run: RedisOperationRunner = runDirectly,
  ) {}

  async writeIngest({ frames, anomalies }: IngestWrite): Promise<void> {
    if (frames.length === 0 && anomalies.length === 0) return;
    await this.run('writeIngest', async () => {
      const tx = this.redis.multi();
      const latest = new Map<string, StoredFrame>();
      for (const frame of frames) {
        tx.xadd(this.key(`frames:${frame.instance_id}`), 'MAXLEN', '~', this.limits.frameRetentionPerInstance, '*', 'f', JSON.stringify(frame));
        latest.set(frame.instance_id, frame);
      }
      for (const [instanceId, frame] of latest) tx.hset(this.key('latest'), instanceId, JSON.stringify(frame));
      for (const anomaly of anomalies) {
        const at = Date.parse(anomaly.timestamp);
        tx.set(this.key(`anomaly:${anomaly.anomaly_id}`), JSON.stringify(anomaly), 'EX', this.limits.anomalyRetentionSeconds);
        tx.zadd(this.key('anomalies'), at, anomaly.anomaly_id);
        tx.zadd(this.key(`anomalies:${anomaly.instance_id}`), at, anomaly.anomaly_id);
      }
      await this.exec(tx);
    });
    if (anomalies.length > 0) await this.trimAnomalies();
  }

  /** Keeps the newest anomalyRetentionCount anomalies; older records go with their index entry. */
  private async trimAnomalies(): Promise<void> {
    await this.run('trimAnomalies', async () => {
      const excess = (await this.redis.zcard(this.key('anomalies'))) - this.limits.anomalyRetentionCount;
      if (excess <= 0) return;
      const popped = await this.redis.zpopmin(this.key('anomalies'), excess);
      const ids = popped.filter((_, i) => i % 2 === 0);
      await this.redis.del(...ids.map((id) => this.key(`anomaly:${id}`)));
    });
  }

  async latestFrame(instanceId: string): Promise<StoredFrame | undefined> {
    const raw = await this.run('latestFrame', () => this.redis.hget(this.key('latest'), instanceId));
    return raw ? (JSON.parse(raw) as StoredFrame) : undefined;
  }

  async recentFrames(instanceId: string, limit: number): Promise<StoredFrame[]> {
    const entries = await this.run('recentFrames', () =>
      this.redis.xrevrange(this.key(`frames:${instanceId}`), '+', '-', 'COUNT', limit),
    );
    return entries.map(([, fields]) => JSON.parse(fields[1]) as StoredFrame);
  }

  async getAnomaly(anomalyId: string): Promise<StoredAnomaly | undefined> {
    const raw = await this.run('getAnomaly', () => this.redis.get(this.key(`anomaly:${anomalyId}`)));
    return raw ? (JSON.parse(raw) as StoredAnomaly) : undefined;
  }

  async updateAnomaly(anomaly: StoredAnomaly): Promise<boolean> {
    const updated = await this.run('updateAnomaly', () =>
      this.redis.set(this.key(`anomaly:${anomaly.anomaly_id}`), JSON.stringify(anomaly), 'KEEPTTL', 'XX'),
    );
    return updated === 'OK';
  }

  /**
   * Walks the time index newest first in pages, filtering as it goes; ids whose record has expired
   * are removed from the index on the way.
   */
  async queryAnomalies(query: AnomalyQuery): Promise<StoredAnomaly[]> {
    const index = this.key(query.instanceId ? `anomalies:${query.instanceId}` : 'anomalies');
    const max = query.endTime ?? '+inf';
    const min = query.startTime ?? '-inf';
    const pageSize = Math.max(query.limit, 100);
    const found: StoredAnomaly[] = [];
    for (let offset = 0; found.length < query.limit; offset += pageSize) {
      const ids = await this.run('queryAnomalies', () =>
        this.redis.zrevrangebyscore(index, max, min, 'LIMIT', offset, pageSize),
      );
      if (ids.length === 0) break;
      const records = await this.run('queryAnomalies', () => this.redis.mget(ids.map((id) => this.key(`anomaly:${id}`))));
      const expired = ids.filter((_, i) => records[i] === null);
      if (expired.length > 0) await this.run('queryAnomalies', () => this.redis.zrem(index, ...expired));
      offset -= expired.length;
      for (const raw of records) {
        if (raw === null) continue;
        const anomaly = JSON.parse(raw) as StoredAnomaly;
        if (matchesAnomalyQuery(anomaly, query)) found.push(anomaly);
        if (found.length === query.limit) break;
      }
      if (ids.length < pageSize) break;
    }
    return found;
  }

  async getPhase(instanceId: string): Promise<PhaseRecord | undefined> {
    const raw = await this.run('getPhase', () => this.redis.hget(this.key('phases'), instanceId));
    return raw ? (JSON.parse(raw) as PhaseRecord) : undefined;
  }

  async setPhase(record: PhaseRecord): Promise<void> {
    await this.run('setPhase', () => this.redis.hset(this.key('phases'), record.instance_id, JSON.stringify(record)));
  }

  async listPhases(): Promise<PhaseRecord[]> {
    const all = await this.run('listPhases', () => this.redis.hvals(this.key('phases')));
    return all.map((raw) => JSON.parse(raw) as PhaseRecord);
  }

  async loadDetectorState(instanceId: string): Promise<Record<string, unknown> | undefined> {
    const raw = await this.run('loadDetectorState', () => this.redis.get(this.key(`detector:${instanceId}`)));
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
  }

  async saveDetectorState(instanceId: string, state: Record<string, unknown>): Promise<void> {
    await this.run('saveDetectorState', () => this.redis.set(this.key(`detector:${instanceId}`), JSON.stringify(state)));
  }

  async ping(): Promise<void> {
    await this.run('ping', () => this.redis.ping());
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(name: string): string {
    return this.prefix + name;
  }

  /** MULTI/EXEC reports per-command errors in its result instead of rejecting. */
  private async exec(tx: ReturnType<Redis['multi']>): Promise<void> {
    const results = await tx.exec();
    if (results === null) throw new Error('Redis transaction aborted');
    const failure = results.find(([error]) => error);
    if (failure) throw failure[0];
  }
}
