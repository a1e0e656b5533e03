import { ChannelDetector, halfAt, type ChannelDetectorOptions, type ChannelDetectorState, type ChannelScore } from './channel-detector';
import { classifyChannel, limitScore, type ChannelKind } from './channel-kinds';
import { ChannelRelations, type ChannelRelationsState } from './channel-relations';
import { crossChannelFindings, fmt, type ChannelReading, type CrossChannelFinding } from './cross-channel';
import type { AnomalyType, Detection, Detector, EngineSnapshot, FrameInput } from './detector';
import { EnvelopeDrift, type EnvelopeDriftState } from './envelope-drift';
import { LinkMonitor, type LinkGap, type LinkMonitorState } from './link-monitor';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './options';
import { QuietPeriod } from './quiet-period';
import { RateWatch, type RateWatchState } from './rate-watch';

/**
 * Bumped whenever the snapshot layout or its meaning changes; older snapshots are dropped on restore
 * (the instance warms up again). 2: relative-entropy state per channel, 48 envelope blocks.
 * 3: learned channel relations and the link cadence per instance; drift runs, rate watches and held
 * alarms per channel.
 */
export const ENGINE_SNAPSHOT_VERSION = 3;

/** Pseudo-channel of channelScores/triggeredChannels that carries a communication gap. */
export const LINK_CHANNEL = 'link';

interface ChannelState {
  kind: ChannelKind;
  detector: ChannelDetector;
  /**
   * The detector's last alarm was held by the engine (explained or insignificant). Its refractory
   * period then does not mute the channel: the event was never reported.
   */
  lastAlarmHeld: boolean;
  drift: EnvelopeDrift;
  /** Smoothed rate of change, for kinds with a physical rate limit, and its alarms' quiet period. */
  rate?: { watch: RateWatch; quiet: QuietPeriod };
}

interface InstanceState {
  frames: number;
  channels: Map<string, ChannelState>;
  relations: ChannelRelations;
  link: LinkMonitor;
}

interface InstanceSnapshot {
  version: number;
  frames: number;
  channels: Record<string, ChannelDetectorState>;
  relations: ChannelRelationsState;
  link: LinkMonitorState;
  /** Channels whose last alarm was held (ChannelState.lastAlarmHeld). */
  heldAlarms: string[];
  rates: Record<string, RateWatchState & { sinceAlarm: number }>;
  drifts: Record<string, EnvelopeDriftState>;
}

/** One channel's verdict on one frame, copied out of the detector's reused ChannelScore. */
interface ChannelVerdict extends ChannelReading {
  score: number;
  limit: number;
  faultType: AnomalyType;
  stat: Omit<ChannelScore, 'median' | 'deviation' | 'warmup'>;
  /** Why the engine held the channel's statistical score below the bar, if it did. */
  held?: 'explained' | 'wandering';
  /** A run of small new extremes that, together, left the channel's earlier range: where the range ended. */
  driftedFrom?: number;
}

