/**
 * The detection port: what the service asks of any anomaly engine.
 * Engines are pure and synchronous: same input stream, same output, no I/O, no clock, no randomness.
 */

export const ANOMALY_TYPES = [
  'normal',
  'power_fault',
  'thermal_fault',
  'attitude_fault',
  'mobility_fault',
  'sensor_fault',
  'compute_fault',
  'communication_fault',
  'unknown_fault',
] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

/** One telemetry frame as the engine sees it: every channel already validated as a finite number. */
export interface FrameInput {
  instanceId: string;
  /** Epoch milliseconds of the reading (not of its arrival). */
  timestamp: number;
  channels: Readonly<Record<string, number>>;
}

export interface Detection {
  /** Fused frame score in [0,1]. */
  anomalyScore: number;
  /**
   * Per-channel score in [0,1], one entry per input channel; plus, on the first frame after a
   * communication gap, the pseudo-channel `link` (LINK_CHANNEL).
   */
  channelScores: Record<string, number>;
  anomalyType: AnomalyType;
  /** How bad it is, in [0,1]; independent of how sure the engine is. */
  severityScore: number;
  /** How sure the engine is, in [0,1]: low during warm-up and when evidence is weak or conflicting. */
  confidence: number;
  /** Channels that drove the score, most important first. */
  triggeredChannels: string[];
  /** One or two plain sentences an operator understands. */
  reasoning: string;
}

/** Serialisable per-instance engine state (plain JSON). */
export type EngineSnapshot = Record<string, unknown>;

export interface Detector {
  detect(frame: FrameInput): Detection;
  /** State of one instance, for the store; undefined when the engine has never seen it. */
  snapshot(instanceId: string): EngineSnapshot | undefined;
  /**
   * Resume an instance from a snapshot taken by the same engine version. A snapshot the engine
   * cannot use (another version, other window sizes) is dropped and the instance starts fresh, so
   * an upgrade costs warm-up time, never a frame. Returns whether the state was resumed.
   */
  restore(instanceId: string, snapshot: EngineSnapshot): boolean;
  /** Drop an instance's state (the service bounds how many instances it keeps in memory). */
  forget(instanceId: string): void;
}
