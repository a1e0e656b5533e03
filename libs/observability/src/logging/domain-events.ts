import { LogEntry } from './log-categories';

/**
 * Typed log entries for the domain events other modules report, so every producer spells the same
 * event the same way. Usage: `this.logger.log(DomainEvents.anomalyDetected({...}))`.
 */
export const DomainEvents = {
  anomalyDetected(fields: { instance_id: string; anomaly_id?: string; anomaly_type: string; severity_level: string; anomaly_score: number; recommended_action: string }): LogEntry {
    return { msg: `anomaly ${fields.anomaly_type} (${fields.severity_level}) on ${fields.instance_id}`, category: 'business', event: 'anomaly_detected', ...fields };
  },

  breakerTransition(fields: { breaker: string; from: string; to: string; reason?: string }): LogEntry {
    return { msg: `circuit breaker ${fields.breaker}: ${fields.from} → ${fields.to}`, category: 'infrastructure', event: 'breaker_transition', ...fields };
  },

  retry(fields: { operation: string; attempt: number; delay_ms: number; error: string }): LogEntry {
    return { msg: `retrying ${fields.operation} (attempt ${fields.attempt}) in ${fields.delay_ms} ms: ${fields.error}`, category: 'infrastructure', event: 'retry', ...fields };
  },

  recoveryAction(fields: { action: string; status: 'started' | 'succeeded' | 'failed'; detail?: string }): LogEntry {
    return { msg: `recovery action ${fields.action} ${fields.status}${fields.detail ? `: ${fields.detail}` : ''}`, category: 'infrastructure', event: 'recovery_action', ...fields };
  },

  chaosInjection(fields: { experiment_id: string; target: string; fault: string; ttl_seconds?: number }): LogEntry {
    return { msg: `chaos: injecting ${fields.fault} into ${fields.target} (experiment ${fields.experiment_id})`, category: 'infrastructure', event: 'chaos_injection', ...fields };
  },

  /** An SLO-relevant figure (e.g. a slow request, a batch's throughput) with the threshold it is judged against. */
  performance(fields: { figure: string; value: number; unit: string; threshold?: number; route?: string }): LogEntry {
    return { msg: `${fields.figure} = ${fields.value} ${fields.unit}${fields.threshold === undefined ? '' : ` (threshold ${fields.threshold})`}`, category: 'performance', event: 'performance_figure', ...fields };
  },
};
