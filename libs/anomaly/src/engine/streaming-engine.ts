import { ChannelDetector, type ChannelDetectorOptions, type ChannelDetectorState, type ChannelScore } from './channel-detector';
import { classifyChannel, limitScore, type ChannelKind } from './channel-kinds';
import { crossChannelFindings, fmt, type ChannelReading, type CrossChannelFinding } from './cross-channel';
import type { AnomalyType, Detection, Detector, EngineSnapshot, FrameInput } from './detector';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './options';

/**
 * Bumped whenever the snapshot layout or its meaning changes; older snapshots are dropped on restore
 * (the instance warms up again). 2: relative-entropy state per channel, 48 envelope blocks.
 */
export const ENGINE_SNAPSHOT_VERSION = 2;

interface ChannelState {
  kind: ChannelKind;
  detector: ChannelDetector;
}

interface InstanceState {
  frames: number;
  channels: Map<string, ChannelState>;
}

interface InstanceSnapshot {
  version: number;
  frames: number;
  channels: Record<string, ChannelDetectorState>;
}

/** One channel's verdict on one frame, copied out of the detector's reused ChannelScore. */
interface ChannelVerdict extends ChannelReading {
  score: number;
  limit: number;
  faultType: AnomalyType;
  stat: Omit<ChannelScore, 'median' | 'deviation' | 'warmup'>;
}

/**
 * Multi-channel streaming engine: one ChannelDetector per (instance, channel), hard physical limits
 * per channel kind, and cross-channel physics checks, fused into one Detection per frame.
 */
export class StreamingAnomalyEngine implements Detector {
  private readonly options: EngineOptions;
  private readonly instances = new Map<string, InstanceState>();

