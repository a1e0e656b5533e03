import type { LabelWindow } from './corpus';
import {
  labelRows,
  NAB_PROFILES,
  optimiseThreshold,
  prepareSweep,
  probationaryLength,
  scaledSigmoid,
  scoresByThreshold,
  type ScoredFile,
} from './scorer';
import { parseTimestamp } from './timestamps';

const [STANDARD, LOW_FP, LOW_FN] = NAB_PROFILES;
const MINUTE = 60_000;

/** One row per minute; the window covers rows [left, right]. */
function file(rowCount: number, windows: [number, number][], detections: Record<number, number>): ScoredFile {
  const timestampsMs = Array.from({ length: rowCount }, (_, i) => i * MINUTE);
  const anomalyScores = timestampsMs.map((_, i) => detections[i] ?? 0);
  const labelWindows: LabelWindow[] = windows.map(([l, r]) => ({ startMs: l * MINUTE, endMs: r * MINUTE }));
  return { timestampsMs, anomalyScores, windows: labelWindows };
}

describe('NAB scaled sigmoid', () => {
  it('is 2/(1+e^(5y))-1 and -1 from y = 3 on', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.986614, 6); // 2/(1+e^-5)-1
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1 / 3)).toBeCloseTo(-0.682262, 6); // 2/(1+e^(5/3))-1
    expect(scaledSigmoid(3)).toBe(-1);
    expect(scaledSigmoid(2.9)).toBeGreaterThan(-1);
  });
});

describe('probationary period', () => {
  it('is min(floor(0.15 n), 750)', () => {
    expect(probationaryLength(100)).toBe(15);
    expect(probationaryLength(4999)).toBe(749); // floor(749.85)
    expect(probationaryLength(5000)).toBe(750);
    expect(probationaryLength(22695)).toBe(750);
  });
});

describe('labelRows', () => {
  // 20 rows, window rows 10..13 (W = 4).
  const rows = labelRows(file(20, [[10, 13]], {}).timestampsMs, [{ startMs: 10 * MINUTE, endMs: 13 * MINUTE }]);

  it('gives the first window row the full A_TP and the last sigma(-1/W)/sigma(-1)', () => {
    expect(rows.windowIndex[10]).toBe(0);
    expect(rows.unitScore[10]).toBeCloseTo(1, 12); // sigma(-(13-10+1)/4) / sigma(-1)
    expect(rows.unitScore[13]).toBeCloseTo(0.562124, 6); // (2/(1+e^-1.25)-1) / 0.986614
  });

  it('charges the full A_FP before any window and less just after one', () => {
    expect(rows.windowIndex[5]).toBe(-1);
    expect(rows.unitScore[5]).toBe(-1);
    expect(rows.unitScore[14]).toBeCloseTo(-0.682262, 6); // |13-14| / (4-1) = 1/3
    expect(rows.unitScore[19]).toBeCloseTo(-0.999909, 6); // 6/3 = 2 -> 2/(1+e^10)-1
  });

  it('maps NAB label timestamps with microseconds onto rows', () => {
    expect(parseTimestamp('2014-04-10 07:15:00.000000')).toBe(parseTimestamp('2014-04-10 07:15:00'));
    expect(parseTimestamp('2004-02-13')).toBe(Date.UTC(2004, 1, 13));
  });
});

describe('threshold sweep', () => {
  // 100 rows -> 15 probationary rows; window rows 40..49 (W = 10).
  const window: [number, number][] = [[40, 49]];

  it('scores a perfect detector 100 and ignores detections in the probationary period', () => {
    // Row 5 (probationary) would otherwise be a 1.0 false positive costing 0.11.
    const best = optimiseThreshold(prepareSweep([file(100, window, { 5: 1, 40: 0.9 })]), STANDARD);
    expect(best.threshold).toBe(0.9);
    expect(best.score).toBeCloseTo(1, 12);
    expect(best.normalisedScore).toBeCloseTo(100, 10);
    expect(best).toMatchObject({ detectedWindows: 1, missedWindows: 0, falsePositives: 0 });
  });

  it('scores the null detector 0 under every profile', () => {
    for (const profile of NAB_PROFILES) {
      const best = optimiseThreshold(prepareSweep([file(100, window, {})]), profile);
      expect(best.threshold).toBe(1.1);
      expect(best.score).toBe(-profile.fnWeight);
      expect(best.normalisedScore).toBe(0);
    }
  });

  it('credits the earliest detection in a window', () => {
    const sweep = prepareSweep([file(100, window, { 45: 0.95, 40: 0.6 })]);
    const [, atRow45, atRow40] = scoresByThreshold(sweep, STANDARD);
    expect(atRow45.threshold).toBe(0.95);
    expect(atRow45.score).toBeCloseTo(0.859793, 5); // sigma(-(49-45+1)/10) / sigma(-1) = 0.848284 / 0.986614
    expect(atRow40.score).toBeCloseTo(1, 12);
  });

  it('weights a false positive before a window by -A_FP and one after by its distance', () => {
    // FP at row 20 (before the window): -0.11. FP at row 52: |49-52| / (10-1) = 1/3 -> -0.682262 * A_FP.
    const sweep = prepareSweep([file(100, window, { 40: 0.9, 20: 0.8, 52: 0.7 })]);
    const [, at09, at08, at07] = scoresByThreshold(sweep, STANDARD);
    expect(at09.score).toBeCloseTo(1, 12);
    expect(at08.score).toBeCloseTo(1 - 0.11, 12);
    expect(at07.score).toBeCloseTo(1 - 0.11 - 0.11 * 0.682262, 6);
    const lowFp = scoresByThreshold(sweep, LOW_FP);
    expect(lowFp[3].score).toBeCloseTo(1 - 0.22 - 0.22 * 0.682262, 6);
  });

  it('charges A_FN per missed window and normalises by the labelled window count', () => {
    // Two files, one window each; only the first is detected (at its first row): 1 - A_FN.
    const sweep = prepareSweep([file(100, window, { 40: 0.9 }), file(100, window, {})]);
    const standard = optimiseThreshold(sweep, STANDARD);
    expect(standard.score).toBeCloseTo(0, 12);
    expect(standard.normalisedScore).toBeCloseTo(50, 10); // 100 * (0 - -2) / (2 - -2)
    const lowFn = optimiseThreshold(sweep, LOW_FN);
    expect(lowFn.score).toBeCloseTo(-1, 12); // 1 - 2
    expect(lowFn.normalisedScore).toBeCloseTo(50, 10); // 100 * (-1 - -4) / (2 - -4)
    expect(lowFn).toMatchObject({ detectedWindows: 1, missedWindows: 1 });
  });

  it('breaks ties towards the higher threshold', () => {
    // Thresholds 0.8 and 0.7 both give exactly 1.0 (the 0.7 row is later in the same window).
    const best = optimiseThreshold(prepareSweep([file(100, window, { 40: 0.8, 41: 0.7 })]), STANDARD);
    expect(best.threshold).toBe(0.8);
    expect(best.score).toBeCloseTo(1, 12);
  });

  it('treats equal scores as one threshold', () => {
    const thresholds = scoresByThreshold(prepareSweep([file(100, window, { 40: 0.5, 60: 0.5 })]), STANDARD).map(
      (entry) => entry.threshold,
    );
    expect(thresholds).toEqual([1.1, 0.5, 0]);
  });
});
