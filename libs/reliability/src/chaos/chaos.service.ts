import { randomUUID } from 'node:crypto';
import { ConflictException, ForbiddenException, Inject, Injectable, Logger, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { DomainEvents } from '@astra/observability';
import { ReliabilityMetrics } from '../reliability-metrics';
import { ChaosExceptionError, ChaosFault, ChaosFaultError, ChaosTarget, FaultInjector } from './fault-injector';

export interface ExperimentSpec {
  target: ChaosTarget;
  /** Route template for target `http` (e.g. /api/v1/telemetry). */
  route?: string;
  fault: ChaosFault;
  latency_min_ms?: number;
  latency_max_ms?: number;
  /** For fault `error`: the share of touched calls that fail. */
  error_rate?: number;
  /** The share of calls the experiment touches at all. */
  probability: number;
  ttl_seconds: number;
}

export interface ChaosExperiment extends ExperimentSpec {
  id: string;
  created_at: string;
  expires_at: string;
  injections: number;
}

/** Who changed the experiments, for the audit log. */
export interface ChaosActor {
  keyId?: string;
}

/** An experiment that ended, until its target has recovered (for astra_chaos_recovery_time_seconds). */
export interface EndedExperiment {
  target: ChaosTarget;
  endedAt: number;
}

/**
 * Chaos experiments: created, listed and deleted by admins, injected at the dependency boundaries
 * (FaultInjector). Expiry is checked on every call, so an experiment never outlives its TTL.
 */
@Injectable()
export class ChaosService implements FaultInjector {
  private readonly logger = new Logger('Chaos');
  private readonly experiments = new Map<string, ChaosExperiment & { expiresAt: number }>();
  private readonly ended: EndedExperiment[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: ReliabilityMetrics,
  ) {}

  /** Refuses when chaos is off, or in production unless explicitly allowed. */
  assertEnabled(): void {
    const { chaosEnabled, chaosAllowInProduction } = this.config.reliability;
    if (!chaosEnabled) throw new ForbiddenException('chaos experiments are disabled (set CHAOS_ENABLED=true)');
    if (this.config.nodeEnv === 'production' && !chaosAllowInProduction) {
      throw new ForbiddenException('chaos experiments are refused in production (set CHAOS_ALLOW_IN_PRODUCTION=true to allow them)');
    }
  }

  create(spec: ExperimentSpec, actor: ChaosActor): ChaosExperiment {
    this.assertEnabled();
    const { chaosMaxExperiments, chaosMaxTtlSeconds } = this.config.reliability;
    if (spec.ttl_seconds > chaosMaxTtlSeconds) throw new UnprocessableEntityException([`ttl_seconds must not be greater than ${chaosMaxTtlSeconds} (CHAOS_MAX_TTL_SECONDS)`]);
    if (spec.fault === 'latency') {
      if (spec.latency_min_ms === undefined || spec.latency_max_ms === undefined) throw new UnprocessableEntityException(['latency_min_ms and latency_max_ms are required for fault latency']);
      if (spec.latency_max_ms < spec.latency_min_ms) throw new UnprocessableEntityException(['latency_max_ms must not be less than latency_min_ms']);
    }
    if (spec.target === 'http' && !spec.route) throw new UnprocessableEntityException(['route is required for target http']);
    if (this.active().length >= chaosMaxExperiments) throw new ConflictException(`at most ${chaosMaxExperiments} experiments may be active (CHAOS_MAX_EXPERIMENTS)`);
    const now = Date.now();
    const expiresAt = now + spec.ttl_seconds * 1000;
    const experiment = { ...spec, id: randomUUID(), created_at: new Date(now).toISOString(), expires_at: new Date(expiresAt).toISOString(), injections: 0, expiresAt };
    this.experiments.set(experiment.id, experiment);
    this.metrics.chaosActive.set(this.experiments.size);
    this.audit('chaos_experiment_created', actor, { experiment: this.view(experiment) });
    return this.view(experiment);
  }

  list(): ChaosExperiment[] {
    return this.active().map((experiment) => this.view(experiment));
  }

  delete(id: string, actor: ChaosActor): void {
    this.assertEnabled();
    const experiment = this.active().find((candidate) => candidate.id === id);
    if (!experiment) throw new NotFoundException(`no active chaos experiment ${id}`);
    this.end(experiment);
    this.audit('chaos_experiment_deleted', actor, { experiment_id: id });
  }

  deleteAll(actor: ChaosActor): number {
    this.assertEnabled();
    const all = this.active();
    for (const experiment of all) this.end(experiment);
    this.audit('chaos_experiments_cleared', actor, { count: all.length });
    return all.length;
  }

  /** Experiments ended since the last call, for the recovery orchestrator to time their recovery. */
  takeEnded(): EndedExperiment[] {
    this.active();
    return this.ended.splice(0);
  }

  async inject(target: ChaosTarget, signal?: AbortSignal, route?: string): Promise<void> {
    if (this.experiments.size === 0) return;
    for (const experiment of this.active()) {
      if (experiment.target !== target || (target === 'http' && experiment.route !== route)) continue;
      if (Math.random() >= experiment.probability) continue;
      if (experiment.fault === 'error' && Math.random() >= (experiment.error_rate ?? 1)) continue;
      experiment.injections++;
      this.metrics.chaosInjections.inc({ target, fault: experiment.fault });
      this.logger.debug(DomainEvents.chaosInjection({ experiment_id: experiment.id, target, fault: experiment.fault }));
      await this.apply(experiment, signal);
    }
  }

  private async apply(experiment: ChaosExperiment & { expiresAt: number }, signal?: AbortSignal): Promise<void> {
    switch (experiment.fault) {
      case 'latency': {
        const min = experiment.latency_min_ms!;
        const delay = min + Math.random() * (experiment.latency_max_ms! - min);
        return wait(delay, signal);
      }
      case 'timeout':
        // Hangs until the caller's timeout fires, or the experiment ends.
        return wait(Math.max(0, experiment.expiresAt - Date.now()), signal);
      case 'error':
        throw new ChaosFaultError(experiment.target);
      case 'exception':
        throw new ChaosExceptionError(experiment.target);
    }
  }

  /** Drops expired experiments: called on every use, so expiry never waits for a timer. */
  private active(): (ChaosExperiment & { expiresAt: number })[] {
    const now = Date.now();
    for (const experiment of this.experiments.values()) {
      if (experiment.expiresAt <= now) this.end(experiment, experiment.expiresAt);
    }
    return [...this.experiments.values()];
  }

  private end(experiment: ChaosExperiment & { expiresAt: number }, endedAt = Date.now()): void {
    if (!this.experiments.delete(experiment.id)) return;
    this.ended.push({ target: experiment.target, endedAt });
    this.metrics.chaosActive.set(this.experiments.size);
  }

  private view({ expiresAt: _expiresAt, ...experiment }: ChaosExperiment & { expiresAt: number }): ChaosExperiment {
    return { ...experiment };
  }

  private audit(event: string, actor: ChaosActor, detail: Record<string, unknown>): void {
    this.logger.warn({ msg: `chaos: ${event.replace(/_/g, ' ')}`, category: 'audit', event, actor: actor.keyId ?? 'anonymous', ...detail });
  }
}

/** Resolves after `ms`, or at once when the signal fires (the caller's timeout then rejects). */
function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
