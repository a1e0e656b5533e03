import type { ChannelDetectorOptions } from './channel-detector';
import { DEFAULT_CHANNEL_KINDS, type ChannelKind } from './channel-kinds';
import { DEFAULT_CHANNEL_RELATIONS, type ChannelRelation, type ChannelRelationOptions } from './channel-relations';
import type { EnvelopeDriftOptions } from './envelope-drift';
import type { LinkMonitorOptions } from './link-monitor';
import type { RateWatchOptions } from './rate-watch';

/**
 * Frame anomalyScore at/above which a frame counts as anomalous in NOMINAL_OPS (the service scales
 * it per mission phase). The NAB standard-profile sweep puts its optimum here (0.5007), and at 0.5
 * the LASP bus telemetry sees well under one false alarm per 1000 readings (docs/benchmarks.md).
 * Breaches of the long-horizon envelope start just below it (`breachScoreFloor`), so only clear
 * breaches, or breaches that come with unseen sequences or a changed value distribution, alert.
 */
export const DEFAULT_ALERT_THRESHOLD = 0.5;

/** One configuration for every channel and for the whole NAB corpus (no per-file tuning). */
export const DEFAULT_CHANNEL_OPTIONS: Readonly<ChannelDetectorOptions> = Object.freeze({
  longWindow: 128,
  shortWindow: 8,
  warmupReadings: 300,
  deviationAtHalfScore: 8,
  envelopeBlocks: 48,
  envelopeBlockSize: 128,
  envelopeTolerance: 0.003,
  envelopeMinDeviations: 0.5,
  breachAtHalfScore: 0.1,
  breachScoreFloor: 0.45,
  steadyDistributionShare: 1 / 3,
  stuckReadingsScale: 90,
  alarmLevel: DEFAULT_ALERT_THRESHOLD,
  refractoryReadings: 30,
  refractoryDamping: 0.9 * DEFAULT_ALERT_THRESHOLD,
  gapIntervals: 10,
  context: Object.freeze({ levels: 8, orders: 6, memoryBits: 1 << 15, rangeMargin: 0.1 }),
  distribution: Object.freeze({ window: 16, referenceHalfLife: 1000, surpriseAtHalfScore: 8 }),
});

export interface EngineOptions {
  channel: ChannelDetectorOptions;
  /** Frame anomalyScore at/above which the frame is anomalous (the service passes its phase-scaled value). */
  alertThreshold: number;
  channelKinds: readonly ChannelKind[];
  /** Robust deviations each side of a physical relation must show before it counts as broken. */
  crossChannelMinDeviation: number;
  /**
   * A channel whose only evidence is a new extreme (envelope breach) alerts on its own only this many
   * robust deviations from its recent median, and this many beyond the previous extreme: closer, it
   * is a slowly wandering channel (a temperature following the day and the load) or noise touching a
   * value it has not seen yet, not a fault.
   */
  envelopeMinDeviation: number;
  envelopeMinMargin: number;
  /**
   * Small new extremes are held only while the channel's envelope spans less time than this: an
   * envelope of minutes (fast telemetry) cannot have seen the range a channel driven by the day and
   * the load covers, one of weeks (NAB's 5-minute data) has, and its new extremes mean something.
   */
  wanderingHorizonMs: number;
  /** When small new extremes held back one at a time add up to a drift (EnvelopeDrift). */
  drift: EnvelopeDriftOptions;
  /** Factor on the score of a channel whose move is explained (or not significant): keeps it below any alert threshold. */
  explainedScoreFactor: number;
  /** Physical cause-and-effect links between channel kinds, learned per instance. */
  relations: readonly ChannelRelation[];
  relation: ChannelRelationOptions;
  link: LinkMonitorOptions;
  /** Smoothing of the rate of change checked against a kind's maxRatePerMinute. */
  rate: RateWatchOptions;
}

export const DEFAULT_ENGINE_OPTIONS: Readonly<EngineOptions> = Object.freeze({
  channel: DEFAULT_CHANNEL_OPTIONS,
  alertThreshold: DEFAULT_ALERT_THRESHOLD,
  channelKinds: DEFAULT_CHANNEL_KINDS,
  crossChannelMinDeviation: 4,
  envelopeMinDeviation: 5,
  envelopeMinMargin: 1.5,
  wanderingHorizonMs: 24 * 3_600_000,
  drift: Object.freeze({ runGap: 300, driftSpans: 0.4, matureAfter: 2048 }),
  explainedScoreFactor: 0.9 * DEFAULT_ALERT_THRESHOLD,
  relations: DEFAULT_CHANNEL_RELATIONS,
  relation: Object.freeze({
    levelHalfLife: 600,
    slopeHalfLife: 20_000,
    clipAt: 4,
    movedDeviation: 2,
    explainedResidual: 4,
    explainedShare: 0.5,
    brokenResidual: 6,
    trustedSlopeT: 8,
    trustedSignalToNoise: 4,
    trustedAfter: 300,
    quietFrames: DEFAULT_CHANNEL_OPTIONS.refractoryReadings,
    quietFactor: DEFAULT_CHANNEL_OPTIONS.refractoryDamping,
  }),
  link: Object.freeze({ gapIntervals: 30, learnIntervals: 20 }),
  rate: Object.freeze({ fastHalfLife: 25, slowHalfLife: 100 }),
});
