import { Inject, Injectable, Logger } from '@nestjs/common';
import { BrokenCircuitError, IsolatedCircuitError, TaskCancelledError } from 'cockatiel';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { currentTraceContext, inTraceContext, traceContextHeaders, TraceContext } from '@astra/observability';
import { severityRank, StoredAnomaly } from '@astra/storage';
import { GuardedDependency } from '../policies/guarded-dependency';
import { ReliabilityMetrics } from '../reliability-metrics';
import { WEBHOOK_DEPENDENCY } from '../dependencies';
import { isTransientWebhookError, WebhookStatusError } from './webhook-errors';

/**
 * Outbound anomaly alerts. `notify` only queues (ingestion never waits for the webhook); a single
 * sender posts them in order through the guarded webhook dependency. An alert whose send fails after
 * its retries, or meets an open breaker, is parked and re-sent by the recovery orchestrator.
 */
@Injectable()
export class AlertNotifier {
  private readonly logger = new Logger('Alerts');
  private readonly queue: StoredAnomaly[] = [];
  private readonly parked: StoredAnomaly[] = [];
  /** The trace each alert was raised in, so its webhook calls join that trace whenever they are made. */
  private readonly traceOf = new WeakMap<StoredAnomaly, TraceContext>();
  private sending?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_DEPENDENCY) private readonly webhook: GuardedDependency,
    private readonly metrics: ReliabilityMetrics,
  ) {}

  get enabled(): boolean {
    return this.config.reliability.alertWebhookUrl !== '';
  }

  get parkedCount(): number {
    return this.parked.length;
  }

  /** Queues the anomalies at or above ALERT_MIN_SEVERITY; returns at once. */
  notify(anomalies: readonly StoredAnomaly[]): void {
    if (!this.enabled) return;
    const bar = severityRank(this.config.reliability.alertMinSeverity);
    for (const anomaly of anomalies) {
      if (severityRank(anomaly.severity_level) < bar) continue;
      this.traceOf.set(anomaly, currentTraceContext());
      this.keep(this.queue, anomaly);
    }
    this.sending ??= this.drain().finally(() => (this.sending = undefined));
  }

  /** Sends parked alerts oldest first, stopping at the first failure. The first one is the webhook breaker's probe. */
  async resendParked(): Promise<number> {
    let sent = 0;
    while (this.parked.length > 0) {
      const outcome = await this.send(this.parked[0]);
      if (outcome === 'later') break;
      this.parked.shift();
      if (outcome === 'delivered') sent++;
    }
    return sent;
  }

  /** Waits for queued alerts to be sent or parked (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async drain(): Promise<void> {
    for (let alert = this.queue.shift(); alert; alert = this.queue.shift()) {
      // Parked alerts go first once the webhook is back, so alerts keep their order.
      if (this.parked.length > 0 || (await this.send(alert)) === 'later') {
        this.keep(this.parked, alert);
        this.metrics.alertsSent.inc({ outcome: 'parked' });
      }
    }
  }

  /** 'later' when it may succeed on another try; 'refused' when the webhook rejected it for good (4xx). */
  private async send(alert: StoredAnomaly): Promise<'delivered' | 'later' | 'refused'> {
    try {
      // Each attempt is a span in the alert's trace; its traceparent names that span (the receiver's parent).
      const attempts = () =>
        this.webhook.execute('alert.send', async (signal) => {
          const response = await fetch(this.config.reliability.alertWebhookUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': alert.anomaly_id, ...traceContextHeaders() },
            body: JSON.stringify({ event: 'anomaly_detected', anomaly: alert }),
            signal,
          });
          await response.body?.cancel();
          if (!response.ok) throw new WebhookStatusError(response.status);
        });
      await inTraceContext(this.traceOf.get(alert) ?? currentTraceContext(), attempts);
      this.metrics.alertsSent.inc({ outcome: 'delivered' });
      return 'delivered';
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) return 'later';
      this.metrics.alertsSent.inc({ outcome: 'failed' });
      const refused = !isTransientWebhookError(error) && !(error instanceof TaskCancelledError);
      this.logger.warn({ msg: `alert ${alert.anomaly_id} not delivered${refused ? ' (refused, dropped)' : ''}: ${(error as Error).message}`, category: 'infrastructure', event: 'alert_failed', anomaly_id: alert.anomaly_id });
      return refused ? 'refused' : 'later';
    }
  }

  /** Bounded: past ALERT_MAX_PARKED alerts waiting, the oldest is dropped (and logged). */
  private keep(list: StoredAnomaly[], alert: StoredAnomaly): void {
    if (this.queue.length + this.parked.length >= this.config.reliability.alertMaxParked) {
      const dropped = (this.parked.length > 0 ? this.parked : this.queue).shift();
      this.logger.error({ msg: `alert backlog full: dropped alert ${dropped?.anomaly_id}`, category: 'error', event: 'alert_dropped', anomaly_id: dropped?.anomaly_id });
    }
    list.push(alert);
  }
}
