export type FeedbackLabel = 'true_positive' | 'false_positive';

interface Tally {
  true_positive: number;
  false_positive: number;
}

export interface LabelledAnomaly {
  instanceId: string;
  anomalyType: string;
  /** The channel that drove the anomaly; its alert bar is what feedback adjusts. */
  channel: string | undefined;
}

export interface FalsePositiveAnalytics {
  labelled: number;
  true_positives: number;
  false_positives: number;
  false_positive_ratio: number | null;
  /** Precision over labelled anomalies; null until something is labelled. */
  accuracy: number | null;
  by_type: Record<string, Tally & { false_positive_ratio: number }>;
  raised_bars: Array<{ instance_id: string; channel: string; false_positives: number; true_positives: number; threshold_multiplier: number }>;
}

const emptyTally = (): Tally => ({ true_positive: 0, false_positive: 0 });

/**
 * Operator verdicts on anomalies, tallied by fault type and by (vehicle, channel). A channel whose
 * false positives outnumber its true positives gets a higher alert bar. Pure: the service persists
 * the verdict on the anomaly itself.
 */
export class FeedbackLedger {
  private readonly total = emptyTally();
  private readonly byType = new Map<string, Tally>();
  private readonly byChannel = new Map<string, Tally>();

  constructor(private readonly step: number, private readonly maxMultiplier: number) {}

  /** Records a verdict, replacing the anomaly's previous one if it had any. */
  record(anomaly: LabelledAnomaly, label: FeedbackLabel, previous?: FeedbackLabel): void {
    if (previous) this.count(anomaly, previous, -1);
    this.count(anomaly, label, +1);
  }

  /** Multiplier (≥ 1) on the alert threshold of this vehicle's channel. */
  thresholdMultiplier(instanceId: string, channel: string): number {
    const tally = this.byChannel.get(channelKey(instanceId, channel));
    if (!tally) return 1;
    return Math.min(this.maxMultiplier, 1 + this.step * Math.max(0, tally.false_positive - tally.true_positive));
  }

  /** Precision over labelled anomalies, or null when nothing is labelled. */
  accuracy(): number | null {
    const labelled = this.total.true_positive + this.total.false_positive;
    return labelled === 0 ? null : this.total.true_positive / labelled;
  }

  analytics(): FalsePositiveAnalytics {
    const labelled = this.total.true_positive + this.total.false_positive;
    const ratio = (t: Tally) => (t.true_positive + t.false_positive === 0 ? 0 : t.false_positive / (t.true_positive + t.false_positive));
    const raised_bars: FalsePositiveAnalytics['raised_bars'] = [];
    for (const [key, tally] of this.byChannel) {
      const [instance_id, channel] = key.split('|');
      const threshold_multiplier = this.thresholdMultiplier(instance_id, channel);
      if (threshold_multiplier > 1) {
        raised_bars.push({ instance_id, channel, false_positives: tally.false_positive, true_positives: tally.true_positive, threshold_multiplier });
      }
    }
    return {
      labelled,
      true_positives: this.total.true_positive,
      false_positives: this.total.false_positive,
      false_positive_ratio: labelled === 0 ? null : ratio(this.total),
      accuracy: this.accuracy(),
      by_type: Object.fromEntries([...this.byType].map(([type, tally]) => [type, { ...tally, false_positive_ratio: ratio(tally) }])),
      raised_bars: raised_bars.sort((a, b) => b.threshold_multiplier - a.threshold_multiplier),
    };
  }

  private count(anomaly: LabelledAnomaly, label: FeedbackLabel, delta: number): void {
    this.total[label] += delta;
    tally(this.byType, anomaly.anomalyType)[label] += delta;
    if (anomaly.channel) tally(this.byChannel, channelKey(anomaly.instanceId, anomaly.channel))[label] += delta;
  }
}

function tally(map: Map<string, Tally>, key: string): Tally {
  let found = map.get(key);
  if (!found) map.set(key, (found = emptyTally()));
  return found;
}

function channelKey(instanceId: string, channel: string): string {
  return `${instanceId}|${channel}`;
}
