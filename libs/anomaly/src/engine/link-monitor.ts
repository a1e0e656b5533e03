export interface LinkMonitorOptions {
  /** A silence longer than this many learned frame intervals is a communication gap. */
  gapIntervals: number;
  /** Intervals to learn before a gap can be reported (the instance's cadence must be known). */
  learnIntervals: number;
}

export interface LinkMonitorState {
  intervals: number;
  lastTimestampMs: number | null;
  typicalIntervalMs: number;
}

/** A gap between two frames of an instance that its learned cadence does not explain. */
export interface LinkGap {
  silentMs: number;
  typicalIntervalMs: number;
  /** silentMs / typicalIntervalMs. */
  intervals: number;
}

/**
 * Learns an instance's frame cadence from the reading timestamps of its frames and reports a
 * communication gap on the first frame after a silence far beyond it. The cadence is an exponentially
 * weighted mean of the intervals, each clipped to a few times the current estimate so a gap (or a
 * burst of late frames) barely moves it. Frames with the same or an earlier timestamp are not intervals.
 */
export class LinkMonitor {
  private intervals = 0;
  private lastTimestampMs: number | null = null;
  private typicalMs = 0;

  constructor(private readonly options: LinkMonitorOptions) {}

  /** Learned time between two frames, ms (0 until two frames were seen). */
  get typicalIntervalMs(): number {
    return this.typicalMs;
  }

  /** Records a frame's reading time; returns the gap that ended with it, if any. */
  observe(timestampMs: number): LinkGap | undefined {
    const last = this.lastTimestampMs;
    if (last === null || timestampMs <= last) {
      this.lastTimestampMs = last === null ? timestampMs : Math.max(last, timestampMs);
      return undefined;
    }
    const interval = timestampMs - last;
    this.lastTimestampMs = timestampMs;
    const typical = this.typicalMs;
    const gap =
      this.intervals >= this.options.learnIntervals && interval > this.options.gapIntervals * typical
        ? { silentMs: interval, typicalIntervalMs: typical, intervals: interval / typical }
        : undefined;
    this.intervals++;
    const learned = this.intervals === 1 ? interval : Math.min(interval, 4 * typical);
    this.typicalMs += (learned - typical) / Math.min(this.intervals, this.options.learnIntervals * 10);
    return gap;
  }

  snapshot(): LinkMonitorState {
    return { intervals: this.intervals, lastTimestampMs: this.lastTimestampMs, typicalIntervalMs: this.typicalMs };
  }

  restore(state: LinkMonitorState): void {
    if (typeof state.intervals !== 'number' || typeof state.typicalIntervalMs !== 'number') throw new Error('link state is not numeric');
    this.intervals = state.intervals;
    this.lastTimestampMs = typeof state.lastTimestampMs === 'number' ? state.lastTimestampMs : null;
    this.typicalMs = state.typicalIntervalMs;
  }
}
