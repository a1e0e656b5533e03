import { Inject, Injectable } from '@nestjs/common';
import { MissionPhase, PhaseRecord, STORE, Store } from '@astra/storage';
import { AnomalyMetrics } from '../anomaly-metrics';
import { INITIAL_PHASE, transitionRefusal } from './phase-transitions';

export class PhaseTransitionError extends Error {}

const initialRecord = (instanceId: string): PhaseRecord => ({ instance_id: instanceId, phase: INITIAL_PHASE, since: new Date().toISOString() });

/**
 * Mission phase per instance. Phases are read on every frame, so they are cached in process;
 * the store is the source of truth across restarts and replicas.
 */
@Injectable()
export class MissionPhaseService {
  private readonly cache = new Map<string, PhaseRecord>();

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly metrics: AnomalyMetrics,
  ) {}

  async current(instanceId: string): Promise<PhaseRecord> {
    const cached = this.cache.get(instanceId);
    if (cached) return cached;
    let stored: PhaseRecord | undefined;
    try {
      stored = await this.store.getPhase(instanceId);
    } catch {
      // Store away (ingestion goes on into the write journal): judge by the initial phase, remember nothing.
      return initialRecord(instanceId);
    }
    const record = stored ?? initialRecord(instanceId);
    this.remember(record);
    return record;
  }

  /**
   * The phase of an instance without remembering it: a read must not grow the cache (or the phase
   * list) for every instance id a caller can think of.
   */
  async peek(instanceId: string): Promise<PhaseRecord> {
    return this.cache.get(instanceId) ?? (await this.store.getPhase(instanceId)) ?? initialRecord(instanceId);
  }

  async transition(instanceId: string, to: MissionPhase, force: boolean, reason?: string): Promise<PhaseRecord> {
    const from = await this.peek(instanceId);
    const refusal = transitionRefusal(from.phase, to, force);
    if (refusal) throw new PhaseTransitionError(refusal);
    const record: PhaseRecord = { instance_id: instanceId, phase: to, since: new Date().toISOString(), previous_phase: from.phase, ...(reason ? { reason } : {}) };
    await this.store.setPhase(record);
    this.remember(record);
    return record;
  }

  /** Caches a record, keeping astra_mission_phase (instances per phase, as this process knows them) in step. */
  private remember(record: PhaseRecord): void {
    this.metrics.phaseChanged(this.cache.get(record.instance_id)?.phase, record.phase);
    this.cache.set(record.instance_id, record);
  }

  /**
   * Every instance with a recorded phase (instances never changed are in NOMINAL_OPS). While the
   * store is down this is what the process knows.
   */
  async all(): Promise<PhaseRecord[]> {
    const stored = await this.store.listPhases().catch(() => []);
    const byInstance = new Map(stored.map((record) => [record.instance_id, record]));
    for (const [instanceId, record] of this.cache) byInstance.set(instanceId, record);
    return [...byInstance.values()];
  }
}
