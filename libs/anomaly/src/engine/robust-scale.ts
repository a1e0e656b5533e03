/** E|r| of a normal residual is sigma * sqrt(2/pi); this turns a mean absolute residual into sigma. */
const MEAN_ABS_TO_SIGMA = Math.sqrt(Math.PI / 2);

/** Outliers teach the scale at this fraction of the normal rate. */
const OUTLIER_RATE = 0.1;

/**
 * Exponentially weighted mean absolute deviation, robust to sustained departures: a deviation beyond
 * `clipAt` sigmas counts as `clipAt` sigmas and at a tenth of the rate, so a fault is not absorbed
 * within seconds while a genuinely noisier signal is still learned within a few half-lives.
 */
export class RobustScale {
  private meanAbs = 0;

  constructor(private readonly clipAt: number) {}

  /** Standard deviation, at least `floor`. */
  sigma(floor: number): number {
    return Math.max(MEAN_ABS_TO_SIGMA * this.meanAbs, floor);
  }

  /**
   * Learns one deviation at weight `rate` (clipping only when `clip` is set and a scale exists);
   * returns the deviation as learned (clipped or not).
   */
  update(deviation: number, rate: number, clip: boolean, floor: number): number {
    const limit = this.clipAt * this.sigma(floor);
    const outlier = clip && this.meanAbs > 0 && Math.abs(deviation) > limit;
    const learned = outlier ? Math.sign(deviation) * limit : deviation;
    this.meanAbs += (Math.abs(learned) - this.meanAbs) * rate * (outlier ? OUTLIER_RATE : 1);
    return learned;
  }

  get state(): number {
    return this.meanAbs;
  }

  set state(meanAbs: number) {
    this.meanAbs = meanAbs;
  }
}