  constructor(options: Partial<EngineOptions> = {}) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
  }

  detect(frame: FrameInput): Detection {
    const instance = this.instanceFor(frame.instanceId);
    instance.frames++;
    const verdicts: ChannelVerdict[] = [];
    for (const [name, value] of Object.entries(frame.channels)) {
      const channel = this.channelFor(instance, name);
      const s = channel.detector.update(value, frame.timestamp);
      const limit = limitScore(value, channel.kind);
      verdicts.push({
        name,
        kind: channel.kind.kind,
        unit: channel.kind.unit,
        value,
        median: s.median,
        deviation: s.deviation,
        warmup: s.warmup,
        score: Math.max(s.score, limit),
        limit,
        faultType: channel.kind.faultType,
        stat: { ...s },
      });
    }
    const findings = crossChannelFindings(verdicts, this.options.crossChannelMinDeviation);
    return this.compose(verdicts, findings);
  }

  snapshot(instanceId: string): EngineSnapshot | undefined {
    const instance = this.instances.get(instanceId);
    if (!instance) return undefined;
    const channels: Record<string, ChannelDetectorState> = {};
    for (const [name, channel] of instance.channels) channels[name] = channel.detector.snapshot();
    const snapshot: InstanceSnapshot = { version: ENGINE_SNAPSHOT_VERSION, frames: instance.frames, channels };
    return snapshot as unknown as EngineSnapshot;
  }

  restore(instanceId: string, snapshot: EngineSnapshot): boolean {
    const state = snapshot as unknown as Partial<InstanceSnapshot>;
    this.instances.delete(instanceId);
    if (state.version !== ENGINE_SNAPSHOT_VERSION || typeof state.channels !== 'object' || state.channels === null) return false;
    const instance: InstanceState = { frames: state.frames ?? 0, channels: new Map() };
    try {
      for (const [name, channelState] of Object.entries(state.channels)) {
        this.channelFor(instance, name).detector.restore(channelState);
      }
    } catch {
      // Same version but shaped for other options (window sizes): unusable, start fresh.
      return false;
    }
    this.instances.set(instanceId, instance);
    return true;
  }

  /** Instances currently tracked (the service bounds and evicts them). */
  instanceIds(): string[] {
    return [...this.instances.keys()];
  }

  forget(instanceId: string): void {
    this.instances.delete(instanceId);
  }

  private instanceFor(instanceId: string): InstanceState {
    let instance = this.instances.get(instanceId);
    if (!instance) {
      instance = { frames: 0, channels: new Map() };
      this.instances.set(instanceId, instance);
    }
    return instance;
  }

  private channelFor(instance: InstanceState, name: string): ChannelState {
    let channel = instance.channels.get(name);
    if (!channel) {
      channel = {
        kind: classifyChannel(name, this.options.channelKinds),
        detector: new ChannelDetector(this.options.channel),
      };
      instance.channels.set(name, channel);
    }
    return channel;
  }

  private compose(verdicts: ChannelVerdict[], findings: CrossChannelFinding[]): Detection {
    const threshold = this.options.alertThreshold;
    const channelScores: Record<string, number> = {};
    for (const v of verdicts) channelScores[v.name] = v.score;
    const topFinding = findings.reduce<CrossChannelFinding | undefined>((a, b) => (a && a.score >= b.score ? a : b), undefined);
    const ranked = [...verdicts].sort((a, b) => b.score - a.score);
    const top = ranked[0];
    const channelMax = top?.score ?? 0;
    // A broken physical relation is the more specific explanation, so it names the fault when it alarms.
    const crossWins = topFinding !== undefined && topFinding.score >= threshold;
    const anomalyScore = Math.max(channelMax, topFinding?.score ?? 0);
    const anomalous = anomalyScore >= threshold;

    const triggered = anomalous ? ranked.filter((v) => v.score >= threshold) : [];
    let triggeredChannels = triggered.map((v) => v.name);
    if (crossWins) {
      triggeredChannels = [...topFinding.channels, ...triggeredChannels.filter((name) => !topFinding.channels.includes(name))];
    }

    const anomalyType: AnomalyType = !anomalous
      ? 'normal'
      : crossWins
        ? topFinding.faultType
        : faultTypeOf(top);
    return {
      anomalyScore,
      channelScores,
      anomalyType,
      severityScore: severityOf(anomalous, triggered, crossWins ? topFinding : undefined),
      confidence: confidenceOf(anomalyScore, threshold, verdicts, triggered, topFinding),
      triggeredChannels,
      reasoning: anomalous
        ? crossWins
          ? [topFinding.reasoning, ...triggered.slice(0, 1).map(explainChannel)].join(' ')
          : triggered.slice(0, 2).map(explainChannel).join(' ')
        : explainNormal(verdicts, this.options.channel),
    };
  }
}

function faultTypeOf(v: ChannelVerdict): AnomalyType {
  if (v.limit === 0 && (v.stat.evidence === 'stuck' || isDropoutToZero(v))) return 'sensor_fault';
  return v.faultType;
}

/** A reading of exactly 0 on a channel whose baseline is far from 0 looks like a dropout. */
function isDropoutToZero(v: ChannelVerdict): boolean {
  return v.value === 0 && Math.abs(v.median) > 10 * v.stat.scale;
}

/** How bad, independent of certainty: size of the excursion, limit violations, channels involved. */
function severityOf(anomalous: boolean, triggered: ChannelVerdict[], finding: CrossChannelFinding | undefined): number {
  if (!anomalous) return 0;
  let worst = finding ? 0.6 + 0.4 * (finding.score - 0.5) * 2 : 0;
  for (const v of triggered) {
    const excursion = Math.abs(v.deviation) / (Math.abs(v.deviation) + 10);
    const channelSeverity = v.limit > 0 ? 0.7 + 3 * (v.limit - 0.9) : Math.max(0.3 + 0.6 * excursion, 0.3 + 0.4 * v.stat.breach, 0.4 * v.stat.stuck);
    worst = Math.max(worst, channelSeverity);
  }
  return Math.min(1, worst + 0.05 * Math.max(0, triggered.length - 1));
}

/**
 * Certainty of the verdict, anomalous or not: how far the score is from the threshold, how many
 * independent detectors agree, and how much of the baseline has been learned (limit violations
 * need no baseline).
 */
