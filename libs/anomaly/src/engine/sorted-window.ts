/**
 * The last `capacity` values of a stream, kept both in arrival order (ring) and sorted, so the median
 * is O(1) and the MAD O(log capacity) per reading with no allocation. Insert/remove shift at most
 * `capacity` doubles, which for the small windows used here is cheaper than any tree.
 */
export interface SortedWindowState {
  ring: number[];
  head: number;
  size: number;
}

export class SortedWindow {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.capacity) {
      this.removeSorted(this.ring[this.head]);
    } else {
      this.count++;
    }
    this.ring[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
    this.insertSorted(value);
  }

  /** The value pushed `lag` readings ago (0 = latest). */
  recent(lag: number): number {
    return this.ring[(this.head - 1 - lag + 2 * this.capacity) % this.capacity];
  }

  median(): number {
    const n = this.count;
    const mid = n >> 1;
    return n % 2 === 1 ? this.sorted[mid] : 0.5 * (this.sorted[mid - 1] + this.sorted[mid]);
  }

  /**
   * Median absolute deviation from `center` (upper median for even sizes). The deviations of the
   * values below `center` and of those at/above it form two ascending sequences, so this is the
   * k-th smallest of two sorted sequences: a binary search over how many come from below, O(log n).
   */
  medianAbsoluteDeviation(center: number): number {
    const n = this.count;
    if (n === 0) return 0;
    const sorted = this.sorted;
    const split = lowerBound(sorted, n, center); // sorted[0, split) < center <= sorted[split, n)
    const take = (n >> 1) + 1; // the smallest `take` deviations end with the one we want
    // below(i) = center - sorted[split - 1 - i]; above(j) = sorted[split + j] - center.
    let lo = Math.max(0, take - (n - split));
    let hi = Math.min(take, split);
    while (lo < hi) {
      const fromBelow = (lo + hi) >> 1;
      if (center - sorted[split - 1 - fromBelow] < sorted[split + take - fromBelow - 1] - center) lo = fromBelow + 1;
      else hi = fromBelow;
    }
    const fromAbove = take - lo;
    const largestBelow = lo > 0 ? center - sorted[split - lo] : 0;
    const largestAbove = fromAbove > 0 ? sorted[split + fromAbove - 1] - center : 0;
    return largestBelow > largestAbove ? largestBelow : largestAbove;
  }

  snapshot(): SortedWindowState {
    return { ring: Array.from(this.ring), head: this.head, size: this.count };
  }

  restore(state: SortedWindowState): void {
    if (state.ring.length !== this.capacity) throw new Error('window capacity mismatch');
    this.ring.set(state.ring);
    this.head = state.head;
    this.count = state.size;
    for (let i = 0; i < this.count; i++) this.sorted[i] = this.recent(i);
    this.sorted.subarray(0, this.count).sort();
  }

  private insertSorted(value: number): void {
    const n = this.count - 1; // values already in `sorted`
    const at = upperBound(this.sorted, n, value);
    this.sorted.copyWithin(at + 1, at, n);
    this.sorted[at] = value;
  }

  private removeSorted(value: number): void {
    const n = this.count;
    const at = lowerBound(this.sorted, n, value);
    this.sorted.copyWithin(at, at + 1, n);
  }
}

function lowerBound(values: Float64Array, n: number, target: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(values: Float64Array, n: number, target: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
