import type { Detection, FrameInput } from './detector';
import { DEFAULT_ALERT_THRESHOLD, DEFAULT_CHANNEL_OPTIONS } from './options';
import { ENGINE_SNAPSHOT_VERSION, StreamingAnomalyEngine } from './streaming-engine';
import { gaussian } from '../../../../test/seeded-random';

const SECOND = 1000;
const NOMINAL = 2500;
/** Readings after which the engine must no longer alarm on nominal noise. */
const SETTLED = 1000;

function frame(i: number, channels: Record<string, number>, instanceId = 'rover-1'): FrameInput {
  return { instanceId, timestamp: 1_700_000_000_000 + i * SECOND, channels };
}

/** Runs `values` through a fresh engine as channel `channel`; returns every detection. */
function run(channel: string, values: number[]): Detection[] {
  const engine = new StreamingAnomalyEngine();
  return values.map((value, i) => engine.detect(frame(i, { [channel]: value })));
}

const anomalousIndices = (detections: Detection[], from = 0): number[] =>
  detections.flatMap((d, i) => (i >= from && d.anomalyScore >= DEFAULT_ALERT_THRESHOLD ? [i] : []));

/** Temperature around 20 °C with sigma 0.5 °C, then `tail` readings from `after(i, noise)`. */
function temperatureStream(seed: number, tail: number, after: (i: number, noise: number) => number): number[] {
  const noise = gaussian(seed);
  return Array.from({ length: NOMINAL + tail }, (_, i) => (i < NOMINAL ? 20 + 0.5 * noise() : after(i - NOMINAL, noise())));
}

describe('StreamingAnomalyEngine on synthetic streams', () => {
  it('stays quiet on nominal noise and catches a spike', () => {
    const values = temperatureStream(1, 200, (i, n) => (i === 100 ? 28 : 20 + 0.5 * n));
    const detections = run('temperature', values);
    expect(anomalousIndices(detections, SETTLED)).toEqual([NOMINAL + 100]);
    const spike = detections[NOMINAL + 100];
    expect(spike.anomalyType).toBe('thermal_fault');
    expect(spike.triggeredChannels).toEqual(['temperature']);
    expect(spike.reasoning).toMatch(/temperature 28 °C .*robust deviations above its (recent )?median 20/);
    expect(detections[NOMINAL + 99].anomalyType).toBe('normal');
  });

  it('catches a level shift at once', () => {
    const detections = run('temperature', temperatureStream(2, 200, (_, n) => 23 + 0.5 * n));
    const alarms = anomalousIndices(detections, SETTLED);
    expect(alarms[0]).toBeGreaterThanOrEqual(NOMINAL);
    expect(alarms[0]).toBeLessThan(NOMINAL + 5);
  });

  it('catches a slow drift', () => {
    // +0.01 °C per reading: 1 sigma every 50 readings.
    const detections = run('temperature', temperatureStream(3, 1000, (i, n) => 20 + 0.01 * i + 0.5 * n));
    const alarms = anomalousIndices(detections, SETTLED);
    expect(alarms[0]).toBeGreaterThanOrEqual(NOMINAL);
    expect(alarms[0]).toBeLessThan(NOMINAL + 400);
  });

  it('catches a variance change', () => {
    const detections = run('temperature', temperatureStream(4, 200, (_, n) => 20 + 3 * n));
    const alarms = anomalousIndices(detections, SETTLED);
    expect(alarms[0]).toBeGreaterThanOrEqual(NOMINAL);
    expect(alarms[0]).toBeLessThan(NOMINAL + 30);
  });

  it('reports a flat-lined sensor as a sensor fault', () => {
    const detections = run('temperature', temperatureStream(5, 400, () => 20.1));
    const alarms = anomalousIndices(detections, SETTLED);
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms[0]).toBeGreaterThan(NOMINAL + 50);
    expect(alarms[0]).toBeLessThan(NOMINAL + 300);
    const stuck = detections[alarms[0]];
    expect(stuck.anomalyType).toBe('sensor_fault');
    expect(stuck.reasoning).toMatch(/has not changed for \d+ readings/);
  });

  it('raises no alarm on a clean noisy sine with daily seasonality after warm-up', () => {
    const noise = gaussian(6);
    const perDay = 1440; // one reading a minute
    const values = Array.from({ length: 6 * perDay }, (_, i) => 20 + 10 * Math.sin((2 * Math.PI * i) / perDay) + 0.3 * noise());
    const engine = new StreamingAnomalyEngine();
    const detections = values.map((value, i) => engine.detect({ instanceId: 'sat', timestamp: i * 60_000, channels: { temperature: value } }));
    // Warm-up: one full day, so the baseline has seen the whole cycle once.
    expect(anomalousIndices(detections, perDay)).toEqual([]);
    expect(detections.slice(perDay).every((d) => d.anomalyType === 'normal')).toBe(true);
  });
});

