import type { Detection, FrameInput } from './detector';
import { DEFAULT_ALERT_THRESHOLD } from './options';
import { LINK_CHANNEL, StreamingAnomalyEngine } from './streaming-engine';
import { gaussian } from '../../../../test/seeded-random';

const START = Date.parse('2026-11-21T00:00:00Z');
const anomalies = (detections: Detection[], from = 0): number[] =>
  detections.flatMap((d, i) => (i >= from && d.anomalyScore >= DEFAULT_ALERT_THRESHOLD && d.anomalyType !== 'normal' ? [i] : []));

/**
 * A rover at 1 Hz: drives (wheel ramping to 90 rpm with a 5 s lag) and parks in turn; the motor
 * current follows the wheel, and the bus voltage sags with the current through the battery's 0.15 Ω.
 * `extraSagV(i)` takes volts off the battery itself (a failing cell), which no load explains.
 */
function roverFrames(count: number, driveS: number, parkS: number, extraSagV: (i: number) => number = () => 0): FrameInput[] {
  const noise = gaussian(11);
  let wheel = 0;
  let terrain = 1;
  return Array.from({ length: count }, (_, i) => {
    const driving = i % (driveS + parkS) >= parkS;
    wheel += ((driving ? 90 : 0) - wheel) * (1 - Math.exp(-1 / 5));
    terrain += (1 - terrain) / 20 + 0.02 * noise();
    const current = 1.5 + 0.022 * wheel * terrain;
    return {
      instanceId: 'rover-7',
      timestamp: START + i * 1000,
      channels: {
        wheel_speed: Math.abs(wheel + 0.8 * noise()),
        current: current + 0.02 * noise(),
        voltage: 31 - 0.15 * current - extraSagV(i) + 0.02 * noise(),
      },
    };
  });
}

