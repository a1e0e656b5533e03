import { BlockExtremes, type BlockExtremesState } from './block-extremes';
import { DistributionShift, type DistributionShiftOptions, type DistributionShiftState } from './distribution-shift';
import { ContextNovelty, type ContextNoveltyOptions, type ContextNoveltyState } from './context-novelty';
import { SortedWindow, type SortedWindowState } from './sorted-window';

/** Which statistical view explains a channel score best. */
export type ChannelEvidence = 'none' | 'envelope' | 'spike' | 'level_shift' | 'rate_of_change' | 'novelty' | 'stuck';

export interface ChannelDetectorOptions {
  /** Readings in the robust window (median/MAD baseline). */
  longWindow: number;
  /** Readings in the short window whose median is compared with the long one (level shifts, drift). */
  shortWindow: number;
  /** Readings before scores count fully; they ramp up linearly until then. */
  warmupReadings: number;
  /** Robust z at which the spike, level-shift and rate scores reach 0.5. */
  deviationAtHalfScore: number;
  /** Envelope horizon = envelopeBlocks * envelopeBlockSize readings (see BlockExtremes). */
  envelopeBlocks: number;
  envelopeBlockSize: number;
  /** How far (fraction of the envelope span) a reading must pass the envelope to count as a breach. */
  envelopeTolerance: number;
  /** ... and by at least this many typical steps, so plain noise at the edge does not count. */
  envelopeMinDeviations: number;
  /** Breach size (fraction of the envelope span) at which the breach strength reaches 0.5. */
  breachAtHalfScore: number;
  /** Lowest score of an envelope breach: anything never seen over the horizon is at least this odd. */
  breachScoreFloor: number;
  /**
   * Inside the envelope the score is sqrt(novelty * deviation), of which only this share counts
   * while the value distribution is steady; a distribution change lifts it to the full value.
   */
  steadyDistributionShare: number;
  /** Stuck score = (n^2 / (n^2 + s^2))^2 after n unchanged readings; 0.5 at ~1.55 s. */
  stuckReadingsScale: number;
  /** A score at/above this fires an alarm and (re)starts the refractory period. */
  alarmLevel: number;
  /** Readings after an alarm during which scores are damped, so one event alerts once. */
  refractoryReadings: number;
  /** Factor on scores during the refractory period; below alarmLevel, so damped scores never alert. */
  refractoryDamping: number;
  /** A gap longer than this many typical sampling intervals breaks the sequence context. */
  gapIntervals: number;
  context: ContextNoveltyOptions;
  distribution: DistributionShiftOptions;
}

/**
 * One reading's verdict. The detector reuses a single instance (no allocation per reading): copy
 * what you need before the next `update`.
 */
export interface ChannelScore {
  /** Final score in [0,1]: warm-up ramped and damped during the refractory period. */
  score: number;
  /** Score before refractory damping. */
  rawScore: number;
  /** Robust z of the reading against the long window, mapped to [0,1). */
  spike: number;
  /** Short-window median against the long-window median, mapped to [0,1). */
  levelShift: number;
  /** Step from the previous reading against the typical step, mapped to [0,1). */
  rateOfChange: number;
  /** Share of the reading's sequence contexts never seen before. */
  novelty: number;
  /** Recent value distribution against the long-run one (relative entropy), mapped to [0,1). */
  distribution: number;
  /** Unchanged for unusually long on a channel that normally moves. */
  stuck: number;
  /** Strength of a breach of the long-horizon min/max envelope; 0 inside it. */
  breach: number;
  evidence: ChannelEvidence;
  /** Views scoring at least 0.5: how many independent detectors agree. */
  agreeing: number;
  /** Median of the long window before this reading. */
  median: number;
  /** Robust standard deviation (1.4826 MAD, floored) of the long window. */
  scale: number;
  /** Signed robust z of the reading against the long window. */
  deviation: number;
  /** Envelope (min, max over the horizon) before this reading. */
  envelopeLow: number;
  envelopeHigh: number;
  /** Warm-up progress in [0,1]. */
  warmup: number;
  /** True when the refractory period damped this score. */
  damped: boolean;
  /** Readings the value has not changed for. */
  unchangedFor: number;
}

export interface ChannelDetectorState {
  readings: number;
  lastValue: number;
  lastTimestampMs: number;
  typicalIntervalMs: number;
  typicalStep: number;
  unchangedFor: number;
  sinceAlarm: number;
  long: SortedWindowState;
  short: SortedWindowState;
  envelope: BlockExtremesState;
  context: ContextNoveltyState;
  distribution: DistributionShiftState;
}

const MAD_TO_SIGMA = 1.4826;