describe('StreamingAnomalyEngine across channels', () => {
  it('catches wheel slip: wheel speed up while motor current falls', () => {
    const noise = gaussian(7);
    const engine = new StreamingAnomalyEngine();
    let detection: Detection | undefined;
    for (let i = 0; i < NOMINAL + 1; i++) {
      const slipping = i === NOMINAL;
      detection = engine.detect(
        frame(i, {
          wheel_speed: (slipping ? 112 : 100) + noise(),
          motor_current: (slipping ? 1.7 : 2) + 0.05 * noise(),
        }),
      );
      if (i >= NOMINAL - 100 && !slipping) expect(detection.anomalyType).toBe('normal');
    }
    expect(detection?.anomalyType).toBe('mobility_fault');
    expect(detection?.triggeredChannels.slice(0, 2)).toEqual(['wheel_speed', 'motor_current']);
    expect(detection?.reasoning).toMatch(/wheel slip/);
  });

  it('flags a physical limit breach immediately, even on the first frames', () => {
    const engine = new StreamingAnomalyEngine();
    const first = engine.detect(frame(0, { voltage: 18.2, cpu_usage: 40 }));
    expect(first.anomalyScore).toBeGreaterThanOrEqual(0.9);
    expect(first.anomalyType).toBe('power_fault');
    expect(first.triggeredChannels).toEqual(['voltage']);
    expect(first.reasoning).toMatch(/voltage 18.2 V is outside its physical limit/);
    expect(first.confidence).toBeGreaterThan(0.6);

    const second = engine.detect(frame(1, { voltage: 28, cpu_usage: 130 }));
    expect(second.anomalyType).toBe('compute_fault');
    expect(second.channelScores.voltage).toBeLessThan(DEFAULT_ALERT_THRESHOLD);
  });

  it('names channels it does not know as unknown_fault', () => {
    const detections = run('flux_capacitor', temperatureStream(8, 101, (i, n) => (i === 100 ? 35 : 20 + 0.5 * n)));
    expect(detections.at(-1)?.anomalyType).toBe('unknown_fault');
  });
});

describe('StreamingAnomalyEngine state', () => {
  const noise = gaussian(9);
  const frames = Array.from({ length: 1300 }, (_, i) =>
    frame(i, { voltage: 28 + 0.2 * noise(), current: 5 + 0.1 * noise(), temperature: 20 + (i > 1100 ? 4 : 0) + 0.5 * noise() }),
  );

  it('resumes from a JSON snapshot exactly where it left off', () => {
    const original = new StreamingAnomalyEngine();
    frames.slice(0, 800).forEach((f) => original.detect(f));
    const snapshot = JSON.parse(JSON.stringify(original.snapshot('rover-1')));
    const resumed = new StreamingAnomalyEngine();
    resumed.restore('rover-1', snapshot);
    const expected = frames.slice(800).map((f) => original.detect(f));
    const actual = frames.slice(800).map((f) => resumed.detect(f));
    expect(actual).toEqual(expected);
    expect(anomalousIndices(expected).length).toBeGreaterThan(0);
    expect(new StreamingAnomalyEngine().snapshot('rover-1')).toBeUndefined();
  });

  it('starts an instance fresh from a snapshot of another engine version instead of failing', () => {
    const original = new StreamingAnomalyEngine();
    frames.slice(0, 800).forEach((f) => original.detect(f));
    const snapshot = JSON.parse(JSON.stringify(original.snapshot('rover-1')));
    const upgraded = new StreamingAnomalyEngine();
    expect(upgraded.restore('rover-1', { ...snapshot, version: ENGINE_SNAPSHOT_VERSION - 1 })).toBe(false);
    expect(upgraded.snapshot('rover-1')).toBeUndefined();
    expect(upgraded.detect(frames[800]).reasoning).toMatch(/still learning .* \(0\/300 readings\)/);
    // Same version, but window sizes of another configuration: unusable as well.
    const resized = new StreamingAnomalyEngine({ channel: { ...DEFAULT_CHANNEL_OPTIONS, envelopeBlocks: 16 } });
    expect(resized.restore('rover-1', snapshot)).toBe(false);
    expect(resized.instanceIds()).toEqual([]);
    expect(new StreamingAnomalyEngine().restore('rover-1', snapshot)).toBe(true);
  });

  it('forgets an instance completely: no snapshot, and its next frame is learned from scratch', () => {
    const engine = new StreamingAnomalyEngine();
    frames.slice(0, 600).forEach((f) => engine.detect(f));
    engine.detect({ ...frames[0], instanceId: 'rover-2' });
    engine.forget('rover-1');
    expect(engine.instanceIds()).toEqual(['rover-2']);
    expect(engine.snapshot('rover-1')).toBeUndefined();
    expect(engine.snapshot('rover-2')).toBeDefined();
    const again = engine.detect(frames[600]);
    expect(again.reasoning).toMatch(/still learning .* \(0\/300 readings\)/);
    expect(again.confidence).toBeLessThan(0.05);
  });

  it('is deterministic: the same input gives the same output', () => {
    const a = new StreamingAnomalyEngine();
    const b = new StreamingAnomalyEngine();
    expect(frames.map((f) => b.detect(f))).toEqual(frames.map((f) => a.detect(f)));
  });

  it('keeps instances apart', () => {
    const engine = new StreamingAnomalyEngine();
    frames.slice(0, 300).forEach((f) => engine.detect(f));
    const other = engine.detect({ ...frames[0], instanceId: 'rover-2' });
    expect(other.reasoning).toMatch(/still learning/);
    expect(engine.instanceIds()).toEqual(['rover-1', 'rover-2']);
  });

  it('is less confident during warm-up than after it', () => {
    const engine = new StreamingAnomalyEngine();
    const detections = frames.map((f) => engine.detect(f));
    const mean = (ds: Detection[]): number => ds.reduce((sum, d) => sum + d.confidence, 0) / ds.length;
    const warmup = mean(detections.slice(1, 30));
    const settled = mean(detections.slice(500, 1000));
    expect(warmup).toBeLessThan(0.5 * settled);
    expect(settled).toBeGreaterThan(0.6);
    expect(new Set(detections.map((d) => d.confidence.toFixed(3))).size).toBeGreaterThan(10);
  });
});
