import { LinearRelation } from './linear-relation';
import { DEFAULT_ENGINE_OPTIONS } from './options';
import { gaussian } from '../../../../test/seeded-random';

describe('LinearRelation', () => {
  const options = DEFAULT_ENGINE_OPTIONS.relation;

  it('learns a battery line V = 31 - 0.15 I from a varying load, and its residual noise', () => {
    const noise = gaussian(1);
    const fit = new LinearRelation(options);
    for (let i = 0; i < 3000; i++) {
      const current = 2 + Math.sin(i / 50) + 0.02 * noise();
      fit.update(current, 31 - 0.15 * current + 0.02 * noise());
    }
    expect(fit.trusted).toBe(true);
    expect(fit.slope).toBeCloseTo(-0.15, 2);
    expect(fit.predict(4)).toBeCloseTo(30.4, 1);
    expect(fit.residualSigma()).toBeGreaterThan(0.015);
    expect(fit.residualSigma()).toBeLessThan(0.03);
    expect(Math.abs(fit.residualZ(3, 31 - 0.45))).toBeLessThan(3);
    expect(fit.residualZ(3, 31 - 0.45 - 0.3)).toBeLessThan(-8);
  });

  it('does not trust a slope while the cause only shows its own sensor noise', () => {
    const noise = gaussian(2);
    const fit = new LinearRelation(options);
    // A parked rover: wheel encoder jitter, unrelated current noise.
    for (let i = 0; i < 3000; i++) fit.update(Math.abs(0.8 * noise()), 1.5 + 0.02 * noise());
    expect(fit.trusted).toBe(false);
  });

  it('is not taught by a sustained departure once trusted: the residual keeps growing', () => {
    const noise = gaussian(3);
    const fit = new LinearRelation(options);
    const voltage = (current: number, i: number) => 31 - 0.15 * current - (i < 3000 ? 0 : 0.002 * (i - 3000)) + 0.02 * noise();
    const residuals: number[] = [];
    for (let i = 0; i < 3300; i++) {
      const current = 2 + Math.sin(i / 50) + 0.02 * noise();
      const v = voltage(current, i);
      if (i >= 3000) residuals.push(fit.residualZ(current, v));
      fit.update(current, v);
    }
    // 0.6 V lost over 300 readings: far beyond the noise at the end, not absorbed by the fit.
    expect(residuals[60]).toBeLessThan(-4);
    expect(residuals[299]).toBeLessThan(residuals[150]);
    expect(residuals[299]).toBeLessThan(-20);
  });

  it('resumes from a JSON snapshot exactly', () => {
    const noise = gaussian(4);
    const a = new LinearRelation(options);
    const points = Array.from({ length: 600 }, (_, i) => [2 + Math.sin(i / 30), 31 - 0.15 * (2 + Math.sin(i / 30)) + 0.02 * noise()]);
    points.slice(0, 400).forEach(([x, y]) => a.update(x, y));
    const b = new LinearRelation(options);
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    points.slice(400).forEach(([x, y]) => {
      expect(b.residualZ(x, y)).toBe(a.residualZ(x, y));
      a.update(x, y);
      b.update(x, y);
    });
    expect(() => b.restore({ ...a.snapshot(), varX: Number.NaN })).toThrow(/not numeric/);
  });
});
