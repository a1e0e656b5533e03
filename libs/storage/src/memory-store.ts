import { AnomalyQuery, IngestWrite, matchesAnomalyQuery, PhaseRecord, StoredAnomaly, StoredFrame, Store } from './store';

export interface RetentionLimits {
  anomalyRetentionCount: number;
  anomalyRetentionSeconds: number;
  frameRetentionPerInstance: number;
  maxInstances: number;
}

interface KeptAnomaly {
  anomaly: StoredAnomaly;
  readingTime: number;
  recordedAt: number;
}

/**
 * The embedded store: everything in process memory, every collection bounded.
 * Instances beyond maxInstances are forgotten least-recently-written first.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  /** Per instance, oldest frame first; Map order doubles as least-recently-written order. */
  private readonly frames = new Map<string, StoredFrame[]>();
  /** Sorted by reading time, oldest first. */
  private anomalies: KeptAnomaly[] = [];
  private readonly anomaliesById = new Map<string, KeptAnomaly>();
  private readonly phases = new Map<string, PhaseRecord>();
  private readonly detectorStates = new Map<string, Record<string, unknown>>();

  constructor(private readonly limits: RetentionLimits, private readonly now: () => number = Date.now) {}

  async writeIngest({ frames, anomalies }: IngestWrite): Promise<void> {
    for (const frame of frames) this.keepFrame(frame);
    for (const anomaly of anomalies) this.keepAnomaly(anomaly);
    this.pruneAnomalies();
  }

  async latestFrame(instanceId: string): Promise<StoredFrame | undefined> {
    return this.frames.get(instanceId)?.at(-1);
  }

  async recentFrames(instanceId: string, limit: number): Promise<StoredFrame[]> {
    return (this.frames.get(instanceId) ?? []).slice(-limit).reverse();
  }

  async getAnomaly(anomalyId: string): Promise<StoredAnomaly | undefined> {
    this.pruneAnomalies();
    return this.anomaliesById.get(anomalyId)?.anomaly;
  }

  async updateAnomaly(anomaly: StoredAnomaly): Promise<boolean> {
    const kept = this.anomaliesById.get(anomaly.anomaly_id);
    if (!kept) return false;
    kept.anomaly = anomaly;
    return true;
  }

  async queryAnomalies(query: AnomalyQuery): Promise<StoredAnomaly[]> {
    this.pruneAnomalies();
    const found: StoredAnomaly[] = [];
    for (let i = this.anomalies.length - 1; i >= 0 && found.length < query.limit; i--) {
      if (matchesAnomalyQuery(this.anomalies[i].anomaly, query)) found.push(this.anomalies[i].anomaly);
    }
    return found;
  }

  async getPhase(instanceId: string): Promise<PhaseRecord | undefined> {
    return this.phases.get(instanceId);
  }

  async setPhase(record: PhaseRecord): Promise<void> {
    this.phases.set(record.instance_id, record);
  }

  async listPhases(): Promise<PhaseRecord[]> {
    return [...this.phases.values()];
  }

  async loadDetectorState(instanceId: string): Promise<Record<string, unknown> | undefined> {
    return this.detectorStates.get(instanceId);
  }

  async saveDetectorState(instanceId: string, state: Record<string, unknown>): Promise<void> {
    this.detectorStates.set(instanceId, state);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  private keepFrame(frame: StoredFrame): void {
    const history = this.frames.get(frame.instance_id) ?? [];
    this.frames.delete(frame.instance_id);
    this.frames.set(frame.instance_id, history);
    history.push(frame);
    if (history.length > this.limits.frameRetentionPerInstance) history.shift();
    if (this.frames.size > this.limits.maxInstances) this.forgetInstance(this.frames.keys().next().value!);
  }

  private forgetInstance(instanceId: string): void {
    this.frames.delete(instanceId);
    this.detectorStates.delete(instanceId);
  }

  private keepAnomaly(anomaly: StoredAnomaly): void {
    const kept = { anomaly, readingTime: Date.parse(anomaly.timestamp), recordedAt: this.now() };
    let at = this.anomalies.length;
    while (at > 0 && this.anomalies[at - 1].readingTime > kept.readingTime) at--;
    this.anomalies.splice(at, 0, kept);
    this.anomaliesById.set(anomaly.anomaly_id, kept);
  }

  /** Retention counts arrival age, not reading time, so historical replays are kept like live data. */
  private pruneAnomalies(): void {
    const oldestKept = this.now() - this.limits.anomalyRetentionSeconds * 1000;
    const excess = this.anomalies.length - this.limits.anomalyRetentionCount;
    const expired = this.anomalies.filter((kept, index) => index < excess || kept.recordedAt < oldestKept);
    if (expired.length === 0) return;
    const dropped = new Set(expired);
    this.anomalies = this.anomalies.filter((kept) => !dropped.has(kept));
    for (const kept of expired) this.anomaliesById.delete(kept.anomaly.anomaly_id);
  }
}
