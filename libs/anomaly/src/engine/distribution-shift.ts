/**
 * Distribution change in the spirit of NAB's "Relative Entropy" detector (Wang et al. 2011): the
 * histogram of the last `window` quantised readings is compared, by relative entropy (KL divergence),
 * with a reference histogram of everything before that window (exponentially decayed, so the
 * reference follows slow change). A channel whose recent values spread over different levels than
 * usual — a new level, a variance change, a new mix of values — scores even when no single reading
 * is extreme.
 *
 * Raw divergence depends on the channel (a daily cycle seen through a short window always diverges
 * a little), so the score is the divergence relative to its own running mean and spread.
 */
export interface DistributionShiftOptions {
  /** Readings in the recent histogram. */
  window: number;
  /** Readings over which the reference histogram's weight halves. */
  referenceHalfLife: number;
  /** Spreads above its running mean at which the score reaches 0.5. */
  surpriseAtHalfScore: number;
}

export interface DistributionShiftState {
  recent: number[];
  head: number;
  filled: number;
  reference: number[];
  referenceTotal: number;
  divergenceMean: number;
  divergenceSpread: number;
  scored: number;
}

/** Pseudo-count per level, so a level never seen in the reference has a finite surprise. */
const PSEUDO_COUNT = 0.5;

export class DistributionShift {
  private readonly recentLevels: Uint8Array;
  private readonly recentCounts: Float64Array;
  private readonly reference: Float64Array;
  private readonly decay: number;
  private head = 0;
  private filled = 0;
  private referenceTotal = 0;
  private divergenceMean = 0;
  private divergenceSpread = 0;
  private scored = 0;
  private latestDivergence = 0;

  constructor(
    private readonly levels: number,
    private readonly options: DistributionShiftOptions,
  ) {
    this.recentLevels = new Uint8Array(options.window);
    this.recentCounts = new Float64Array(levels);
    this.reference = new Float64Array(levels);
    this.decay = Math.pow(0.5, 1 / options.referenceHalfLife);
  }

  /** Relative entropy (nats) of the latest recent window against the reference; 0 while learning. */
  get divergence(): number {
    return this.latestDivergence;
  }

  /** Adds the reading's level and returns the distribution-change score in [0,1). */
  update(level: number): number {
    const o = this.options;
    if (this.filled === o.window) {
      const leaving = this.recentLevels[this.head];
      this.recentCounts[leaving]--;
      for (let b = 0; b < this.levels; b++) this.reference[b] *= this.decay;
      this.reference[leaving] += 1;
      this.referenceTotal = this.referenceTotal * this.decay + 1;
    } else {
      this.filled++;
    }
    this.recentLevels[this.head] = level;
    this.recentCounts[level]++;
    this.head = this.head + 1 === o.window ? 0 : this.head + 1;
    // Until the reference holds a few windows' worth there is nothing to compare with.
    if (this.referenceTotal < 2 * o.window) {
      this.latestDivergence = 0;
      return 0;
    }
    const divergence = this.relativeEntropy();
    this.latestDivergence = divergence;
    const deviation = divergence - this.divergenceMean;
    const spread = this.divergenceSpread;
    const surprise = this.scored > o.window && spread > 0 && deviation > 0 ? deviation / spread : 0;
    // Running mean and mean absolute deviation of the divergence, at the reference's pace.
    const weight = 1 / Math.min(++this.scored, o.referenceHalfLife);
    this.divergenceMean += deviation * weight;
    this.divergenceSpread += (Math.abs(deviation) - this.divergenceSpread) * weight;
    const half = o.surpriseAtHalfScore;
    return (surprise * surprise) / (surprise * surprise + half * half);
  }

  snapshot(): DistributionShiftState {
    return {
      recent: Array.from(this.recentLevels),
      head: this.head,
      filled: this.filled,
      reference: Array.from(this.reference),
      referenceTotal: this.referenceTotal,
      divergenceMean: this.divergenceMean,
      divergenceSpread: this.divergenceSpread,
      scored: this.scored,
    };
  }

  restore(state: DistributionShiftState): void {
    if (state.recent.length !== this.recentLevels.length || state.reference.length !== this.levels) {
      throw new Error('distribution window size mismatch');
    }
    this.recentLevels.set(state.recent);
    this.head = state.head;
    this.filled = state.filled;
    this.recentCounts.fill(0);
    for (let i = 0; i < this.filled; i++) this.recentCounts[this.recentLevels[i]]++;
    this.reference.set(state.reference);
    this.referenceTotal = state.referenceTotal;
    this.divergenceMean = state.divergenceMean;
    this.divergenceSpread = state.divergenceSpread;
    this.scored = state.scored;
  }

  /** KL(recent || reference) in nats, with a pseudo-count on the reference. */
  private relativeEntropy(): number {
    const n = this.filled;
    const total = this.referenceTotal + this.levels * PSEUDO_COUNT;
    let sum = 0;
    for (let b = 0; b < this.levels; b++) {
      const count = this.recentCounts[b];
      if (count === 0) continue;
      const p = count / n;
      sum += p * Math.log((p * total) / (this.reference[b] + PSEUDO_COUNT));
    }
    return sum;
  }
}
