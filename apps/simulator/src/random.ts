/** Seeded randomness, so a run with the same seed generates the same telemetry and faults. */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform in [low, high). */
  between(low: number, high: number): number;
  /** Normal deviate with mean 0 and standard deviation `sigma`. */
  gaussian(sigma?: number): number;
}

/** mulberry32: tiny, fast and good enough for simulated sensor noise. */
export function seededRandom(seed: number): Random {
  let a = seed | 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    between: (low, high) => low + (high - low) * uniform(),
    // Box-Muller; 1 - u keeps the logarithm finite.
    gaussian: (sigma = 1) => sigma * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  };
}

/** An independent stream per (seed, index): rover 3 of seed 7 is the same whatever the fleet size. */
export function derivedSeed(seed: number, index: number): number {
  return Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
}