describe('StreamingAnomalyEngine on rover telemetry', () => {
  it('reports a communication gap on the first frame after it, as the link pseudo-channel', () => {
    const engine = new StreamingAnomalyEngine();
    const noise = gaussian(3);
    const frame = (t: number): FrameInput => ({ instanceId: 'rover-8', timestamp: START + t * 1000, channels: { temperature: 20 + 0.3 * noise() } });
    // 1 Hz with a little jitter, then 5 minutes of silence.
    const before = Array.from({ length: 400 }, (_, i) => engine.detect(frame(i + (i % 3 === 0 ? 0.2 : 0))));
    const after = engine.detect(frame(400 + 300));
    const next = engine.detect(frame(701));

    expect(before.filter((d) => LINK_CHANNEL in d.channelScores)).toEqual([]);
    expect(after.anomalyType).toBe('communication_fault');
    expect(after.triggeredChannels).toEqual([LINK_CHANNEL]);
    expect(after.channelScores[LINK_CHANNEL]).toBeGreaterThanOrEqual(0.9);
    expect(after.channelScores.temperature).toBeLessThan(DEFAULT_ALERT_THRESHOLD);
    expect(after.reasoning).toMatch(/No telemetry for 5 min 1 s \(frames usually every 1 s\)/);
    // Worth an operator's attention (MEDIUM from 0.4), not an emergency (CRITICAL from 0.85).
    expect(after.severityScore).toBeGreaterThanOrEqual(0.4);
    expect(after.severityScore).toBeLessThan(0.85);
    expect(after.confidence).toBeGreaterThan(0.9);
    expect(next.anomalyType).toBe('normal');
    expect(LINK_CHANNEL in next.channelScores).toBe(false);
  });

  it('does not take a slower but steady cadence, or a late instance, for a gap', () => {
    const engine = new StreamingAnomalyEngine();
    const detections: Detection[] = [];
    // Every 10 s for an hour, one frame 60 s late (6 intervals), then one that arrives out of order.
    for (let i = 0; i < 360; i++) detections.push(engine.detect({ instanceId: 'probe', timestamp: START + i * 10_000 + (i === 200 ? 50_000 : 0), channels: { cpu_usage: 40 + (i % 7) } }));
    detections.push(engine.detect({ instanceId: 'probe', timestamp: START, channels: { cpu_usage: 41 } }));
    expect(detections.filter((d) => d.anomalyType === 'communication_fault')).toEqual([]);
  });

  it('learns the normal sag under load: drive starts and stops are quiet, from the first one on', () => {
    const frames = roverFrames(6000, 600, 400);
    const engine = new StreamingAnomalyEngine();
    const detections = frames.map((f) => engine.detect(f));
    // Warm-up (300 readings) aside, ten drive starts and stops raise nothing.
    expect(anomalies(detections, 300)).toEqual([]);
    // The first drive (from reading 400) takes every channel beyond anything seen: it is recognised
    // as the load moving them together, not waved through.
    expect(detections.slice(400, 420).some((d) => /moved as the learned relations between the channels predict/.test(d.reasoning))).toBe(true);
  });

  it('flags a sag beyond the learned load line as a power fault, at a steady load', () => {
    // From reading 5000, the battery loses 0.3 V over 100 s while the rover keeps driving at a steady load.
    const failing = (i: number) => (i < 5000 ? 0 : Math.min(0.3, (0.3 * (i - 5000)) / 100));
    const frames = roverFrames(5200, 3000, 400, failing);
    const engine = new StreamingAnomalyEngine();
    const detections = frames.map((f) => engine.detect(f));
    const alarms = anomalies(detections, 300);
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms[0]).toBeGreaterThanOrEqual(5000);
    expect(alarms[0]).toBeLessThan(5060);
    const sag = detections[alarms[0]];
    expect(sag.anomalyType).toBe('power_fault');
    expect(sag.triggeredChannels.slice(0, 2)).toEqual(['voltage', 'current']);
    expect(sag.reasoning).toMatch(/voltage [\d.]+ V is [\d.]+ V below what current [\d.]+ A explains .*-0\.1[45]\d* V per A/);
  });

  it('stays quiet on a temperature with a day/night cycle and a slow drift, after a day of warm-up', () => {
    const noise = gaussian(5);
    // One reading every 10 s: a day (8640 readings) is longer than the envelope's horizon (6144), so
    // every morning's rise climbs past values the envelope has forgotten.
    const perDay = 8640;
    // 15 °C swing, a warming trend of 1.5 °C a day, sensor noise 0.1 °C.
    const values = Array.from({ length: 3 * perDay }, (_, i) => 5 + 15 * Math.sin((2 * Math.PI * i) / perDay) + (1.5 * i) / perDay + 0.1 * noise());
    const engine = new StreamingAnomalyEngine();
    const detections = values.map((value, i) => engine.detect({ instanceId: 'rover-2', timestamp: START + i * 10_000, channels: { avionics_temp: value } }));
    expect(anomalies(detections, perDay)).toEqual([]);
  });

  it('still catches a temperature climbing faster than a box can heat (thermal runaway)', () => {
    const noise = gaussian(6);
    // 5 Hz; steady around 20 °C for 10 minutes, then +6 °C a minute.
    const values = Array.from({ length: 3600 }, (_, i) => 20 + (i < 3000 ? 0 : ((i - 3000) / 300) * 6) + 0.08 * noise());
    const engine = new StreamingAnomalyEngine();
    const detections = values.map((value, i) => engine.detect({ instanceId: 'rover-2', timestamp: START + i * 200, channels: { temperature: value } }));
    const alarms = anomalies(detections, 300);
    expect(alarms[0]).toBeGreaterThanOrEqual(3000);
    expect(alarms[0]).toBeLessThan(3300);
    expect(detections[alarms[0]].anomalyType).toBe('thermal_fault');
    // Once the smoothed rate passes 2 °C/min, the rate limit says so whatever the envelope does.
    const rateAlarm = detections.findIndex((d) => /rising at [\d.]+ °C\/min, faster than its physical limit of 2 °C\/min: possible thermal runaway/.test(d.reasoning));
    expect(rateAlarm).toBeGreaterThanOrEqual(3000);
    expect(rateAlarm).toBeLessThan(3300);
  });
});
