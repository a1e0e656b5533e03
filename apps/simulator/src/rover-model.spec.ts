import fc from 'fast-check';
import { Fleet } from './fleet';
import { seededRandom } from './random';
import { DEFAULT_ENVIRONMENT, NO_DISTURBANCE, NOMINAL_RANGES, ROVER_CHANNELS, RoverModel, type RoverReading } from './rover-model';

/** The service's validation limits (TelemetryFrameDto): a nominal frame must never be refused. */
const SERVICE_LIMITS = { voltage: [0, 50], temperature: [-100, 150], current: [0, Infinity], wheel_speed: [0, Infinity] } as const;
/** The engine's hard physical limits for voltage (22-36 V) and gyro (|rate| <= 20): nominal data never trips them. */
const ENGINE_VOLTAGE = [22, 36];

function readings(seed: number, steps: number, dtMs: number, dayLengthMs = DEFAULT_ENVIRONMENT.dayLengthMs): RoverReading[] {
  const model = new RoverModel(seededRandom(seed), { dayLengthMs, startTimeOfDay: 0 });
  return Array.from({ length: steps }, () => model.step(dtMs));
}

const correlation = (xs: number[], ys: number[]) => {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
};

describe('RoverModel without faults', () => {
  it('stays within its nominal ranges, the service limits and the engine voltage limits over a whole day, for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        // A compressed 2 h day at one frame every 10 s: every phase of the duty and thermal cycles.
        const outside: string[] = [];
        for (const reading of readings(seed, 720, 10_000, 2 * 3_600_000)) {
          for (const channel of ROVER_CHANNELS) {
            const value = reading[channel];
            if (!(value >= NOMINAL_RANGES[channel].min && value <= NOMINAL_RANGES[channel].max)) outside.push(`${channel} ${value}`);
          }
          for (const [channel, [min, max]] of Object.entries(SERVICE_LIMITS)) {
            const value = reading[channel as keyof RoverReading];
            if (!(value >= min && value <= max)) outside.push(`${channel} ${value} outside the service limits`);
          }
          if (!(reading.voltage > ENGINE_VOLTAGE[0] && reading.voltage < ENGINE_VOLTAGE[1])) outside.push(`voltage ${reading.voltage} trips the engine limit`);
        }
        expect(outside).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(readings(42, 200, 1000)).toEqual(readings(42, 200, 1000));
    expect(readings(42, 200, 1000)).not.toEqual(readings(43, 200, 1000));
  });

  it('sags the battery voltage under load and recovers it when the load falls', () => {
    // Twin rovers on the same random stream; one draws 5 A more for a minute.
    const steady = new RoverModel(seededRandom(7));
    const loaded = new RoverModel(seededRandom(7));
    const load = { ...NO_DISTURBANCE, extraCurrentA: 5 };
    const sag: number[] = [];
    const after: number[] = [];
    for (let s = 0; s < 180; s++) {
      const a = steady.step(1000);
      const b = loaded.step(1000, s >= 60 && s < 120 ? load : NO_DISTURBANCE);
      if (s >= 60 && s < 120) sag.push(a.voltage - b.voltage);
      if (s >= 120) after.push(a.voltage - b.voltage);
      if (s < 60) expect(b).toEqual(a);
    }
    const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
    // Internal resistance 0.12-0.2 ohm: 0.6-1 V of sag under 5 A, gone once the load is.
    expect(mean(sag)).toBeGreaterThan(0.5);
    expect(mean(sag)).toBeLessThan(1.1);
    expect(Math.abs(mean(after))).toBeLessThan(0.02);
  });

  it('makes motor current follow wheel speed', () => {
    const data = readings(11, 4000, 1000);
    expect(correlation(data.map((r) => r.wheel_speed), data.map((r) => r.current))).toBeGreaterThan(0.8);
  });

  it('cycles the temperature with day and night', () => {
    const day = 3_600_000;
    const data = readings(3, 720, 5000, day); // one day from midnight
    const hourly = Array.from({ length: 24 }, (_, h) => data.slice(h * 30, (h + 1) * 30).reduce((a, r) => a + r.temperature, 0) / 30);
    const warmest = hourly.indexOf(Math.max(...hourly));
    const coldest = hourly.indexOf(Math.min(...hourly));
    expect(Math.max(...hourly) - Math.min(...hourly)).toBeGreaterThan(20);
    expect(warmest).toBeGreaterThanOrEqual(11);
    expect(warmest).toBeLessThanOrEqual(18);
    expect(coldest <= 8 || coldest >= 22).toBe(true);
  });

  it('adds sensor noise (no channel repeats itself) and drops a channel now and then', () => {
    const fleet = new Fleet({ rovers: 4, prefix: 'rover', seed: 5, intervalMs: 1000, environment: DEFAULT_ENVIRONMENT, dropoutRate: 0.01, faults: [], replays: [] });
    const frames = Array.from({ length: 2000 }, () => fleet.tick(0)).flat();
    const missing = frames.reduce((n, f) => n + ROVER_CHANNELS.filter((c) => f[c] === undefined).length, 0);
    expect(missing / (frames.length * ROVER_CHANNELS.length)).toBeGreaterThan(0.005);
    expect(missing / (frames.length * ROVER_CHANNELS.length)).toBeLessThan(0.02);
    const voltages = frames.filter((f) => f.instance_id === 'rover-01' && f.voltage !== undefined).map((f) => f.voltage);
    const longestRun = voltages.reduce<[number, number]>(([best, run], v, i) => (i > 0 && v === voltages[i - 1] ? [Math.max(best, run + 1), run + 1] : [best, 1]), [1, 1])[0];
    expect(longestRun).toBeLessThan(10);
  });
});