/**
 * Multi-channel streaming engine: one ChannelDetector per (instance, channel), hard physical limits
 * and rate limits per channel kind, cross-channel physics checks, learned cause-and-effect relations
 * between channels (a move its cause explains is not an anomaly; a sag beyond the learned load line
 * is), holds on small new extremes of young histories (summed into drift runs), and the instance's
 * frame cadence (a silence far beyond it is a communication fault), fused into one Detection per frame.
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
    const gap = instance.link.observe(frame.timestamp);
    const verdicts: ChannelVerdict[] = [];
    const findings: CrossChannelFinding[] = [];
    for (const [name, value] of Object.entries(frame.channels)) {
      const channel = this.channelFor(instance, name);
      if (channel.rate) {
        if (gap) channel.rate.watch.restart();
        const finding = rateFinding(name, channel.kind, channel.rate.watch, value, instance.link.typicalIntervalMs);
        if (finding) {
          if (channel.rate.quiet.quiet) finding.score *= this.options.explainedScoreFactor;
          findings.push(finding);
        }
        channel.rate.quiet.record(finding !== undefined);
      }
      const s = channel.detector.update(value, frame.timestamp);
      const limit = limitScore(value, channel.kind);
      const statistical = s.damped && channel.lastAlarmHeld ? s.rawScore : s.score;
      channel.drift.tick();
      verdicts.push({
        name,
        kind: channel.kind.kind,
        unit: channel.kind.unit,
        value,
        median: s.median,
        deviation: s.deviation,
        warmup: s.warmup,
        score: Math.max(statistical, limit),
        limit,
        faultType: channel.kind.faultType,
        stat: { ...s },
      });
    }
    const relations = instance.relations.assess(verdicts);
    for (const v of verdicts) {
      this.holdUnconfirmed(v, relations.explained, instance.channels.get(v.name)!.drift, instance.link.typicalIntervalMs);
      if (v.stat.rawScore >= this.options.channel.alarmLevel) instance.channels.get(v.name)!.lastAlarmHeld = v.held !== undefined;
    }
    findings.push(...crossChannelFindings(verdicts, this.options.crossChannelMinDeviation), ...relations.findings);
    const channelScores: Record<string, number> = {};
    for (const v of verdicts) channelScores[v.name] = v.score;
    if (gap) {
      const finding = this.gapFinding(gap);
      findings.push(finding);
      channelScores[LINK_CHANNEL] = finding.score;
    }
    return this.compose(verdicts, findings, channelScores);
  }

  /**
   * A channel's statistical alarm (not a limit violation, not a stuck sensor) is held below the bar
   * when a learned relation explains the move, or when its only evidence is a new extreme close to
   * its recent median (a slowly wandering channel), unless such small extremes have together carried
   * it well beyond its earlier range (EnvelopeDrift).
   */
  private holdUnconfirmed(v: ChannelVerdict, explained: ReadonlySet<string>, drift: EnvelopeDrift, intervalMs: number): void {
    const o = this.options;
    const s = v.stat;
    if (v.limit > 0 || s.evidence === 'stuck') return;
    if (explained.has(v.name)) {
      if (v.score >= o.alertThreshold) this.hold(v, 'explained');
      return;
    }
    // A new extreme: significant ones speak for themselves; small ones are held, unless together they
    // drift, while the envelope spans less time than the environment's cycle (see wanderingHorizonMs).
    if (s.breach === 0 || this.significantBreach(v) || !this.envelopeShorterThanCycle(drift.seen, intervalMs)) return;
    const spans = drift.breach(v.value, s.envelopeLow, s.envelopeHigh, s.scale);
    if (spans >= o.drift.driftSpans) {
      v.driftedFrom = drift.from;
      v.score = Math.max(v.score, 0.5 + 0.5 * halfAt(spans - o.drift.driftSpans, o.drift.driftSpans));
      drift.restart(s.envelopeLow, s.envelopeHigh, s.scale);
      return;
    }
    if (v.score >= o.alertThreshold) this.hold(v, 'wandering');
  }

  private hold(v: ChannelVerdict, why: 'explained' | 'wandering'): void {
    v.held = why;
    v.score *= this.options.explainedScoreFactor;
  }

  private envelopeShorterThanCycle(readings: number, intervalMs: number): boolean {
    const c = this.options.channel;
    return Math.min(readings, c.envelopeBlocks * c.envelopeBlockSize) * intervalMs < this.options.wanderingHorizonMs;
  }

  private significantBreach(v: ChannelVerdict): boolean {
    const s = v.stat;
    const margin = v.value > s.envelopeHigh ? v.value - s.envelopeHigh : s.envelopeLow - v.value;
    return Math.abs(v.deviation) >= this.options.envelopeMinDeviation && margin >= this.options.envelopeMinMargin * s.scale;
  }

  /** 0.5 at `gapIntervals` learned intervals of silence, rising towards 1 for longer gaps. */
  private gapFinding(gap: LinkGap): CrossChannelFinding {
    const bar = this.options.link.gapIntervals;
    return {
      score: 0.5 + 0.5 * halfAt(gap.intervals - bar, bar),
      faultType: 'communication_fault',
      channels: [LINK_CHANNEL],
      reasoning:
        `No telemetry for ${formatSeconds(gap.silentMs)} (frames usually every ${formatSeconds(gap.typicalIntervalMs)}): ` +
        'communication gap, link restored with this frame.',
      // MEDIUM at the bar, HIGH from ~300 intervals: a lost link is worth an operator's attention, not safe mode.
      severity: Math.min(0.8, 0.4 + 0.1 * Math.log10(gap.intervals)),
      measured: true,
    };
  }

  snapshot(instanceId: string): EngineSnapshot | undefined {
    const instance = this.instances.get(instanceId);
    if (!instance) return undefined;
    const channels: Record<string, ChannelDetectorState> = {};
    for (const [name, channel] of instance.channels) channels[name] = channel.detector.snapshot();
    const snapshot: InstanceSnapshot = {
      version: ENGINE_SNAPSHOT_VERSION,
      frames: instance.frames,
      channels,
      relations: instance.relations.snapshot(),
      link: instance.link.snapshot(),
      heldAlarms: [...instance.channels].filter(([, channel]) => channel.lastAlarmHeld).map(([name]) => name),
      drifts: Object.fromEntries([...instance.channels].map(([name, channel]) => [name, channel.drift.snapshot()])),
      rates: Object.fromEntries([...instance.channels].flatMap(([name, channel]) => (channel.rate ? [[name, { ...channel.rate.watch.snapshot(), sinceAlarm: channel.rate.quiet.state }]] : []))),
    };
    return snapshot as unknown as EngineSnapshot;
  }

  restore(instanceId: string, snapshot: EngineSnapshot): boolean {
    const state = snapshot as unknown as Partial<InstanceSnapshot>;
    this.instances.delete(instanceId);
    if (state.version !== ENGINE_SNAPSHOT_VERSION || typeof state.channels !== 'object' || state.channels === null) return false;
    const instance = this.newInstance(state.frames ?? 0);
    try {
      for (const [name, channelState] of Object.entries(state.channels)) {
        this.channelFor(instance, name).detector.restore(channelState);
      }
      instance.relations.restore(state.relations ?? {});
      if (state.link) instance.link.restore(state.link);
      for (const [name, drift] of Object.entries(state.drifts ?? {})) instance.channels.get(name)?.drift.restore(drift);
      for (const [name, rate] of Object.entries(state.rates ?? {})) {
        const watched = instance.channels.get(name)?.rate;
        watched?.watch.restore(rate);
        if (watched) watched.quiet.state = rate.sinceAlarm;
      }
      for (const name of state.heldAlarms ?? []) {
        const channel = instance.channels.get(name);
        if (channel) channel.lastAlarmHeld = true;
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
      instance = this.newInstance(0);
      this.instances.set(instanceId, instance);
    }
    return instance;
  }

  private newInstance(frames: number): InstanceState {
    return {
      frames,
      channels: new Map(),
      relations: new ChannelRelations(this.options.relation, this.options.relations),
      link: new LinkMonitor(this.options.link),
    };
  }

  private channelFor(instance: InstanceState, name: string): ChannelState {
    let channel = instance.channels.get(name);
    if (!channel) {
      const kind = classifyChannel(name, this.options.channelKinds);
      channel = {
        kind,
        detector: new ChannelDetector(this.options.channel),
        lastAlarmHeld: false,
        drift: new EnvelopeDrift(this.options.drift),
        ...(kind.maxRatePerMinute !== undefined ? { rate: { watch: new RateWatch(this.options.rate), quiet: new QuietPeriod(this.options.channel.refractoryReadings) } } : {}),
      };
      instance.channels.set(name, channel);
    }
    return channel;
  }

  private compose(verdicts: ChannelVerdict[], findings: CrossChannelFinding[], channelScores: Record<string, number>): Detection {
    const threshold = this.options.alertThreshold;
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

/**
 * A channel changing faster, sustained, than its kind's physical rate limit (a temperature climbing
 * faster than a box's thermal mass allows): like a limit violation, a measured fact.
 */
function rateFinding(name: string, kind: ChannelKind, rate: RateWatch, value: number, intervalMs: number): CrossChannelFinding | undefined {
  const perReading = rate.update(value);
  const max = kind.maxRatePerMinute;
  if (max === undefined || !rate.settled || intervalMs <= 0) return undefined;
  const perMinute = (perReading * 60_000) / intervalMs;
  const ratio = Math.abs(perMinute) / max;
  if (ratio <= 1) return undefined;
  return {
    score: 0.5 + 0.5 * halfAt(ratio - 1, 1),
    faultType: kind.faultType,
    channels: [name],
    reasoning:
      `${name} is ${perMinute > 0 ? 'rising' : 'falling'} at ${fmt(Math.abs(perMinute))} ${kind.unit}/min, faster than its physical limit of ` +
      `${fmt(max)} ${kind.unit}/min${perMinute > 0 && kind.kind === 'temperature' ? ': possible thermal runaway' : ''}; treat as real until the sensor is verified.`,
    severity: Math.min(0.8, 0.65 + 0.15 * (ratio - 1)),
    measured: true,
  };
}

/** Seconds with up to three significant digits, or minutes and seconds from a minute on. */
function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${fmt(Number(seconds.toPrecision(3)))} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
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
  let worst = finding ? (finding.severity ?? 0.6 + 0.4 * (finding.score - 0.5) * 2) : 0;
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
  const certain = triggered.some((v) => v.limit > 0) || (anomalous && finding?.measured === true && finding.score >= threshold);
  const warmup = certain ? 1 : Math.min(...(anomalous && triggered.length > 0 ? triggered : verdicts).map((v) => v.warmup));
  let agreement: number;
  if (!anomalous) agreement = 1;
  else if (certain) agreement = 1;
  else {
    const channelViews = triggered.length > 0 ? Math.max(...triggered.map((v) => v.stat.agreeing)) : 0;
    const views = channelViews + (finding && finding.score >= threshold ? 1 : 0);
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
      if (v.driftedFrom !== undefined) {
        return `${value} has drifted ${fmt(Math.abs(v.value - v.driftedFrom))}${unit} ${v.value > v.driftedFrom ? 'above' : 'below'} its earlier range (which ended at ${fmt(v.driftedFrom)}${unit}) in steps too small to alarm on their own${tail}`;
      }
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
  const explained = verdicts.filter((v) => v.held === 'explained').map((v) => v.name);
  if (explained.length > 0) return `No anomaly; ${explained.join(', ')} moved as the learned relations between the channels predict (e.g. a drive start or stop).`;
  const wandering = verdicts.filter((v) => v.held === 'wandering').map((v) => v.name);
  if (wandering.length > 0) return `No anomaly; ${wandering.join(', ')} reached a new extreme close to its recent median: slow wandering, below the bar.`;
  const recent = verdicts.filter((v) => v.stat.damped).map((v) => v.name);
  return recent.length > 0
    ? `No new anomaly; ${recent.join(', ')} alerted recently and is not re-alerted for the same event.`
    : `All ${verdicts.length} channels are within their learned behaviour and physical limits.`;
}
