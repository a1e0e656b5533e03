/**
 * Minimum and maximum over roughly the last `blocks * blockSize` readings with 2 * blocks numbers of
 * memory: readings are folded into fixed-size blocks and the oldest block is dropped as a new one
 * starts, so the horizon slides in steps of one block. The extremes of the closed blocks are
 * recomputed only when a block closes (O(blocks) once per block), so each reading costs O(1).
 */
export interface BlockExtremesState {
  mins: number[];
  maxs: number[];
  next: number;
  filledBlocks: number;
  inBlock: number;
  blockMin: number;
  blockMax: number;
}

export class BlockExtremes {
  private readonly mins: Float64Array;
  private readonly maxs: Float64Array;
  private next = 0;
  private filledBlocks = 0;
  private inBlock = 0;
  private blockMin = Infinity;
  private blockMax = -Infinity;
  private closedMin = Infinity;
  private closedMax = -Infinity;

  constructor(
    private readonly blocks: number,
    private readonly blockSize: number,
  ) {
    this.mins = new Float64Array(blocks);
    this.maxs = new Float64Array(blocks);
  }

  /** Readings currently covered. */
  get coverage(): number {
    return this.filledBlocks * this.blockSize + this.inBlock;
  }

  push(value: number): void {
    if (value < this.blockMin) this.blockMin = value;
    if (value > this.blockMax) this.blockMax = value;
    if (++this.inBlock < this.blockSize) return;
    this.mins[this.next] = this.blockMin;
    this.maxs[this.next] = this.blockMax;
    this.next = (this.next + 1) % this.blocks;
    if (this.filledBlocks < this.blocks) this.filledBlocks++;
    this.inBlock = 0;
    this.blockMin = Infinity;
    this.blockMax = -Infinity;
    this.summariseClosedBlocks();
  }

  min(): number {
    return this.blockMin < this.closedMin ? this.blockMin : this.closedMin;
  }

  max(): number {
    return this.blockMax > this.closedMax ? this.blockMax : this.closedMax;
  }

  snapshot(): BlockExtremesState {
    return {
      mins: Array.from(this.mins),
      maxs: Array.from(this.maxs),
      next: this.next,
      filledBlocks: this.filledBlocks,
      inBlock: this.inBlock,
      blockMin: this.blockMin,
      blockMax: this.blockMax,
    };
  }

  restore(state: BlockExtremesState): void {
    if (state.mins.length !== this.blocks || state.maxs.length !== this.blocks) throw new Error('envelope block count mismatch');
    this.mins.set(state.mins);
    this.maxs.set(state.maxs);
    this.next = state.next;
    this.filledBlocks = state.filledBlocks;
    this.inBlock = state.inBlock;
    // An empty open block holds ±Infinity, which JSON turns into null.
    this.blockMin = this.inBlock > 0 ? state.blockMin : Infinity;
    this.blockMax = this.inBlock > 0 ? state.blockMax : -Infinity;
    this.summariseClosedBlocks();
  }

  private summariseClosedBlocks(): void {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < this.filledBlocks; i++) {
      if (this.mins[i] < min) min = this.mins[i];
      if (this.maxs[i] > max) max = this.maxs[i];
    }
    this.closedMin = min;
    this.closedMax = max;
  }
}