function confidenceOf(
  anomalyScore: number,
  threshold: number,
  verdicts: ChannelVerdict[],
  triggered: ChannelVerdict[],
  finding: CrossChannelFinding | undefined,
): number {
  if (verdicts.length === 0) return 0;
  const anomalous = anomalyScore >= threshold;
  const margin = anomalous ? (anomalyScore - threshold) / (1 - threshold) : (threshold - anomalyScore) / threshold;
  const limitBreach = triggered.some((v) => v.limit > 0);
  const warmup = limitBreach ? 1 : Math.min(...(anomalous && triggered.length > 0 ? triggered : verdicts).map((v) => v.warmup));
  let agreement: number;
  if (!anomalous) agreement = 1;
  else if (limitBreach) agreement = 1;
  else {
    const views = Math.max(...triggered.map((v) => v.stat.agreeing)) + (finding && finding.score >= threshold ? 1 : 0);
    agreement = Math.min(1, 0.4 + 0.2 * views + 0.1 * (triggered.length - 1));
  }
  return Math.max(0, Math.min(1, warmup * (0.25 + 0.35 * Math.min(1, margin) + 0.4 * agreement)));
}

function explainChannel(v: ChannelVerdict): string {
  const s = v.stat;
  const value = `${v.name} ${fmt(v.value)}${v.unit ? ` ${v.unit}` : ''}`;
  const unit = v.unit ? ` ${v.unit}` : '';
  const direction = v.deviation < 0 ? 'below' : 'above';
  if (v.limit > 0) return `${value} is outside its physical limit; treat as real until the sensor is verified.`;
  if (isDropoutToZero(v)) return `${value} dropped to exactly 0 from a baseline of ${fmt(v.median)}${unit}: likely sensor dropout.`;
  const also: string[] = [];
  if (s.rateOfChange >= 0.5 && s.evidence !== 'rate_of_change') also.push('rate of change also unusual');
  if (s.novelty >= 0.5 && s.evidence !== 'novelty') also.push('sequence not seen before');
  if (s.distribution >= 0.5) also.push('recent values are spread unlike usual');
  const tail = also.length > 0 ? `; ${also.join('; ')}.` : '.';
  switch (s.evidence) {
    case 'stuck':
      return `${v.name} has not changed for ${s.unchangedFor} readings (stuck at ${fmt(v.value)}${unit}) although it normally varies: possible stuck or flat-lined sensor.`;
    case 'envelope':
      return `${value} is ${v.value > s.envelopeHigh ? 'above the highest' : 'below the lowest'} value seen recently (${fmt(v.value > s.envelopeHigh ? s.envelopeHigh : s.envelopeLow)}${unit}); ${fmt(Math.abs(v.deviation))} robust deviations ${direction} its median ${fmt(v.median)}${unit}${tail}`;
    case 'level_shift':
      return `${v.name} has shifted to a new level: ${value} vs recent median ${fmt(v.median)}${unit}${tail}`;
    case 'rate_of_change':
      return `${value} changed unusually fast from its previous readings (median ${fmt(v.median)}${unit})${tail}`;
    case 'novelty':
      return `${value} follows a pattern not seen before on this channel (median ${fmt(v.median)}${unit})${tail}`;
    default:
      return `${value} is ${fmt(Math.abs(v.deviation))} robust deviations ${direction} its recent median ${fmt(v.median)}${unit}${tail}`;
  }
}

function explainNormal(verdicts: ChannelVerdict[], channel: ChannelDetectorOptions): string {
  const learning = verdicts.filter((v) => v.warmup < 1);
  if (learning.length > 0) {
    const seen = Math.round(Math.min(...learning.map((v) => v.warmup)) * channel.warmupReadings);
    return `No anomaly; still learning the baseline of ${learning.map((v) => v.name).join(', ')} (${seen}/${channel.warmupReadings} readings), only hard limits are fully trusted.`;
  }
  const recent = verdicts.filter((v) => v.stat.damped).map((v) => v.name);
  return recent.length > 0
    ? `No new anomaly; ${recent.join(', ')} alerted recently and is not re-alerted for the same event.`
    : `All ${verdicts.length} channels are within their learned behaviour and physical limits.`;
}
