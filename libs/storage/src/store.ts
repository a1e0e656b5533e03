import { ServiceUnavailableException } from '@nestjs/common';

/**
 * The store port: everything the service persists. Two implementations pass one contract suite
 * (store.contract.ts): MemoryStore (embedded default, bounded) and RedisStore.
 */

export const SEVERITY_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

export const MISSION_PHASES = ['LAUNCH', 'DEPLOYMENT', 'NOMINAL_OPS', 'PAYLOAD_OPS', 'SAFE_MODE'] as const;
export type MissionPhase = (typeof MISSION_PHASES)[number];

export interface StoredFrame {
  frame_id: string;
  instance_id: string;
  /** Reading time, ISO-8601. */
  timestamp: string;
  /** Arrival time, ISO-8601. */
  received_at: string;
  channels: Record<string, number>;
}

/** An anomaly as returned by the API; the store indexes the fields below and keeps the rest as is. */
export interface StoredAnomaly {
  anomaly_id: string;
  instance_id: string;
  /** Reading time, ISO-8601. */
  timestamp: string;
  anomaly_type: string;
  severity_score: number;
  severity_level: SeverityLevel;
  [field: string]: unknown;
}

export interface AnomalyQuery {
  instanceId?: string;
  /** Inclusive bounds on the reading time, epoch ms. */
  startTime?: number;
  endTime?: number;
  /** Minimum severity: a level, or a score in [0,1]. */
  severityMin?: SeverityLevel | number;
  anomalyType?: string;
  limit: number;
}

export interface PhaseRecord {
  instance_id: string;
  phase: MissionPhase;
  /** When the instance entered the phase, ISO-8601. */
  since: string;
  previous_phase?: MissionPhase;
  reason?: string;
}

/** What one ingestion call persists, written together. */
export interface IngestWrite {
  frames: StoredFrame[];
  anomalies: StoredAnomaly[];
}

export interface Store {
  readonly kind: 'memory' | 'redis';
  /** Frames (latest per instance, bounded history) and anomalies of one ingestion call. */
  writeIngest(write: IngestWrite): Promise<void>;
  latestFrame(instanceId: string): Promise<StoredFrame | undefined>;
  /** Newest first, at most `limit`. */
  recentFrames(instanceId: string, limit: number): Promise<StoredFrame[]>;
  getAnomaly(anomalyId: string): Promise<StoredAnomaly | undefined>;
  /** Replaces a stored anomaly (e.g. to attach operator feedback); false when it is unknown. */
  updateAnomaly(anomaly: StoredAnomaly): Promise<boolean>;
  /** Newest first by reading time. */
  queryAnomalies(query: AnomalyQuery): Promise<StoredAnomaly[]>;
  getPhase(instanceId: string): Promise<PhaseRecord | undefined>;
  setPhase(record: PhaseRecord): Promise<void>;
  listPhases(): Promise<PhaseRecord[]>;
  loadDetectorState(instanceId: string): Promise<Record<string, unknown> | undefined>;
  saveDetectorState(instanceId: string, state: Record<string, unknown>): Promise<void>;
  /** Resolves when the backing service answers; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The backing service failed or did not answer; callers see 503 unless they fall back. */
export class StoreUnavailableError extends ServiceUnavailableException {
  constructor(readonly operation: string, cause: unknown) {
    super(`store unavailable (${operation}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Injection token of the configured Store. */
export const STORE = Symbol('STORE');

export function severityRank(level: SeverityLevel): number {
  return SEVERITY_LEVELS.indexOf(level);
}

/** The filter of AnomalyQuery, shared by both stores so they cannot disagree. */
export function matchesAnomalyQuery(anomaly: StoredAnomaly, query: AnomalyQuery): boolean {
  if (query.instanceId !== undefined && anomaly.instance_id !== query.instanceId) return false;
  if (query.anomalyType !== undefined && anomaly.anomaly_type !== query.anomalyType) return false;
  const at = Date.parse(anomaly.timestamp);
  if (query.startTime !== undefined && at < query.startTime) return false;
  if (query.endTime !== undefined && at > query.endTime) return false;
  if (typeof query.severityMin === 'number') return anomaly.severity_score >= query.severityMin;
  if (query.severityMin !== undefined) return severityRank(anomaly.severity_level) >= severityRank(query.severityMin);
  return true;
}