/**
 * Online single-channel scorer, learned from the stream alone with fixed memory and O(window) work
 * per reading. Two questions decide the score:
 *  - Is the reading outside everything seen over a long horizon (envelope breach)? Then it scores
 *    at least `breachScoreFloor`, more for large breaches, unseen sequences or a changed value
 *    distribution.
 *  - Otherwise, is it both in an unseen sequence (contextual novelty, CAD OSE style) and far from
 *    the recent robust baseline (spike, level shift/drift or rate of change)? Requiring both keeps
 *    noisy-but-normal channels quiet; and unless the recent value distribution has also changed
 *    (relative entropy), only `steadyDistributionShare` of that counts, so isolated oddities in a
 *    channel behaving as usual stay below the alarm level. Stuck (flat-lined) readings score on
 *    their own.
 * After an alarm the score is damped for `refractoryReadings`, so one event raises one alert.
 */
export class ChannelDetector {
  private readonly long: SortedWindow;
  private readonly short: SortedWindow;
  private readonly envelope: BlockExtremes;
  private readonly context: ContextNovelty;
  private readonly distribution: DistributionShift;
  private readonly result: ChannelScore = {
    score: 0,
    rawScore: 0,
    spike: 0,
    levelShift: 0,
    rateOfChange: 0,
    novelty: 0,
    distribution: 0,
    stuck: 0,
    breach: 0,
    evidence: 'none',
    agreeing: 0,
    median: 0,
    scale: 0,
    deviation: 0,
    envelopeLow: 0,
    envelopeHigh: 0,
    warmup: 0,
    damped: false,
    unchangedFor: 0,
  };
  private readings = 0;
  private lastValue = 0;
  private lastTimestampMs = 0;
  /** EWMA of the sampling interval. */
  private typicalIntervalMs = 0;
  /** EWMA of |step| between consecutive readings. */
  private typicalStep = 0;
  private unchangedFor = 0;
  private sinceAlarm: number;

  constructor(private readonly options: ChannelDetectorOptions) {
    this.long = new SortedWindow(options.longWindow);
    this.short = new SortedWindow(options.shortWindow);
    this.envelope = new BlockExtremes(options.envelopeBlocks, options.envelopeBlockSize);
    this.context = new ContextNovelty(options.context);
    this.distribution = new DistributionShift(options.context.levels, options.distribution);
    this.sinceAlarm = options.refractoryReadings;
  }

  update(value: number, timestampMs: number): ChannelScore {
    const o = this.options;
    const r = this.result;
    const first = this.readings === 0;
    const step = first ? 0 : value - this.lastValue;
    const interval = first ? 0 : timestampMs - this.lastTimestampMs;
    if (this.typicalIntervalMs > 0 && interval > o.gapIntervals * this.typicalIntervalMs) this.context.breakSequence();

    const median = first ? value : this.long.median();
    const scale = this.robustScale(median, value);
    const deviation = (value - median) / scale;
    r.median = median;
    r.scale = scale;
    r.deviation = deviation;
    r.spike = halfAt(Math.abs(deviation), o.deviationAtHalfScore);
    // A short-window median averages ~shortWindow/2 readings, so its noise is smaller by sqrt of that.
    const shortMedian = first ? value : this.short.median();
    r.levelShift = halfAt((Math.abs(shortMedian - median) / scale) * Math.sqrt(o.shortWindow / 2), 2 * o.deviationAtHalfScore);
    r.rateOfChange = this.typicalStep > 0 ? halfAt(Math.abs(step) / (2 * this.typicalStep), o.deviationAtHalfScore) : 0;
    r.novelty = this.context.update(value);
    r.distribution = this.distribution.update(this.context.level);
    this.unchangedFor = !first && step === 0 ? this.unchangedFor + 1 : 0;
    r.unchangedFor = this.unchangedFor;
    // Only a channel that normally moves can be stuck; a constant channel is just constant.
    r.stuck = this.typicalStep > 0 ? halfAt(this.unchangedFor, o.stuckReadingsScale) ** 2 : 0;
    r.breach = this.breachStrength(value, scale);

    this.fuse();
    r.warmup = Math.min(1, this.readings / o.warmupReadings);
    r.rawScore *= r.warmup;
    r.damped = this.sinceAlarm < o.refractoryReadings;
    r.score = r.damped ? r.rawScore * o.refractoryDamping : r.rawScore;
    // As in CAD OSE's rest period, a damped alarm restarts it too: a long event alerts once.
    this.sinceAlarm = r.rawScore >= o.alarmLevel ? 0 : Math.min(this.sinceAlarm + 1, o.refractoryReadings);

    if (!first) {
      const weight = 1 / Math.min(this.readings, o.longWindow);
      this.typicalStep += (Math.abs(step) - this.typicalStep) * weight;
      this.typicalIntervalMs += (interval - this.typicalIntervalMs) * weight;
    }
    this.long.push(value);
    this.short.push(value);
    this.envelope.push(value);
    this.lastValue = value;
    this.lastTimestampMs = timestampMs;
    this.readings++;
    return r;
  }

