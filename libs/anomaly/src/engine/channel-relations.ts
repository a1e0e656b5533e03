import { halfAt } from './channel-detector';
import { fmt, type ChannelReading, type CrossChannelFinding } from './cross-channel';
import type { AnomalyType } from './detector';
import { LinearRelation, type LinearRelationOptions, type LinearRelationState } from './linear-relation';
import { QuietPeriod } from './quiet-period';

/** A physical cause-and-effect link between two channel kinds, learned per instance as a line. */
export interface ChannelRelation {
  cause: string;
  effect: string;
  /** Sign of d(effect)/d(cause) that physics dictates; a fit with the other sign is not trusted. */
  sign: 1 | -1;
  /** The effect beyond what the cause explains, on this side (-1 below, +1 above), is this fault. */
  broken?: { side: 1 | -1; faultType: AnomalyType; meaning: string };
}

/**
 * - A motor draws more current as the wheels turn faster (drive starts and stops move both).
 * - A battery's terminal voltage falls with the current drawn through its internal resistance
 *   (V = open-circuit voltage − R·I): a sag the learned resistance explains is the load; a sag beyond
 *   it is a failing source (degraded cells, a short upstream of the current sensor).
 */
export const DEFAULT_CHANNEL_RELATIONS: readonly ChannelRelation[] = [
  { cause: 'wheel_speed', effect: 'current', sign: 1 },
  { cause: 'current', effect: 'voltage', sign: -1, broken: { side: -1, faultType: 'power_fault', meaning: 'the source sags more than the load accounts for' } },
];

export interface ChannelRelationOptions extends LinearRelationOptions {
  /** Robust deviations each channel must move by (against its own recent median) to count as moving. */
  movedDeviation: number;
  /**
   * While the fit is trusted, the effect's move is explained only when it is off the fit by at most
   * this many residual deviations, or by at most `explainedShare` of the move the fit predicts (a
   * learned line is only approximately right far from where it was learned).
   */
  explainedResidual: number;
  explainedShare: number;
  /** Residual deviations, on the relation's broken side, at which a broken relation scores 0.5. */
  brokenResidual: number;
  /** After a broken-relation alarm, that relation's findings are damped (by quietFactor) for this many frames (QuietPeriod). */
  quietFrames: number;
  quietFactor: number;
}

export interface RelationVerdict {
  findings: CrossChannelFinding[];
  /** Channels whose move this frame is a physical consequence of another's (or, for a root cause, corroborated by its effect). */
  explained: Set<string>;
}

interface RelationFit {
  fit: LinearRelation;
  quiet: QuietPeriod;
}

export type ChannelRelationsState = Record<string, { fit: LinearRelationState; sinceBroken: number }>;

/**
 * The learned relations of one instance. Per frame, before learning from it: a channel that moved
 * together with its cause, in the direction physics dictates and (once the fit is trusted) by the
 * learned amount, is explained; a root cause (a channel that is no relation's effect, e.g. the
 * commanded wheel speed) is explained when its effect follows it. A trusted relation whose effect
 * falls outside it on the broken side is a finding.
 */
export class ChannelRelations {
  private readonly fits = new Map<string, RelationFit>();

  constructor(
    private readonly options: ChannelRelationOptions,
    private readonly relations: readonly ChannelRelation[] = DEFAULT_CHANNEL_RELATIONS,
  ) {}

  assess(readings: readonly ChannelReading[]): RelationVerdict {
    const o = this.options;
    const verdict: RelationVerdict = { findings: [], explained: new Set() };
    for (const relation of this.relations) {
      const cause = readings.find((r) => r.kind === relation.cause);
      const effect = readings.find((r) => r.kind === relation.effect);
      if (!cause || !effect) continue;
      const state = this.fitFor(`${cause.name}>${effect.name}`);
      const fit = state.fit;
      const trusted = fit.trusted && Math.sign(fit.slope) === relation.sign;
      const residual = fit.residualZ(cause.value, effect.value);
      const offFit = Math.abs(effect.value - fit.predict(cause.value));
      const agrees = Math.abs(residual) <= o.explainedResidual || offFit <= o.explainedShare * Math.abs(fit.predict(cause.value) - fit.predict(fit.operatingX));
      const movedTogether =
        Math.abs(cause.deviation) >= o.movedDeviation &&
        Math.abs(effect.deviation) >= o.movedDeviation &&
        Math.sign(cause.deviation) * Math.sign(effect.deviation) === relation.sign;
      if (movedTogether && (!trusted || agrees)) {
        verdict.explained.add(effect.name);
        if (!this.relations.some((r) => r.effect === relation.cause)) verdict.explained.add(cause.name);
      }
      const broken = relation.broken;
      const isBroken = broken !== undefined && trusted && residual * broken.side >= o.brokenResidual;
      if (isBroken) {
        const expected = fit.predict(cause.value);
        const strength = 0.5 + 0.5 * halfAt(Math.abs(residual) - o.brokenResidual, o.brokenResidual);
        verdict.findings.push({
          score: Math.min(cause.warmup, effect.warmup) * strength * (state.quiet.quiet ? o.quietFactor : 1),
          faultType: broken.faultType,
          channels: [effect.name, cause.name],
          reasoning:
            `${effect.name} ${fmt(effect.value)}${unit(effect)} is ${fmt(Math.abs(effect.value - expected))}${unit(effect)} ${broken.side < 0 ? 'below' : 'above'} ` +
            `what ${cause.name} ${fmt(cause.value)}${unit(cause)} explains (${fmt(expected)}${unit(effect)} by the learned relation, ` +
            `${fmt(fit.slope)}${unit(effect)} per${unit(cause) || ' unit'}; ${fmt(Math.abs(residual))} residual deviations): ${broken.meaning}.`,
        });
      }
      state.quiet.record(isBroken);
      fit.update(cause.value, effect.value);
    }
    return verdict;
  }

  snapshot(): ChannelRelationsState {
    return Object.fromEntries([...this.fits].map(([key, { fit, quiet }]) => [key, { fit: fit.snapshot(), sinceBroken: quiet.state }]));
  }

  restore(state: ChannelRelationsState): void {
    this.fits.clear();
    for (const [key, { fit, sinceBroken }] of Object.entries(state)) {
      const restored = this.fitFor(key);
      restored.fit.restore(fit);
      restored.quiet.state = sinceBroken;
    }
  }

  private fitFor(key: string): RelationFit {
    let state = this.fits.get(key);
    if (!state) {
      state = { fit: new LinearRelation(this.options), quiet: new QuietPeriod(this.options.quietFrames) };
      this.fits.set(key, state);
    }
    return state;
  }
}

function unit(reading: ChannelReading): string {
  return reading.unit ? ` ${reading.unit}` : '';
}
