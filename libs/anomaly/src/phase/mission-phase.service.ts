import { Inject, Injectable } from '@nestjs/common';
import { MissionPhase, PhaseRecord, STORE, Store } from '@astra/storage';
import { INITIAL_PHASE, transitionRefusal } from './phase-transitions';

export class PhaseTransitionError extends Error {}

/**
 * Mission phase per instance. Phases are read on every frame, so they are cached in process;
 * the store is the source of truth across restarts and replicas.
 */
@Injectable()
export class MissionPhaseService {
  private readonly cache = new Map<string, PhaseRecord>();

  constructor(@Inject(STORE) private readonly store: Store) {}

  async current(instanceId: string): Promise<PhaseRecord> {
    const cached = this.cache.get(instanceId);
    if (cached) return cached;
    const record = (await this.store.getPhase(instanceId)) ?? { instance_id: instanceId, phase: INITIAL_PHASE, since: new Date().toISOString() };
    this.cache.set(instanceId, record);
    return record;
  }

  async transition(instanceId: string, to: MissionPhase, force: boolean, reason?: string): Promise<PhaseRecord> {
    const from = await this.current(instanceId);
    const refusal = transitionRefusal(from.phase, to, force);
    if (refusal) throw new PhaseTransitionError(refusal);
    const record: PhaseRecord = { instance_id: instanceId, phase: to, since: new Date().toISOString(), previous_phase: from.phase, ...(reason ? { reason } : {}) };
    await this.store.setPhase(record);
    this.cache.set(instanceId, record);
    return record;
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
