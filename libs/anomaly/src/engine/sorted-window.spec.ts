import fc from 'fast-check';
import { SortedWindow } from './sorted-window';

/** Reference median / MAD by sorting, for comparison. */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

describe('SortedWindow', () => {
  it('tracks the sliding median and MAD of the last `capacity` values', () => {
    const window = new SortedWindow(7);
    const values = [5, 1, 9, 3, 3, 8, 2, 7, 7, 0, 4, 6, 1, 9, 2];
    values.forEach((v, i) => {
      window.push(v);
      const recent = values.slice(Math.max(0, i - 6), i + 1);
      const m = median(recent);
      expect(window.median()).toBe(m);
      // Upper median of the absolute deviations, as the merge walk defines it.
      const deviations = recent.map((x) => Math.abs(x - m)).sort((a, b) => a - b);
      expect(window.medianAbsoluteDeviation(m)).toBe(deviations[recent.length >> 1]);
    });
    expect(window.recent(0)).toBe(2);
    expect(window.recent(6)).toBe(7);
  });

  it('agrees with sorting on the MAD about any centre, ties and duplicates included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: -25, max: 25 }),
        (values, capacity, center) => {
          const window = new SortedWindow(capacity);
          values.forEach((v) => window.push(v));
          const recent = values.slice(-capacity);
          const deviations = recent.map((x) => Math.abs(x - center)).sort((a, b) => a - b);
          expect(window.medianAbsoluteDeviation(center)).toBe(deviations[recent.length >> 1]);
        },
      ),
    );
  });

  it('restores from a snapshot', () => {
    const window = new SortedWindow(4);
    [3, 1, 4, 1, 5, 9].forEach((v) => window.push(v));
    const copy = new SortedWindow(4);
    copy.restore(JSON.parse(JSON.stringify(window.snapshot())));
    expect(copy.median()).toBe(window.median());
    copy.push(2);
    window.push(2);
    expect(copy.median()).toBe(window.median());
    expect(copy.recent(3)).toBe(1); // window is now [1, 5, 9, 2]
  });
});
