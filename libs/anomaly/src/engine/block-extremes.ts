/**
 * Minimum and maximum over roughly the last `blocks * blockSize` readings in O(blocks) time and
 * 2 * blocks numbers of memory: readings are folded into fixed-size blocks and the oldest block is
 * dropped as a new one starts, so the horizon slides in steps of one block.
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
  }

  min(): number {
    let min = this.blockMin;
    for (let i = 0; i < this.filledBlocks; i++) if (this.mins[i] < min) min = this.mins[i];
    return min;
  }

  max(): number {
    let max = this.blockMax;
    for (let i = 0; i < this.filledBlocks; i++) if (this.maxs[i] > max) max = this.maxs[i];
    return max;
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
    this.mins.set(state.mins);
    this.maxs.set(state.maxs);
    this.next = state.next;
    this.filledBlocks = state.filledBlocks;
    this.inBlock = state.inBlock;
    this.blockMin = state.blockMin;
    this.blockMax = state.blockMax;
  }
}
