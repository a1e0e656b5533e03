import { GROUND_TRUTH_FORMAT, type GroundTruth, type TruthFault } from './ground-truth';
import { scoreRun, type ReportedAnomaly } from './scorer';

const T0 = Date.UTC(2026, 10, 21, 12);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const options = { graceMs: 60_000, warmupMs: 120_000, episodeGapMs: 60_000 };

function truth(faults: TruthFault[], rovers = ['rover-01', 'rover-02'], durationS = 3600): GroundTruth {
  return {
    format: GROUND_TRUTH_FORMAT, url: 'http://localhost:8000', scenario: 'hand-made', seed: 1, rate_hz: 1, speed: 1, rovers,
    replay_channels: ['bus_voltage'], started_at: at(0), ended_at: at(durationS), stopped_early: false, frames_sent: 0, frames_failed: 0, faults,
  };
}
let id = 0;
function anomaly(rover: string, seconds: number, type: string, channels: string[]): ReportedAnomaly {
  return { anomaly_id: `a${++id}`, instance_id: rover, timestamp: at(seconds), anomaly_type: type, triggered_channels: channels };
}
const battery: TruthFault = { rover: 'rover-01', type: 'battery_degradation', start: at(600), end: at(900), magnitude: 2 };
const slip: TruthFault = { rover: 'rover-02', type: 'wheel_slip', start: at(1200), end: at(1260), magnitude: 0.5 };

