import type { AnomalyType } from './detector';
import { halfAt } from './channel-detector';

/** What the cross-channel checks need from each channel's verdict on the current frame. */
export interface ChannelReading {
  name: string;
  kind: string;
  unit: string;
  value: number;
  median: number;
  /** Signed robust z against the channel's recent baseline. */
  deviation: number;
  warmup: number;
}

export interface CrossChannelFinding {
  score: number;
  faultType: AnomalyType;
  /** The channels whose relation broke, most telling first. */
  channels: string[];
  reasoning: string;
  /** How bad, when the finding knows better than its score (a communication gap); else derived from the score. */
  severity?: number;
  /** A measured fact rather than a statistical inference: full confidence once it alarms. */
  measured?: boolean;
}

/**
 * Physics that links channels. Each check needs both sides to deviate by at least `minDeviation`
 * robust deviations in the incriminating directions; the score is 0.5 there and rises with the
 * weaker of the two deviations.
 *  - wheel slip: wheel speed up while motor current falls (the wheel spins free);
 *  - wheel stall: current up while the wheel (normally turning) is nearly stopped.
 * Relations whose normal slope must be learned (voltage sag under load) are in channel-relations.ts.
 */
export function crossChannelFindings(readings: readonly ChannelReading[], minDeviation: number): CrossChannelFinding[] {
  const wheel = readings.find((r) => r.kind === 'wheel_speed');
  const current = readings.find((r) => r.kind === 'current');
  const findings: CrossChannelFinding[] = [];
  const strength = (a: number, b: number, warmup: number): number =>
    warmup * (0.5 + 0.5 * halfAt(Math.min(Math.abs(a), Math.abs(b)) - minDeviation, minDeviation));

  if (wheel && current) {
    const warmup = Math.min(wheel.warmup, current.warmup);
    if (wheel.deviation >= minDeviation && current.deviation <= -minDeviation) {
      findings.push({
        score: strength(wheel.deviation, current.deviation, warmup),
        faultType: 'mobility_fault',
        channels: [wheel.name, current.name],
        reasoning:
          `Possible wheel slip: ${wheel.name} rose to ${fmt(wheel.value)} ${wheel.unit} ` +
          `(${fmt(wheel.deviation)} robust deviations above normal) while ${current.name} fell to ${fmt(current.value)} ${current.unit}.`,
      });
    }
    const wheelStopped = wheel.median > 0 && Math.abs(wheel.value) <= 0.05 * wheel.median;
    if (wheelStopped && current.deviation >= minDeviation) {
      findings.push({
        score: strength(current.deviation, current.deviation, warmup),
        faultType: 'mobility_fault',
        channels: [wheel.name, current.name],
        reasoning:
          `Possible wheel stall: ${current.name} rose to ${fmt(current.value)} ${current.unit} ` +
          `(${fmt(current.deviation)} robust deviations above normal) while ${wheel.name} is ~0 (usually ${fmt(wheel.median)} ${wheel.unit}).`,
      });
    }
  }
  return findings;
}

/** Four significant digits, no trailing zeros: what an operator wants to read. */
export function fmt(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}
