/**
 * Contextual novelty in the spirit of CAD OSE (Smirnov, NAB 2016): values are quantised into a few
 * levels of the range seen so far, and each reading forms contexts "the last k levels, then this
 * level" for k = 1..orders. The score is the share of those contexts never seen before, so a value
 * that is ordinary on its own but arrives in an unusual sequence still scores.
 *
 * Memory is bounded: contexts are hashed into two fixed-size bit sets (generations). When the live
 * generation has filled up, it becomes the old one and a fresh one starts, so contexts not seen for a
 * long time are slowly forgotten instead of saturating the set.
 */
export interface ContextNoveltyOptions {
  /** Quantisation levels across the observed range (a power of two, at most 16). */
  levels: number;
  /** Longest context, in previous readings (levels * orders bits must fit in 30). */
  orders: number;
  /** Bits per generation (a power of two). */
  memoryBits: number;
  /** How far past a new extreme the range is widened, as a fraction of the range. */
  rangeMargin: number;
}

export interface ContextNoveltyState {
  low: number;
  high: number;
  history: number;
  seenReadings: number;
  sequenceLength: number;
  liveInsertions: number;
  live: string;
  old: string;
}

export class ContextNovelty {
  private readonly levelBits: number;
  private readonly historyMask: number;
  private readonly slotMask: number;
  private readonly rotateAfter: number;
  private live: Uint32Array;
  private old: Uint32Array;
  private low = 0;
  private high = 0;
  private history = 0;
  private seenReadings = 0;
  /** Readings since the sequence was last broken; bounds the usable context order. */
  private sequenceLength = 0;
  private liveInsertions = 0;
  private latestLevel = 0;

  constructor(private readonly options: ContextNoveltyOptions) {
    this.levelBits = Math.log2(options.levels);
    this.historyMask = options.orders * this.levelBits >= 30 ? 0x3fffffff : (1 << (options.orders * this.levelBits)) - 1;
    this.slotMask = options.memoryBits - 1;
    // Rotate at ~1/8 fill: keeps the false "already seen" rate of the hashed set low.
    this.rotateAfter = options.memoryBits >>> 3;
    this.live = new Uint32Array(options.memoryBits >>> 5);
    this.old = new Uint32Array(options.memoryBits >>> 5);
  }

  /** Scores `value` against the contexts learned so far, then learns them. Returns a share in [0,1]. */
  update(value: number): number {
    if (this.seenReadings === 0) {
      this.low = value;
      this.high = value;
    } else if (value < this.low || value > this.high) {
      this.widenRange(value);
    }
    const level = this.quantise(value);
    this.latestLevel = level;
    const available = Math.min(this.sequenceLength, this.options.orders);
    let unseen = 0;
    for (let order = 1; order <= available; order++) {
      const context = this.history & ((1 << (order * this.levelBits)) - 1);
      const slot = contextHash(order, context, level) & this.slotMask;
      const word = slot >>> 5;
      const bit = 1 << (slot & 31);
      if ((this.live[word] & bit) === 0) {
        if ((this.old[word] & bit) === 0) unseen++;
        this.live[word] |= bit;
        if (++this.liveInsertions >= this.rotateAfter) this.rotate();
      }
    }
    this.history = ((this.history << this.levelBits) | level) & this.historyMask;
    this.seenReadings++;
    this.sequenceLength++;
    return available === 0 ? 0 : unseen / available;
  }

  /** Quantisation level of the latest reading (DistributionShift histograms these). */
  get level(): number {
    return this.latestLevel;
  }

  /** Forget the recent sequence (e.g. after a gap in the stream); learned contexts are kept. */
  breakSequence(): void {
    this.sequenceLength = 0;
  }

  snapshot(): ContextNoveltyState {
    return {
      low: this.low,
      high: this.high,
      history: this.history,
      seenReadings: this.seenReadings,
      sequenceLength: this.sequenceLength,
      liveInsertions: this.liveInsertions,
      live: encodeBits(this.live),
      old: encodeBits(this.old),
    };
  }

  restore(state: ContextNoveltyState): void {
    this.low = state.low;
    this.high = state.high;
    this.history = state.history;
    this.seenReadings = state.seenReadings;
    this.sequenceLength = state.sequenceLength;
    this.liveInsertions = state.liveInsertions;
    decodeBits(state.live, this.live);
    decodeBits(state.old, this.old);
  }

  private quantise(value: number): number {
    const span = this.high - this.low;
    if (span <= 0) return 0;
    const level = Math.floor(((value - this.low) / span) * this.options.levels);
    return level >= this.options.levels ? this.options.levels - 1 : level;
  }

  private widenRange(value: number): void {
    const margin = this.options.rangeMargin * Math.max(this.high - this.low, Math.abs(value - this.high), Math.abs(value - this.low));
    if (value < this.low) this.low = value - margin;
    else this.high = value + margin;
  }

  private rotate(): void {
    const retired = this.old;
    this.old = this.live;
    retired.fill(0);
    this.live = retired;
    this.liveInsertions = 0;
  }
}

/** 32-bit mix of (order, context, level); Math.imul keeps it integer and deterministic. */
function contextHash(order: number, context: number, level: number): number {
  let h = Math.imul(context + 1, 0x9e3779b1) ^ Math.imul(order * 17 + level + 1, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae3d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca77);
  return (h ^ (h >>> 13)) >>> 0;
}

function encodeBits(words: Uint32Array): string {
  return Buffer.from(words.buffer, words.byteOffset, words.byteLength).toString('base64');
}

function decodeBits(text: string, into: Uint32Array): void {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength !== into.byteLength) throw new Error('context memory size mismatch');
  new Uint8Array(into.buffer, into.byteOffset, into.byteLength).set(bytes);
}