describe('scoreRun', () => {
  it('detects a fault from the first anomaly on its channel and measures the time to detect', () => {
    const report = scoreRun(truth([battery, slip]), [
      anomaly('rover-01', 645, 'power_fault', ['voltage']),
      anomaly('rover-01', 700, 'power_fault', ['voltage']),
      anomaly('rover-02', 1201, 'mobility_fault', ['wheel_speed', 'current']),
    ], options);
    expect(report.faults.map((o) => [o.fault.type, o.detected, o.timeToDetectMs, o.matched, o.classified])).toEqual([
      ['battery_degradation', true, 45_000, 2, true],
      ['wheel_slip', true, 1_000, 1, true],
    ]);
    expect(report.overall).toEqual({ faults: 2, detected: 2, detectionRate: 1 });
    expect(report.falseAlarms.anomalies).toBe(0);
  });

  it('counts a fault as detected but misclassified when its channel alarms under another type', () => {
    const report = scoreRun(truth([battery]), [anomaly('rover-01', 660, 'thermal_fault', ['temperature', 'voltage'])], options);
    expect(report.faults[0]).toMatchObject({ detected: true, classified: false, firstAnomalyType: 'thermal_fault' });
    expect(report.byType).toEqual([{ type: 'battery_degradation', faults: 1, detected: 1, classified: 0, detectionRate: 1, medianTimeToDetectMs: 60_000, maxTimeToDetectMs: 60_000 }]);
  });

  it('does not credit a fault with an unrelated alarm on its rover: that is a false alarm', () => {
    const report = scoreRun(truth([battery]), [anomaly('rover-01', 650, 'attitude_fault', ['gyro'])], options);
    expect(report.faults[0].detected).toBe(false);
    expect(report.falseAlarms.anomalies).toBe(1);
  });

  it('credits the expected anomaly type even without matching channels (comms gap)', () => {
    const gap: TruthFault = { rover: 'rover-02', type: 'comms_gap', start: at(300), end: at(420), magnitude: 0 };
    const report = scoreRun(truth([gap]), [anomaly('rover-02', 430, 'communication_fault', [])], options);
    expect(report.faults[0]).toMatchObject({ detected: true, classified: true, timeToDetectMs: 130_000 });
  });

  it('credits anomalies up to the grace period after the end, not later, and none before the start', () => {
    const report = scoreRun(truth([battery]), [
      anomaly('rover-01', 599, 'power_fault', ['voltage']),
      anomaly('rover-01', 961, 'power_fault', ['voltage']),
    ], options);
    expect(report.faults[0].detected).toBe(false);
    expect(report.falseAlarms.anomalies).toBe(2);
    const inGrace = scoreRun(truth([battery]), [anomaly('rover-01', 960, 'power_fault', ['voltage'])], options);
    expect(inGrace.faults[0]).toMatchObject({ detected: true, timeToDetectMs: 360_000 });
  });

  it('does not credit a fault with an anomaly of another rover', () => {
    const report = scoreRun(truth([battery]), [anomaly('rover-02', 700, 'power_fault', ['voltage'])], options);
    expect(report.faults[0].detected).toBe(false);
    expect(report.falseAlarms.anomalies).toBe(1);
  });

  it('reports per-type rates and median / max time to detect', () => {
    const faults: TruthFault[] = [
      { ...battery, rover: 'rover-01', start: at(600), end: at(900) },
      { ...battery, rover: 'rover-02', start: at(600), end: at(900) },
      { ...battery, rover: 'rover-03', start: at(600), end: at(900) },
      { ...battery, rover: 'rover-04', start: at(600), end: at(900) },
    ];
    const report = scoreRun(truth(faults, ['rover-01', 'rover-02', 'rover-03', 'rover-04']), [
      anomaly('rover-01', 610, 'power_fault', ['voltage']),
      anomaly('rover-02', 630, 'power_fault', ['voltage']),
      anomaly('rover-03', 700, 'power_fault', ['voltage']),
    ], options);
    expect(report.byType[0]).toMatchObject({ faults: 4, detected: 3, detectionRate: 0.75, medianTimeToDetectMs: 30_000, maxTimeToDetectMs: 100_000 });
    expect(report.overall.detectionRate).toBe(0.75);
  });

  it('counts false alarms per rover-hour after the warm-up, grouping close ones into episodes', () => {
    // 2 rovers x (3600 s - 120 s warm-up) = 1.9333 rover-hours
    const report = scoreRun(truth([]), [
      anomaly('rover-01', 60, 'thermal_fault', ['temperature']), // warm-up: not counted
      anomaly('rover-01', 1000, 'thermal_fault', ['temperature']),
      anomaly('rover-01', 1030, 'thermal_fault', ['temperature']), // same episode (30 s later)
      anomaly('rover-01', 1100, 'thermal_fault', ['temperature']), // 70 s later: new episode
      anomaly('rover-02', 2000, 'power_fault', ['current']),
      anomaly('rover-09', 2000, 'power_fault', ['current']), // not a rover of this run
      anomaly('rover-01', 3700, 'power_fault', ['current']), // after the run
    ], options);
    expect(report.falseAlarms.anomalies).toBe(4);
    expect(report.falseAlarms.episodes).toBe(3);
    expect(report.falseAlarms.roverHours).toBeCloseTo(1.9333, 4);
    expect(report.falseAlarms.anomaliesPerRoverHour).toBeCloseTo(4 / 1.9333, 3);
    expect(report.falseAlarms.episodesPerRoverHour).toBeCloseTo(3 / 1.9333, 3);
    expect(report.anomaliesScored).toBe(5);
    expect(report.overall.detectionRate).toBeNull();
  });

  it('counts alarms raised only by replayed channels apart from false alarms', () => {
    const report = scoreRun(truth([]), [
      anomaly('rover-01', 1000, 'power_fault', ['bus_voltage']),
      anomaly('rover-01', 2000, 'power_fault', ['bus_voltage', 'current']),
    ], options);
    expect(report.replayAlarms).toBe(1);
    expect(report.falseAlarms.anomalies).toBe(1);
  });

  it('gives no per-hour rate when the run ended inside the warm-up', () => {
    const report = scoreRun(truth([], ['rover-01'], 100), [], options);
    expect(report.falseAlarms.roverHours).toBe(0);
    expect(report.falseAlarms.episodesPerRoverHour).toBeNull();
  });
});
