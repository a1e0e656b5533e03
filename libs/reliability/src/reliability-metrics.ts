import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * Several apps share one registry in a test process, so each metric is reused when already
 * registered under its name instead of being created twice.
 */
function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames });
}
function gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  return (register.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames });
}
function histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
  return (register.getSingleMetric(name) as Histogram<L> | undefined) ?? new Histogram({ name, help, labelNames, buckets });
}

const RECOVERY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const RETRY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The reliability metrics of the shared catalogue (docs/metrics.md, section Reliability). */
@Injectable()
export class ReliabilityMetrics {
  readonly breakerState = gauge('astra_circuit_breaker_state', 'Circuit breaker state: 0 closed, 1 open (or isolated), 2 half-open', ['breaker']);
  readonly breakerTransitions = counter('astra_circuit_breaker_transitions_total', 'Circuit breaker state changes', ['breaker', 'from', 'to']);
  readonly retryAttempts = counter('astra_retry_attempts_total', 'Guarded calls by outcome: success, retry (one per re-attempt), exhausted', ['operation', 'outcome']);
  readonly retryLatency = histogram('astra_retry_latency_seconds', 'Duration of guarded calls that needed at least one retry, first attempt to final outcome', ['operation'], RETRY_BUCKETS);
  readonly chaosInjections = counter('astra_chaos_injections_total', 'Faults injected by chaos experiments', ['target', 'fault']);
  readonly chaosActive = gauge('astra_chaos_experiments_active', 'Chaos experiments currently active');
  readonly chaosRecovery = histogram('astra_chaos_recovery_time_seconds', "From a chaos experiment's end to its breaker closed and readiness back", [], RECOVERY_BUCKETS);
  readonly recoveryActions = counter('astra_recovery_actions_total', 'Recovery orchestrator actions', ['action', 'status']);
  readonly healthCheckFailures = counter('astra_health_check_failures_total', 'Component health checks that failed, seen by the recovery orchestrator', ['check']);
  readonly fallbackMode = gauge('astra_fallback_mode', '1 for the active fallback mode (primary, degraded, safe), 0 for the others', ['mode']);
  readonly journalSize = gauge('astra_journal_size_bytes', 'Bytes held by the write journal');
  readonly journalCapacity = gauge('astra_journal_capacity_bytes', 'Most bytes the write journal may hold (JOURNAL_MAX_BYTES)');
  readonly journalEntries = gauge('astra_journal_entries', 'Writes waiting in the journal for replay');
  readonly alertsSent = counter('astra_alerts_sent_total', 'Outbound anomaly alerts by outcome: delivered, failed (a send failed), parked', ['outcome']);
  /**
   * Declared here, once, for both of its writers: telemetry counts accepted and rejected frames (it
   * injects this counter, see TELEMETRY_FRAMES_METRIC), the journal counts the journaled ones.
   * Telemetry depends on reliability, not the other way round, so the declaration lives on this side.
   */
  readonly telemetryFrames = counter(
    'astra_telemetry_frames_total',
    'Telemetry frames by outcome: accepted (answered 200), rejected (refused as invalid), journaled (accepted into the write journal)',
    ['outcome'],
  );
}