  snapshot(): ChannelDetectorState {
    return {
      readings: this.readings,
      lastValue: this.lastValue,
      lastTimestampMs: this.lastTimestampMs,
      typicalIntervalMs: this.typicalIntervalMs,
      typicalStep: this.typicalStep,
      unchangedFor: this.unchangedFor,
      sinceAlarm: this.sinceAlarm,
      long: this.long.snapshot(),
      short: this.short.snapshot(),
      envelope: this.envelope.snapshot(),
      context: this.context.snapshot(),
      distribution: this.distribution.snapshot(),
    };
  }

  restore(state: ChannelDetectorState): void {
    this.readings = state.readings;
    this.lastValue = state.lastValue;
    this.lastTimestampMs = state.lastTimestampMs;
    this.typicalIntervalMs = state.typicalIntervalMs;
    this.typicalStep = state.typicalStep;
    this.unchangedFor = state.unchangedFor;
    this.sinceAlarm = state.sinceAlarm;
    this.long.restore(state.long);
    this.short.restore(state.short);
    this.envelope.restore(state.envelope);
    this.context.restore(state.context);
    this.distribution.restore(state.distribution);
  }

  /**
   * 1.4826 MAD, floored so quantised or near-constant channels do not divide by ~0: at least half
   * the typical step, and a tiny fraction of the level.
   */
  private robustScale(median: number, value: number): number {
    const mad = this.long.size > 0 ? MAD_TO_SIGMA * this.long.medianAbsoluteDeviation(median) : 0;
    const floor = Math.max(0.5 * this.typicalStep, 1e-6 * Math.max(Math.abs(median), Math.abs(value)), 1e-9);
    return mad > floor ? mad : floor;
  }

  /** 0 inside the envelope (or before there is one); else the breach size mapped to (0,1). */
  private breachStrength(value: number, scale: number): number {
    const r = this.result;
    if (this.envelope.coverage < 2) {
      r.envelopeLow = value;
      r.envelopeHigh = value;
      return 0;
    }
    const low = this.envelope.min();
    const high = this.envelope.max();
    r.envelopeLow = low;
    r.envelopeHigh = high;
    const span = Math.max(high - low, scale);
    const beyond = value > high ? (value - high) / span : value < low ? (low - value) / span : 0;
    const tolerance = Math.max(this.options.envelopeTolerance, (this.options.envelopeMinDeviations * this.typicalStep) / span);
    return beyond > tolerance ? halfAt(beyond, this.options.breachAtHalfScore) : 0;
  }

  private fuse(): void {
    const o = this.options;
    const r = this.result;
    const deviationScore = Math.max(r.spike, r.levelShift, r.rateOfChange);
    const statistical =
      r.breach > 0
        ? o.breachScoreFloor + (1 - o.breachScoreFloor) * Math.max(r.breach, r.novelty, r.distribution)
        : Math.sqrt(r.novelty * deviationScore) * (o.steadyDistributionShare + (1 - o.steadyDistributionShare) * r.distribution);
    r.rawScore = Math.max(statistical, r.stuck);
    r.agreeing =
      (r.breach > 0 ? 1 : 0) +
      (r.novelty >= 0.5 ? 1 : 0) +
      (deviationScore >= 0.5 ? 1 : 0) +
      (r.distribution >= 0.5 ? 1 : 0) +
      (r.stuck >= 0.5 ? 1 : 0);
    r.evidence = this.dominantEvidence(statistical, deviationScore);
  }

  private dominantEvidence(statistical: number, deviationScore: number): ChannelEvidence {
    const r = this.result;
    if (r.stuck > statistical && r.stuck >= 0.25) return 'stuck';
    if (r.breach > 0) return 'envelope';
    if (statistical < 0.05) return 'none';
    if (deviationScore >= r.novelty) {
      if (deviationScore === r.spike) return 'spike';
      return deviationScore === r.levelShift ? 'level_shift' : 'rate_of_change';
    }
    return 'novelty';
  }
}

/** Maps a non-negative strength onto [0,1): x^2 / (x^2 + half^2), 0.5 at x = half. */
export function halfAt(x: number, half: number): number {
  const x2 = x * x;
  return x2 / (x2 + half * half);
}
