import type { AnomalyType } from './detector';

/**
 * What the engine knows about a channel from its name: which subsystem fault it points to, its unit,
 * and hard physical limits (alarm immediately, even during warm-up, never suppressed).
 */
export interface ChannelKind {
  kind: string;
  /** Matched against the lower-cased channel name. */
  pattern: RegExp;
  faultType: AnomalyType;
  unit: string;
  min?: number;
  max?: number;
  /** Fastest sustained change (per minute, smoothed over tens of readings) the physics allows. */
  maxRatePerMinute?: number;
}

/**
 * Default spacecraft/rover channel table, first match wins. Limits are sanity bounds, not
 * operating ranges (those are learned):
 * - voltage 22-36 V: the usual 28 V unregulated spacecraft bus (e.g. GEVS/ECSS-E-ST-20 style 22-36 V).
 * - current >= 0 A and <= 50 A: a negative bus current is a sensor fault; 50 A exceeds any rover bus.
 * - temperature -100..150 °C: beyond the survival range of avionics and rover components; and no
 *   faster than 2 °C/min sustained: an avionics box's thermal mass keeps its load- and day-driven
 *   changes well below that, so a faster climb is a runaway (or a failing sensor).
 * - gyro |rate| <= 20 °/s: beyond any commanded slew of a rover or small spacecraft.
 * - wheel_speed >= 0 (speed magnitude); cpu/memory 0-100 %; rates, latencies, counts >= 0.
 */
export const DEFAULT_CHANNEL_KINDS: readonly ChannelKind[] = [
  { kind: 'voltage', pattern: /volt/, faultType: 'power_fault', unit: 'V', min: 22, max: 36 },
  { kind: 'current', pattern: /current|amp/, faultType: 'power_fault', unit: 'A', min: 0, max: 50 },
  { kind: 'temperature', pattern: /temp/, faultType: 'thermal_fault', unit: '°C', min: -100, max: 150, maxRatePerMinute: 2 },
  { kind: 'gyro', pattern: /gyro|angular_rate/, faultType: 'attitude_fault', unit: '°/s', min: -20, max: 20 },
  { kind: 'wheel_speed', pattern: /wheel/, faultType: 'mobility_fault', unit: 'rpm', min: 0 },
  { kind: 'cpu_usage', pattern: /cpu/, faultType: 'compute_fault', unit: '%', min: 0, max: 100 },
  { kind: 'memory_usage', pattern: /mem/, faultType: 'compute_fault', unit: '%', min: 0, max: 100 },
  { kind: 'error_rate', pattern: /error/, faultType: 'compute_fault', unit: '', min: 0 },
  {
    kind: 'latency',
    pattern: /latency|response_time/,
    faultType: 'compute_fault',
    unit: 'ms',
    min: 0,
  },
  { kind: 'disk_io', pattern: /disk/, faultType: 'compute_fault', unit: '', min: 0 },
  { kind: 'active_connections', pattern: /connection/, faultType: 'compute_fault', unit: '', min: 0 },
];

export const UNKNOWN_CHANNEL_KIND: ChannelKind = {
  kind: 'unknown',
  pattern: /$^/,
  faultType: 'unknown_fault',
  unit: '',
};

export function classifyChannel(channel: string, kinds: readonly ChannelKind[]): ChannelKind {
  const name = channel.toLowerCase();
  return kinds.find((kind) => kind.pattern.test(name)) ?? UNKNOWN_CHANNEL_KIND;
}

/** Floor of a limit-violation score: above any phase-scaled alert threshold. */
const LIMIT_SCORE_FLOOR = 0.9;

/**
 * 0 within limits; otherwise at least 0.9, rising to 1 as the excess reaches 10 % of the limit span
 * (or of the limit's magnitude for one-sided limits).
 */
export function limitScore(value: number, kind: ChannelKind): number {
  const excess =
    kind.min !== undefined && value < kind.min ? kind.min - value : kind.max !== undefined && value > kind.max ? value - kind.max : 0;
  if (excess <= 0) return 0;
  const span = kind.min !== undefined && kind.max !== undefined ? kind.max - kind.min : Math.max(Math.abs(kind.min ?? kind.max ?? 0), 1);
  return LIMIT_SCORE_FLOOR + (1 - LIMIT_SCORE_FLOOR) * Math.min(1, excess / (0.1 * span));
}
