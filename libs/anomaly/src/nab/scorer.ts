/**
 * TypeScript port of NAB's scorer (numenta/NAB `nab/sweeper.py` + `nab/optimizer.py`, commit ea702d75):
 * per-row sweep scores from the anomaly windows, one threshold for the whole corpus swept over every
 * distinct anomaly score, and normalisation against the null and perfect detectors.
 */
import type { LabelWindow } from './corpus';

export interface CostProfile {
  name: string;
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

export const NAB_PROFILES: readonly CostProfile[] = [
  { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  { name: 'reward_low_FP_rate', tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  { name: 'reward_low_FN_rate', tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
];

/** NAB's scaled sigmoid: ~1 at the left edge of a window (-1), 0 at its right edge, -1 from 3 on. */
export function scaledSigmoid(relativePosition: number): number {
  return relativePosition >= 3 ? -1 : 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

/** Rows not scored at the start of a file: min(floor(15% of rows), 750). */
export function probationaryLength(rowCount: number): number {
  return Math.min(Math.floor(0.15 * rowCount), 750);
}

/**
 * What a detection at each row of one file is worth, before profile weights. Inside a window the
 * value is the true-positive fraction (times A_TP); outside it is the unweighted (negative)
 * false-positive score (times A_FP).
 */
export interface LabelledRows {
  /** Window index within the file for rows inside a window, else -1. */
  windowIndex: Int32Array;
  unitScore: Float64Array;
  /** Rows [0, probationaryRows) are not scored. */
  probationaryRows: number;
}

/** Mirrors `Sweeper.calcSweepScore`: windows map to row ranges by timestamp, both ends inclusive. */
export function labelRows(timestampsMs: ArrayLike<number>, windows: readonly LabelWindow[]): LabelledRows {
  const rowCount = timestampsMs.length;
  const windowIndex = new Int32Array(rowCount).fill(-1);
  const unitScore = new Float64Array(rowCount);
  const ranges = windows.map((window) => rowRange(timestampsMs, window));

  let next = 0;
  let current = -1;
  let previousRight = -1;
  let previousWidth = 0;
  for (let i = 0; i < rowCount; i++) {
    while (current < 0 && next < ranges.length && ranges[next].right < ranges[next].left) next++;
    if (current < 0 && next < ranges.length && i === ranges[next].left) current = next++;
    if (current >= 0) {
      const { left, right } = ranges[current];
      const width = right - left + 1;
      windowIndex[i] = current;
      unitScore[i] = scaledSigmoid(-(right - i + 1) / width) / MAX_TP;
      if (i === right) {
        previousRight = right;
        previousWidth = width;
        current = -1;
      }
    } else {
      // Before any window NAB uses position 3 (full -A_FP); after one, distance in its widths.
      const position = previousRight < 0 ? 3 : Math.abs(previousRight - i) / (previousWidth - 1);
      unitScore[i] = scaledSigmoid(position);
    }
  }
  return { windowIndex, unitScore, probationaryRows: probationaryLength(rowCount) };
}

function rowRange(timestampsMs: ArrayLike<number>, window: LabelWindow): { left: number; right: number } {
  let left = 0;
  while (left < timestampsMs.length && timestampsMs[left] < window.startMs) left++;
  let right = timestampsMs.length - 1;
  while (right >= 0 && timestampsMs[right] > window.endMs) right--;
  return { left, right };
}

export interface ScoredFile {
  timestampsMs: ArrayLike<number>;
  anomalyScores: ArrayLike<number>;
  windows: readonly LabelWindow[];
}

/** All scorable rows of a corpus, sorted once by anomaly score (highest first) for every sweep. */
export interface CorpusSweep {
  scores: Float64Array;
  /** Corpus-wide window id per row, -1 outside windows. */
  windowIds: Int32Array;
  unitScores: Float64Array;
  /** Windows that have at least one scorable row (NAB only charges a miss for those). */
  scorableWindows: Int32Array;
  /** Every labelled window, the N of the normalisation. */
  windowCount: number;
}

export function prepareSweep(files: readonly ScoredFile[]): CorpusSweep {
  const scores: number[] = [];
  const windowIds: number[] = [];
  const unitScores: number[] = [];
  const scorableWindows = new Set<number>();
  let windowBase = 0;
  for (const file of files) {
    if (file.anomalyScores.length !== file.timestampsMs.length) {
      throw new Error('timestamps and anomaly scores differ in length');
    }
    const rows = labelRows(file.timestampsMs, file.windows);
    for (let i = rows.probationaryRows; i < file.timestampsMs.length; i++) {
      const windowId = rows.windowIndex[i] < 0 ? -1 : windowBase + rows.windowIndex[i];
      scores.push(file.anomalyScores[i]);
      windowIds.push(windowId);
      unitScores.push(rows.unitScore[i]);
      if (windowId >= 0) scorableWindows.add(windowId);
    }
    windowBase += file.windows.length;
  }
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  return {
    scores: Float64Array.from(order, (i) => scores[i]),
    windowIds: Int32Array.from(order, (i) => windowIds[i]),
    unitScores: Float64Array.from(order, (i) => unitScores[i]),
    scorableWindows: Int32Array.from([...scorableWindows].sort((a, b) => a - b)),
    windowCount: windowBase,
  };
}

export interface ThresholdScore {
  /** Rows with anomaly score >= threshold are detections. */
  threshold: number;
  score: number;
  /** 100 * (score - null) / (perfect - null). */
  normalisedScore: number;
  /** Windows with at least one detection. */
  detectedWindows: number;
  /** Scorable windows without a detection. */
  missedWindows: number;
  /** Detections outside every window. */
  falsePositives: number;
  /** Detections inside windows (NAB's row-level "tp" count). */
  truePositiveRows: number;
}

/**
 * Mirrors `Sweeper.calcScoreByThreshold`: lowers the threshold one distinct anomaly score at a time,
 * starting above every score (1.1, nothing detected); entries come highest threshold first.
 */
export function scoresByThreshold(sweep: CorpusSweep, profile: CostProfile): ThresholdScore[] {
  const best = new Float64Array(sweep.windowCount);
  const detected = new Uint8Array(sweep.windowCount);
  for (const id of sweep.scorableWindows) best[id] = -profile.fnWeight;
  let windowTotal = -profile.fnWeight * sweep.scorableWindows.length;
  let falsePositiveTotal = 0;
  let detectedWindows = 0;
  let falsePositives = 0;
  let truePositiveRows = 0;
  const results: ThresholdScore[] = [];
  const record = (threshold: number): void => {
    const score = windowTotal + falsePositiveTotal;
    results.push({
      threshold,
      score,
      normalisedScore: normaliseScore(score, sweep.windowCount, profile),
      detectedWindows,
      missedWindows: sweep.scorableWindows.length - detectedWindows,
      falsePositives,
      truePositiveRows,
    });
  };

  let threshold = 1.1;
  for (let i = 0; i < sweep.scores.length; i++) {
    if (sweep.scores[i] !== threshold) {
      record(threshold);
      threshold = sweep.scores[i];
    }
    const windowId = sweep.windowIds[i];
    if (windowId < 0) {
      falsePositives++;
      falsePositiveTotal += sweep.unitScores[i] * profile.fpWeight;
      continue;
    }
    truePositiveRows++;
    if (detected[windowId] === 0) {
      detected[windowId] = 1;
      detectedWindows++;
    }
    // Within a window the earliest detection is worth the most, so the max is NAB's "first detection".
    const candidate = sweep.unitScores[i] * profile.tpWeight;
    if (candidate > best[windowId]) {
      windowTotal += candidate - best[windowId];
      best[windowId] = candidate;
    }
  }
  record(threshold);
  return results;
}

/**
 * Mirrors `optimizeThreshold`: the best corpus score over all thresholds; NAB sorts them stably by
 * score, so on a tie the higher threshold (met first) wins.
 */
export function optimiseThreshold(sweep: CorpusSweep, profile: CostProfile): ThresholdScore {
  return scoresByThreshold(sweep, profile).reduce((best, candidate) =>
    candidate.score > best.score ? candidate : best,
  );
}

/** NAB normalisation with S_null = -N * A_FN and S_perfect = N * A_TP over the N labelled windows. */
export function normaliseScore(score: number, windowCount: number, profile: CostProfile): number {
  const nullScore = -windowCount * profile.fnWeight;
  const perfectScore = windowCount * profile.tpWeight;
  return (100 * (score - nullScore)) / (perfectScore - nullScore);
}
