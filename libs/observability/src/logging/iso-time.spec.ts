import { isoTime } from './iso-time';

describe('isoTime', () => {
  it('formats like toISOString, across second, day and year boundaries and in any order', () => {
    const starts = [Date.UTC(2026, 10, 21, 12, 0, 0, 0), Date.UTC(2026, 11, 31, 23, 59, 58, 990), 0, Date.UTC(1999, 0, 1)];
    for (const start of starts) {
      for (let ms = start; ms < start + 2500; ms += 7) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
    for (const ms of [starts[1] + 1500, starts[0] + 3, starts[1] + 1500]) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});
