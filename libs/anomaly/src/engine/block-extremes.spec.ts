import { BlockExtremes } from './block-extremes';

describe('BlockExtremes', () => {
  it('covers the last blocks plus the open one, sliding a block at a time', () => {
    const extremes = new BlockExtremes(2, 3); // horizon: 2 closed blocks of 3 + the open block
    [9, 1, 5, 4, 4, 4, 6, 7].forEach((v) => extremes.push(v));
    // Closed blocks [9,1,5] and [4,4,4]; open block [6,7].
    expect(extremes.coverage).toBe(8);
    expect([extremes.min(), extremes.max()]).toEqual([1, 9]);
    extremes.push(8); // closes [6,7,8]; [9,1,5] slides out
    expect(extremes.coverage).toBe(6);
    expect([extremes.min(), extremes.max()]).toEqual([4, 8]);
  });

  it('restores from a JSON snapshot', () => {
    const extremes = new BlockExtremes(4, 2);
    [3, -2, 7, 1, 0].forEach((v) => extremes.push(v));
    const copy = new BlockExtremes(4, 2);
    copy.restore(JSON.parse(JSON.stringify(extremes.snapshot())));
    copy.push(-5);
    extremes.push(-5);
    expect([copy.min(), copy.max(), copy.coverage]).toEqual([extremes.min(), extremes.max(), extremes.coverage]);
  });

  it('restores from a JSON snapshot taken right after a block closed', () => {
    const extremes = new BlockExtremes(2, 2);
    [5, 6, 7, 8].forEach((v) => extremes.push(v)); // open block empty: its extremes are ±Infinity
    const copy = new BlockExtremes(2, 2);
    copy.restore(JSON.parse(JSON.stringify(extremes.snapshot())));
    expect([copy.min(), copy.max()]).toEqual([5, 8]);
    copy.push(6.5);
    expect([copy.min(), copy.max()]).toEqual([5, 8]);
  });
});
