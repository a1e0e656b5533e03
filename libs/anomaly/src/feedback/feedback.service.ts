import { Inject, Injectable } from '@nestjs/common';
import { STORE, Store, StoredAnomaly } from '@astra/storage';
import { AnomalyMetrics } from '../anomaly-metrics';
import { FalsePositiveAnalytics, FeedbackLabel, FeedbackLedger } from './feedback-ledger';

export const FEEDBACK_LEDGER = Symbol('FEEDBACK_LEDGER');

export class UnknownAnomalyError extends Error {
  constructor(readonly anomalyId: string) {
    super(`anomaly ${anomalyId} not found`);
  }
}

export interface FeedbackReceipt {
  anomaly_id: string;
  label: FeedbackLabel;
  previous_label: FeedbackLabel | null;
  detection_accuracy: number | null;
  threshold_multiplier: number;
}

/** Operator verdicts: kept on the anomaly record, tallied in the ledger that raises noisy channels' bars. */
@Injectable()
export class FeedbackService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(FEEDBACK_LEDGER) private readonly ledger: FeedbackLedger,
    private readonly metrics: AnomalyMetrics,
  ) {}

  async submit(anomalyId: string, label: FeedbackLabel, notes?: string): Promise<FeedbackReceipt> {
    const anomaly = await this.store.getAnomaly(anomalyId);
    if (!anomaly) throw new UnknownAnomalyError(anomalyId);
    const previous = (anomaly.feedback as { label?: FeedbackLabel } | undefined)?.label ?? null;
    const labelled = { ...anomaly, feedback: { label, notes: notes ?? null, at: new Date().toISOString() } };
    await this.store.updateAnomaly(labelled);
    const subject = labelledSubject(anomaly);
    this.ledger.record(subject, label, previous ?? undefined);
    const accuracy = this.ledger.accuracy();
    this.metrics.feedbackRecorded(label, anomaly.anomaly_type, accuracy);
    return {
      anomaly_id: anomalyId,
      label,
      previous_label: previous,
      detection_accuracy: accuracy,
      threshold_multiplier: subject.channel ? this.ledger.thresholdMultiplier(subject.instanceId, subject.channel) : 1,
    };
  }

  thresholdMultiplier(instanceId: string, channel: string): number {
    return this.ledger.thresholdMultiplier(instanceId, channel);
  }

  analytics(): FalsePositiveAnalytics {
    return this.ledger.analytics();
  }
}

/** Feedback adjusts the bar of the channel that led the detection, as DetectionService applies it. */
function labelledSubject(anomaly: StoredAnomaly) {
  const lead = (anomaly.triggered_channels as string[] | undefined)?.[0];
  return { instanceId: anomaly.instance_id, anomalyType: anomaly.anomaly_type, channel: lead };
}
