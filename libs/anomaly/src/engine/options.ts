import type { ChannelDetectorOptions } from './channel-detector';
import { DEFAULT_CHANNEL_KINDS, type ChannelKind } from './channel-kinds';

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
}

export const DEFAULT_ENGINE_OPTIONS: Readonly<EngineOptions> = Object.freeze({
  channel: DEFAULT_CHANNEL_OPTIONS,
  alertThreshold: DEFAULT_ALERT_THRESHOLD,
  channelKinds: DEFAULT_CHANNEL_KINDS,
  crossChannelMinDeviation: 4,
});
