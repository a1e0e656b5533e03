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

/** How long a write's marker is kept: covers retries, and a journal replay interrupted by a crash. */
const WRITE_MARKER_TTL_SECONDS = 3600;

/**
 * KEYS[1] the write's marker, ARGV[1] its TTL, then each command as <argument count> <name> <arguments...>.
 * A Lua script runs atomically, like MULTI/EXEC, and can skip a write whose marker already exists.
 */
const APPLY_ONCE_LUA = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local i = 2
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call(unpack(ARGV, i + 1, i + n))
  i = i + n + 1
end
return 1
`;

type ApplyOnceRedis = Redis & { applyOnce(marker: string, ttlSeconds: number, ...commands: (string | number)[]): Promise<number> };

/** Frame and anomaly ids are UUIDs, so the first one names the write. */
function writeId({ frames, anomalies }: IngestWrite): string {
  return frames[0]?.frame_id ?? anomalies[0].anomaly_id;
}

/**
 * Layout (prefix default `astra:`): `frames:{instance}` stream of frame JSON (capped), `latest` hash
 * instance → frame JSON, `anomaly:{id}` JSON with a TTL, `anomalies` and `anomalies:{instance}` sorted
 * sets of ids by reading time, `phases` hash, `detector:{instance}` engine snapshot, `write:{first frame id}` marker of an applied write (1 h).
 */
export class RedisStore implements Store {
  readonly kind = 'redis';
  private readonly redis: ApplyOnceRedis;
  constructor(
    redis: Redis,
    private readonly limits: RetentionLimits,
    private readonly prefix = 'astra:',
    private readonly run: RedisOperationRunner = runDirectly,
  ) {
    if (!('applyOnce' in redis)) redis.defineCommand('applyOnce', { numberOfKeys: 1, lua: APPLY_ONCE_LUA });
    this.redis = redis as ApplyOnceRedis;
  }

  /**
   * Applied at most once per write: a retried or replayed write (same first frame id) is a no-op while
   * its marker lives, so an attempt that timed out after Redis applied it cannot duplicate frames.
   */
  async writeIngest(write: IngestWrite): Promise<void> {
    const { frames, anomalies } = write;
    if (frames.length === 0 && anomalies.length === 0) return;
    const commands: (string | number)[][] = [];
    const latest = new Map<string, StoredFrame>();
    for (const frame of frames) {
      commands.push(['XADD', this.key(`frames:${frame.instance_id}`), 'MAXLEN', '~', this.limits.frameRetentionPerInstance, '*', 'f', JSON.stringify(frame)]);
      latest.set(frame.instance_id, frame);
    }
    for (const [instanceId, frame] of latest) commands.push(['HSET', this.key('latest'), instanceId, JSON.stringify(frame)]);
    for (const anomaly of anomalies) {
      const at = Date.parse(anomaly.timestamp);
      commands.push(['SET', this.key(`anomaly:${anomaly.anomaly_id}`), JSON.stringify(anomaly), 'EX', this.limits.anomalyRetentionSeconds]);
      commands.push(['ZADD', this.key('anomalies'), at, anomaly.anomaly_id]);
      commands.push(['ZADD', this.key(`anomalies:${anomaly.instance_id}`), at, anomaly.anomaly_id]);
    }
    const args = commands.flatMap((command) => [command.length, ...command]);
    await this.run('writeIngest', () => this.redis.applyOnce(this.key(`write:${writeId(write)}`), WRITE_MARKER_TTL_SECONDS, ...args));
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

  /** ioredis reconnects on its own until its retry strategy gives up ('end'); then this starts it again. */
  get connectionStatus(): string {
    return this.redis.status;
  }

  async reconnect(): Promise<void> {
    if (this.redis.status === 'end' || this.redis.status === 'wait') await this.redis.connect();
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(name: string): string {
    return this.prefix + name;
  }
}
