import { FAULT_TYPES, RoverFaults, type Fault, type FaultType } from './faults';
import { Fleet, type TelemetryFrame } from './fleet';
import { seededRandom } from './random';
import { DEFAULT_ENVIRONMENT, NO_DISTURBANCE, RoverModel } from './rover-model';

const INTERVAL = 1000;
const START = 300_000; // the fault starts after 5 minutes
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const std = (values: number[]) => Math.sqrt(mean(values.map((v) => (v - mean(values)) ** 2)));

/** rover-01's frames by offset (ms), with and without `fault`, same seed: the difference is the fault. */
function twinRuns(fault: Omit<Fault, 'rover' | 'startMs'>, ticks = 900) {
  const run = (faults: Fault[]) => {
    const fleet = new Fleet({ rovers: 2, prefix: 'rover', seed: 21, intervalMs: INTERVAL, environment: DEFAULT_ENVIRONMENT, dropoutRate: 0, faults, replays: [] });
    const frames = new Map<number, TelemetryFrame>();
    for (let t = 0; t < ticks; t++) for (const frame of fleet.tick(0)) if (frame.instance_id === 'rover-01') frames.set(frame.timestamp, frame);
    return frames;
  };
  const faulty = run([{ ...fault, rover: 'rover-01', startMs: START }]);
  const nominal = run([]);
  const end = START + fault.durationMs;
  const during = (frames: Map<number, TelemetryFrame>) => [...frames.values()].filter((f) => f.timestamp >= START && f.timestamp < end);
  return { faulty, nominal, end, duringFaulty: during(faulty), duringNominal: during(nominal) };
}

/** Identical telemetry before the fault: the fault starts when scripted, not earlier. */
function expectUntouchedBefore(faulty: Map<number, TelemetryFrame>, nominal: Map<number, TelemetryFrame>) {
  for (const [t, frame] of faulty) if (t < START) expect(frame).toEqual(nominal.get(t));
}

