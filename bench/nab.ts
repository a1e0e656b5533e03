/**
 * NAB benchmark: streams every corpus file through the engine's ChannelDetector (one channel per
 * file, one configuration for the whole corpus, labels never shown to it), writes NAB-format results,
 * scores them with the TypeScript port of NAB's scorer, and measures the false-alarm rate on the
 * unlabelled LASP spacecraft bus telemetry at the chosen alert threshold. For comparison it also
 * scores the corpus through the whole StreamingAnomalyEngine (one unnamed channel per file, so no
 * limits or relations apply, but the engine's holds on small new extremes and its drift runs do).
 *
 *   npm run bench:nab [-- --results <dir>]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ChannelDetector, DEFAULT_ALERT_THRESHOLD, DEFAULT_CHANNEL_OPTIONS, StreamingAnomalyEngine } from '../libs/anomaly/src/engine';
import {
  defaultNabRoot,
  NAB_PROFILES,
  optimiseThreshold,
  prepareSweep,
  readNabCorpus,
  readTimeSeriesCsv,
  type NabDataFile,
  type ThresholdScore,
  type TimeSeries,
} from '../libs/anomaly/src/nab';

const DETECTOR = 'astraguard';
const PROJECT_ROOT = resolve(__dirname, '..');
const LASP_FILES = ['BusVoltage.csv', 'TotalBusCurrent.csv'];

/** Published standard-profile scores (NAB scoreboard) for the comparison table. */
const PUBLISHED: Record<string, number> = {
  'Numenta HTM': 70.5,
  'CAD OSE': 69.9,
  'earthgecko Skyline': 58.2,
  'KNN CAD': 58.0,
  'Relative Entropy': 54.6,
  'Random Cut Forest': 51.7,
  'Twitter ADVec': 47.1,
  'Windowed Gaussian': 39.6,
  'Bayesian Changepoint': 17.7,
};

function scoreSeries(series: TimeSeries): Float64Array {
  const detector = new ChannelDetector(DEFAULT_CHANNEL_OPTIONS);
  const scores = new Float64Array(series.values.length);
  for (let i = 0; i < scores.length; i++) scores[i] = detector.update(series.values[i], series.timestampsMs[i]).score;
  return scores;
}

/** The same series through the multi-channel engine, as one channel of one instance. */
function engineScoreSeries(series: TimeSeries): Float64Array {
  const engine = new StreamingAnomalyEngine();
  const scores = new Float64Array(series.values.length);
  for (let i = 0; i < scores.length; i++) {
    scores[i] = engine.detect({ instanceId: 'nab', timestamp: series.timestampsMs[i], channels: { value: series.values[i] } }).anomalyScore;
  }
  return scores;
}

function writeResultsFile(resultsDir: string, file: NabDataFile, scores: Float64Array): void {
  const dir = join(resultsDir, DETECTOR, file.category);
  mkdirSync(dir, { recursive: true });
  const lines = ['timestamp,value,anomaly_score,label'];
  let window = 0;
  for (let i = 0; i < scores.length; i++) {
    const t = file.timestampsMs[i];
    while (window < file.windows.length && file.windows[window].endMs < t) window++;
    const label = window < file.windows.length && file.windows[window].startMs <= t ? 1 : 0;
    lines.push(`${file.timestampText[i]},${file.values[i]},${scores[i]},${label}`);
  }
  writeFileSync(join(dir, `${DETECTOR}_${file.name}.csv`), `${lines.join('\n')}\n`);
}

function laspFalseAlarms(threshold: number, score = scoreSeries): { file: string; readings: number; alarms: number; per1000: number }[] {
  const laspRoot = join(PROJECT_ROOT, '..', 'shared', 'datasets', 'lasp');
  return LASP_FILES.map((file) => {
    const scores = score(readTimeSeriesCsv(join(laspRoot, file)));
    const alarms = scores.reduce((count, score) => count + (score >= threshold ? 1 : 0), 0);
    return { file, readings: scores.length, alarms, per1000: (1000 * alarms) / scores.length };
  });
}

