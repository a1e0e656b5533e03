import { RobustScale } from './robust-scale';

export interface LinearRelationOptions {
  /** Half-life (readings) of the operating point (means of x and y) the prediction is anchored to. */
  levelHalfLife: number;
  /**
   * Half-life (readings) of the variance and covariance the slope comes from: long, so a relation
   * learned on a few transitions is remembered through long steady stretches.
   */
  slopeHalfLife: number;
  /**
   * Once the fit is trusted, residuals beyond this many residual deviations update it clipped to
   * that (see RobustScale): a sustained departure (a failing battery) does not teach the fit.
   */
  clipAt: number;
  /** Readings, and slope over its standard error, before the fit is trusted (and starts clipping). */
  trustedAfter: number;
  trustedSlopeT: number;
  /**
   * ... and the variance of x at least this many times its noise variance: noise in x attenuates the
   * slope (errors in variables), e.g. a wheel encoder's jitter at rest before the first drive.
   */
  trustedSignalToNoise: number;
}

export interface LinearRelationState {
  count: number;
  lastX: number;
  noiseVarX: number;
  levelX: number;
  levelY: number;
  meanX: number;
  meanY: number;
  varX: number;
  varY: number;
  covXY: number;
  residualScale: number;
}


/**
 * Online robust regression y ≈ levelY + slope * (x - levelX), learned from the stream: exponentially
 * weighted means for the operating point (which may wander, e.g. a battery's open-circuit voltage
 * with its charge), exponentially weighted variance and covariance over a longer horizon for the
 * slope (e.g. the battery's internal resistance), and a residual scale from the mean absolute
 * residual. Readings far off the fit are clipped before they update it. O(1) memory and work.
 */
export class LinearRelation {
  private count = 0;
  private lastX = 0;
  /** Noise variance of x, from its successive differences (half their mean square). */
  private noiseVarX = 0;
  private levelX = 0;
  private levelY = 0;
  private meanX = 0;
  private meanY = 0;
  private varX = 0;
  private varY = 0;
  private covXY = 0;
  private readonly residualScale: RobustScale;

  constructor(private readonly options: LinearRelationOptions) {
    this.residualScale = new RobustScale(options.clipAt);
  }

  get readings(): number {
    return this.count;
  }

  get slope(): number {
    return this.varX > 0 ? this.covXY / this.varX : 0;
  }

  /** The slope over its standard error (t statistic): how well the data so far pin the slope down. */
  get slopeT(): number {
    if (this.varX <= 0) return 0;
    const effectiveReadings = Math.min(this.count, (2 * this.options.slopeHalfLife) / Math.LN2);
    return this.slope / (this.residualSigma() / Math.sqrt(this.varX * effectiveReadings));
  }

  /**
   * The data pin the slope down. Until then readings are not clipped: a cause moving into a range
   * not seen yet (a first drive) is how the slope is learned.
   */
  get trusted(): boolean {
    const o = this.options;
    return this.count >= o.trustedAfter && Math.abs(this.slopeT) >= o.trustedSlopeT && this.varX >= o.trustedSignalToNoise * this.noiseVarX;
  }

  /** The x of the operating point the prediction is anchored to. */
  get operatingX(): number {
    return this.levelX;
  }

  predict(x: number): number {
    return this.levelY + this.slope * (x - this.levelX);
  }

  /** Standard deviation of the residuals (with a small floor relative to the level). */
  residualSigma(): number {
    return this.residualScale.sigma(this.sigmaFloor());
  }

  /** Residual of (x, y) against the fit so far, in residual standard deviations. */
  residualZ(x: number, y: number): number {
    return this.count === 0 ? 0 : (y - this.predict(x)) / this.residualSigma();
  }

  update(x: number, y: number): void {
    const o = this.options;
    let fitY = y;
    if (this.count > 0) {
      const residual = y - this.predict(x);
      const rate = Math.max(1 / this.count, Math.LN2 / o.levelHalfLife);
      fitY = y - residual + this.residualScale.update(residual, rate, this.trusted, this.sigmaFloor());
    }
    this.count++;
    const level = Math.max(1 / this.count, Math.LN2 / o.levelHalfLife);
    const long = Math.max(1 / this.count, Math.LN2 / o.slopeHalfLife);
    this.levelX += (x - this.levelX) * level;
    this.levelY += (fitY - this.levelY) * level;
    // Exponentially weighted (co)variance, West's incremental form.
    const dx = x - this.meanX;
    const dy = fitY - this.meanY;
    this.meanX += long * dx;
    this.meanY += long * dy;
    this.varX = (1 - long) * (this.varX + long * dx * dx);
    this.varY = (1 - long) * (this.varY + long * dy * dy);
    this.covXY = (1 - long) * (this.covXY + long * dx * dy);
    if (this.count > 1) this.noiseVarX += ((x - this.lastX) ** 2 / 2 - this.noiseVarX) * Math.max(1 / (this.count - 1), Math.LN2 / o.slopeHalfLife);
    this.lastX = x;
  }

  private sigmaFloor(): number {
    return Math.max(1e-9, 1e-6 * Math.abs(this.levelY));
  }

  snapshot(): LinearRelationState {
    return {
      count: this.count,
      lastX: this.lastX,
      noiseVarX: this.noiseVarX,
      levelX: this.levelX,
      levelY: this.levelY,
      meanX: this.meanX,
      meanY: this.meanY,
      varX: this.varX,
      varY: this.varY,
      covXY: this.covXY,
      residualScale: this.residualScale.state,
    };
  }

  restore(state: LinearRelationState): void {
    for (const value of Object.values(state)) if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error('relation state is not numeric');
    this.count = state.count;
    this.lastX = state.lastX;
    this.noiseVarX = state.noiseVarX;
    this.levelX = state.levelX;
    this.levelY = state.levelY;
    this.meanX = state.meanX;
    this.meanY = state.meanY;
    this.varX = state.varX;
    this.varY = state.varY;
    this.covXY = state.covXY;
    this.residualScale.state = state.residualScale;
  }
}