describe('fault signatures in the generated telemetry', () => {
  it('battery_degradation: the voltage drifts down linearly to -magnitude', () => {
    const { faulty, nominal, end } = twinRuns({ type: 'battery_degradation', durationMs: 300_000, magnitude: 2.5 });
    expectUntouchedBefore(faulty, nominal);
    const drop = (t: number) => nominal.get(t)!.voltage! - faulty.get(t)!.voltage!;
    expect(drop(START + 150_000)).toBeCloseTo(1.25, 0);
    expect(drop(end - INTERVAL)).toBeGreaterThan(2.3);
    expect(drop(end - INTERVAL)).toBeLessThan(2.7);
    expect(Math.abs(drop(end + 10_000))).toBeLessThan(0.1); // the scripted fault ends
  });

  it('thermal_runaway: the temperature climbs ever faster to +magnitude', () => {
    const { faulty, nominal, end } = twinRuns({ type: 'thermal_runaway', durationMs: 240_000, magnitude: 40 });
    expectUntouchedBefore(faulty, nominal);
    const rise = (t: number) => faulty.get(t)!.temperature! - nominal.get(t)!.temperature!;
    const half = rise(START + 120_000);
    expect(half).toBeGreaterThan(3);
    expect(half).toBeLessThan(10); // accelerating: well under half of the rise at half time
    expect(rise(end - INTERVAL)).toBeGreaterThan(38);
  });

  it('gyro_drift: the gyro gains a bias growing to the magnitude', () => {
    const { duringFaulty, duringNominal } = twinRuns({ type: 'gyro_drift', durationMs: 240_000, magnitude: 0.05 });
    const bias = (i: number) => duringFaulty[i].gyro! - duringNominal[i].gyro!;
    expect(bias(0)).toBeCloseTo(0, 3);
    expect(bias(120)).toBeCloseTo(0.025, 3);
    expect(bias(duringFaulty.length - 1)).toBeCloseTo(0.05, 3);
  });

  it('gyro_noise_burst: the gyro gets zero-mean noise with the magnitude as standard deviation', () => {
    const { faulty, nominal, duringFaulty, duringNominal } = twinRuns({ type: 'gyro_noise_burst', durationMs: 60_000, magnitude: 0.05 });
    expectUntouchedBefore(faulty, nominal);
    const added = duringFaulty.map((f, i) => f.gyro! - duringNominal[i].gyro!);
    expect(std(added)).toBeGreaterThan(0.04);
    expect(std(added)).toBeLessThan(0.06);
    expect(Math.abs(mean(added))).toBeLessThan(0.015);
  });

  it.each(['temperature', 'voltage', 'wheel_speed'] as const)('stuck_sensor: %s flat-lines at its last good value, the others keep moving', (channel) => {
    const { faulty, nominal, duringFaulty } = twinRuns({ type: 'stuck_sensor', durationMs: 120_000, magnitude: 0, channel });
    expectUntouchedBefore(faulty, nominal);
    expect(new Set(duringFaulty.map((f) => f[channel])).size).toBe(1);
    expect(duringFaulty[0][channel]).toBe(nominal.get(START - INTERVAL)![channel]);
    expect(new Set(duringFaulty.map((f) => f.current)).size).toBeGreaterThan(50);
    expect(new Set([...faulty.values()].filter((f) => f.timestamp > START + 120_000).map((f) => f[channel])).size).toBeGreaterThan(1);
  });

  it('wheel_slip: the wheel speeds up while the motor current falls', () => {
    // Twins on one random stream that both keep driving: the only difference is the slip.
    const driving = { ...NO_DISTURBANCE, keepDriving: true };
    const grip = new RoverModel(seededRandom(9));
    const slip = new RoverModel(seededRandom(9));
    const faults = new RoverFaults([{ type: 'wheel_slip', rover: 'r', startMs: 60_000, durationMs: 60_000, magnitude: 0.6 }], seededRandom(1));
    const pairs = [];
    for (let t = 1000; t <= 120_000; t += 1000) {
      const a = grip.step(1000, driving);
      const b = slip.step(1000, t >= 60_000 ? faults.disturbance(t) : driving);
      if (t >= 70_000) pairs.push([a, b]);
    }
    expect(mean(pairs.map(([a, b]) => b.wheel_speed / a.wheel_speed))).toBeCloseTo(1.6, 1);
    expect(mean(pairs.map(([a, b]) => a.current - b.current))).toBeGreaterThan(0.7);
  });

  it('current_surge: the current jumps by the magnitude and the voltage sags with it', () => {
    const { faulty, nominal, duringFaulty, duringNominal } = twinRuns({ type: 'current_surge', durationMs: 30_000, magnitude: 6 });
    expectUntouchedBefore(faulty, nominal);
    expect(mean(duringFaulty.map((f, i) => f.current! - duringNominal[i].current!))).toBeCloseTo(6, 1);
    const sag = mean(duringFaulty.map((f, i) => duringNominal[i].voltage! - f.voltage!));
    expect(sag).toBeGreaterThan(0.7); // 6 A through 0.12-0.2 ohm
    expect(sag).toBeLessThan(1.25);
  });

  it('comms_gap: the rover sends nothing for the duration, then resumes; the others are unaffected', () => {
    const fleet = new Fleet({
      rovers: 2, prefix: 'rover', seed: 21, intervalMs: INTERVAL, environment: DEFAULT_ENVIRONMENT, dropoutRate: 0, replays: [],
      faults: [{ type: 'comms_gap', rover: 'rover-01', startMs: START, durationMs: 120_000, magnitude: 0 }],
    });
    const frames = Array.from({ length: 600 }, () => fleet.tick(0)).flat();
    const times = (id: string) => frames.filter((f) => f.instance_id === id).map((f) => f.timestamp);
    expect(times('rover-02')).toHaveLength(600);
    expect(times('rover-01')).toHaveLength(480);
    expect(times('rover-01').some((t) => t >= START && t < START + 120_000)).toBe(false);
    expect(times('rover-01')).toContain(START + 120_000);
  });

  it('covers every fault type', () => {
    const tested: FaultType[] = ['battery_degradation', 'thermal_runaway', 'gyro_drift', 'gyro_noise_burst', 'stuck_sensor', 'wheel_slip', 'current_surge', 'comms_gap'];
    expect([...FAULT_TYPES].sort()).toEqual([...tested].sort());
  });
});
