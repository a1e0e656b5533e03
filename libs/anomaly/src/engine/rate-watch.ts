export interface RateWatchOptions {
  /** Half-lives (readings) of the fast and slow exponential means whose gap measures the trend. */
  fastHalfLife: number;
  slowHalfLife: number;
}

export interface RateWatchState {
  readings: number;
  fast: number;
  slow: number;
}

/**
 * Smoothed rate of change of one channel: for a steady ramp of r per reading, an exponential mean of
 * time constant τ lags it by r·τ, so the gap between a fast and a slow mean is r·(τ_slow − τ_fast).
 * Noise averages out over both means, so a slow but relentless climb (a thermal runaway) shows while
 * each single step is still within the sensor noise. O(1) memory and work.
 */
export class RateWatch {
  private readings = 0;
  private fast = 0;
  private slow = 0;

  constructor(private readonly options: RateWatchOptions) {}

  /** Readings until the slow mean has settled (before that the rate is unknown). */
  get settled(): boolean {
    return this.readings >= 2 * this.options.slowHalfLife;
  }

  /** Learns a reading; returns the smoothed rate of change per reading. */
  update(value: number): number {
    const o = this.options;
    this.readings++;
    if (this.readings === 1) {
      this.fast = value;
      this.slow = value;
      return 0;
    }
    this.fast += (value - this.fast) * Math.min(1, Math.LN2 / o.fastHalfLife);
    this.slow += (value - this.slow) * Math.min(1, Math.LN2 / o.slowHalfLife);
    return (this.fast - this.slow) / ((o.slowHalfLife - o.fastHalfLife) / Math.LN2);
  }

  /** After a gap the old means say nothing about the rate: start over from the next reading. */
  restart(): void {
    this.readings = 0;
  }

  snapshot(): RateWatchState {
    return { readings: this.readings, fast: this.fast, slow: this.slow };
  }

  restore(state: RateWatchState): void {
    if (typeof state.readings !== 'number' || typeof state.fast !== 'number' || typeof state.slow !== 'number') throw new Error('rate state is not numeric');
    this.readings = state.readings;
    this.fast = state.fast;
    this.slow = state.slow;
  }
}