function main(): void {
  const resultsArg = process.argv.indexOf('--results');
  const resultsDir = resolve(resultsArg > 0 ? process.argv[resultsArg + 1] : join(PROJECT_ROOT, 'bench', 'results', 'nab'));
  const started = performance.now();
  const corpus = readNabCorpus(defaultNabRoot(PROJECT_ROOT));
  const loaded = performance.now();

  const scored = corpus.map((file) => ({ file, anomalyScores: scoreSeries(file) }));
  const detected = performance.now();
  for (const { file, anomalyScores } of scored) writeResultsFile(resultsDir, file, anomalyScores);

  const sweep = prepareSweep(scored.map(({ file, anomalyScores }) => ({ ...file, anomalyScores })));
  const profiles: Record<string, ThresholdScore> = {};
  for (const profile of NAB_PROFILES) profiles[profile.name] = optimiseThreshold(sweep, profile);
  const finished = performance.now();

  const rows = scored.reduce((n, { anomalyScores }) => n + anomalyScores.length, 0);
  console.log(`NAB corpus: ${corpus.length} files, ${rows} rows, ${sweep.windowCount} windows (${sweep.scorableWindows.length} scorable)`);
  console.table(
    Object.fromEntries(
      Object.entries(profiles).map(([name, s]) => [
        name,
        {
          score: +s.normalisedScore.toFixed(1),
          threshold: +s.threshold.toFixed(4),
          detectedWindows: s.detectedWindows,
          missedWindows: s.missedWindows,
          falsePositives: s.falsePositives,
        },
      ]),
    ),
  );
  const lasp = laspFalseAlarms(DEFAULT_ALERT_THRESHOLD);
  console.log(`LASP false alarms at DEFAULT_ALERT_THRESHOLD = ${DEFAULT_ALERT_THRESHOLD}:`);
  console.table(lasp);
  const standardAtDefault = optimiseThreshold(
    prepareSweep(scored.map(({ file, anomalyScores }) => ({ ...file, anomalyScores: anomalyScores.map((s) => (s >= DEFAULT_ALERT_THRESHOLD ? 1 : 0)) }))),
    NAB_PROFILES[0],
  );
  console.log(`standard profile with the fixed DEFAULT_ALERT_THRESHOLD: ${standardAtDefault.normalisedScore.toFixed(1)}`);
  const engineSweep = prepareSweep(corpus.map((file) => ({ ...file, anomalyScores: engineScoreSeries(file) })));
  const engineProfiles = Object.fromEntries(NAB_PROFILES.map((profile) => [profile.name, optimiseThreshold(engineSweep, profile)]));
  const engineLasp = laspFalseAlarms(DEFAULT_ALERT_THRESHOLD, engineScoreSeries);
  console.log(
    `through StreamingAnomalyEngine: ${Object.entries(engineProfiles).map(([name, s]) => `${name} ${s.normalisedScore.toFixed(1)}`).join(', ')}; ` +
      `LASP alarms ${engineLasp.map((l) => `${l.file} ${l.alarms} (${l.per1000.toFixed(2)}/1000)`).join(', ')}`,
  );
  const timings = {
    loadMs: Math.round(loaded - started),
    detectMs: Math.round(detected - loaded),
    totalMs: Math.round(finished - started),
    detectRowsPerSecond: Math.round(rows / ((detected - loaded) / 1000)),
  };
  console.log(`timings: ${JSON.stringify(timings)}`);

  const summary = {
    detector: DETECTOR,
    corpus: { files: corpus.length, rows, windows: sweep.windowCount },
    profiles,
    defaultAlertThreshold: DEFAULT_ALERT_THRESHOLD,
    standardAtDefaultThreshold: standardAtDefault.normalisedScore,
    laspFalseAlarms: lasp,
    throughEngine: { profiles: engineProfiles, laspFalseAlarms: engineLasp },
    published: PUBLISHED,
    timings,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}

main();
