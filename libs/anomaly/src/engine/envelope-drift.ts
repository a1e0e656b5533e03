export interface EnvelopeDriftOptions {
  /** Readings without a breach in the run's direction that end the run. */
  runGap: number;
  /** Distance beyond the run's anchor, in the envelope spans of its start, that makes the run a drift. */
  driftSpans: number;
  /**
   * Readings of the channel before runs count: a young envelope is still learning the channel's
   * range (a temperature warming with the first drive), so leaving it says little.
   */
  matureAfter: number;
}

export interface EnvelopeDriftState {
  readings: number;
  direction: number;
  anchor: number;
  span: number;
  lastBreachAt: number;
}

/**
 * Small new extremes are held back as wandering one at a time (StreamingAnomalyEngine); this keeps
 * their sum. A run is a series of breaches in one direction, each within `runGap` readings of the
 * previous; it is anchored at the envelope edge and span when it started. A run that carries the
 * channel `driftSpans` of its earlier range beyond that edge is a drift, however small each step.
 */
export class EnvelopeDrift {
  private readings = 0;
  private direction = 0;
  private anchor = 0;
  private span = 0;
  private lastBreachAt = 0;

  constructor(private readonly options: EnvelopeDriftOptions) {}

  /** Counts one reading of the channel. */
  tick(): void {
    this.readings++;
  }

  /** Readings of the channel so far. */
  get seen(): number {
    return this.readings;
  }

  /** Records a held breach; returns how far the run has carried the channel, in anchored spans. */
  breach(value: number, low: number, high: number, scale: number): number {
    if (this.readings < this.options.matureAfter) return 0;
    const direction = value > high ? 1 : -1;
    if (direction !== this.direction || this.readings - this.lastBreachAt > this.options.runGap) this.startRun(direction, low, high, scale);
    this.lastBreachAt = this.readings;
    return ((value - this.anchor) * direction) / this.span;
  }

  /** Where the run started: the envelope edge it has left behind. */
  get from(): number {
    return this.anchor;
  }

  /** After the drift is reported, the next report needs another `driftSpans` from here. */
  restart(low: number, high: number, scale: number): void {
    this.startRun(this.direction, low, high, scale);
  }

  snapshot(): EnvelopeDriftState {
    return { readings: this.readings, direction: this.direction, anchor: this.anchor, span: this.span, lastBreachAt: this.lastBreachAt };
  }

  restore(state: EnvelopeDriftState): void {
    for (const value of Object.values(state)) if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error('drift state is not numeric');
    this.readings = state.readings;
    this.direction = state.direction;
    this.anchor = state.anchor;
    this.span = state.span;
    this.lastBreachAt = state.lastBreachAt;
  }

  private startRun(direction: number, low: number, high: number, scale: number): void {
    this.direction = direction;
    this.anchor = direction > 0 ? high : low;
    this.span = Math.max(high - low, scale);
  }
}
