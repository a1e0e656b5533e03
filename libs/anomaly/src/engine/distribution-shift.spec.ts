import { DistributionShift } from './distribution-shift';
import { DEFAULT_CHANNEL_OPTIONS } from './options';
import { uniform } from '../../../../test/seeded-random';

const LEVELS = 8;

/** A level drawn from `weights` (relative frequencies per level). */
function drawer(seed: number): (weights: number[]) => number {
  const next = uniform(seed);
  return (weights) => {
    const total = weights.reduce((a, b) => a + b, 0);
    let u = next() * total;
    for (let level = 0; level < weights.length; level++) if ((u -= weights[level]) < 0) return level;
    return weights.length - 1;
  };
}

const NARROW = [0, 0, 1, 4, 4, 1, 0, 0];
const WIDE = [1, 1, 1, 1, 1, 1, 1, 1];

describe('DistributionShift', () => {
  const options = DEFAULT_CHANNEL_OPTIONS.distribution;

  it('stays quiet while the level distribution is steady', () => {
    const draw = drawer(1);
    const shift = new DistributionShift(LEVELS, options);
    let loud = 0;
    for (let i = 0; i < 20_000; i++) {
      const score = shift.update(draw(NARROW));
      if (i >= 2000 && score >= 0.5) loud++;
    }
    expect(loud).toBeLessThan(20); // < 0.1 % of readings
  });

  it('scores a variance change within a window, though no single level is new', () => {
    const draw = drawer(2);
    const shift = new DistributionShift(LEVELS, options);
    // Learn a distribution that does use every level, only rarely the outer ones.
    const usual = [1, 2, 6, 20, 20, 6, 2, 1];
    for (let i = 0; i < 5000; i++) shift.update(draw(usual));
    const after = Array.from({ length: options.window }, () => shift.update(draw(WIDE)));
    expect(Math.max(...after)).toBeGreaterThanOrEqual(0.5);
    expect(shift.divergence).toBeGreaterThan(0.5);
  });

  it('learns a lasting change as the new normal', () => {
    const draw = drawer(3);
    const shift = new DistributionShift(LEVELS, options);
    for (let i = 0; i < 5000; i++) shift.update(draw(NARROW));
    for (let i = 0; i < 6 * options.referenceHalfLife; i++) shift.update(draw(WIDE));
    const settled = Array.from({ length: 2000 }, () => shift.update(draw(WIDE)));
    expect(settled.filter((score) => score >= 0.5).length).toBeLessThan(5);
  });

  it('resumes from a JSON snapshot exactly', () => {
    const draw = drawer(4);
    const original = new DistributionShift(LEVELS, options);
    for (let i = 0; i < 3000; i++) original.update(draw(NARROW));
    const resumed = new DistributionShift(LEVELS, options);
    resumed.restore(JSON.parse(JSON.stringify(original.snapshot())));
    const tail = Array.from({ length: 500 }, (_, i) => draw(i < 250 ? NARROW : WIDE));
    expect(tail.map((level) => resumed.update(level))).toEqual(tail.map((level) => original.update(level)));
  });

  it('refuses a snapshot of another window size', () => {
    const small = new DistributionShift(LEVELS, { ...options, window: 8 });
    small.update(3);
    expect(() => new DistributionShift(LEVELS, options).restore(small.snapshot())).toThrow('distribution window size mismatch');
  });
});
