/**
 * Fleet simulator entry point: `npm run simulate -- [run|score] ...` (see USAGE in cli.ts).
 * Wires the command line, the terminal, signals and files to the pure parts.
 */
import { existsSync } from 'node:fs';
import { ServiceError, TelemetryClient, realWait } from './client';
import { parseCli, USAGE, type RunArgs, type ScoreArgs } from './cli';
import { readGroundTruth, writeGroundTruth } from './ground-truth';
import { loadReplay } from './replay';
import { progressLine, retryLine, runSummary, scoreText } from './report';
import { roverIds } from './fleet';
import { faultsForFleet, loadScenario, NOMINAL_SCENARIO } from './scenario';
import { scoreRun } from './scorer';
import { runSimulation, type RunStats } from './simulation';
import { UsageError } from './usage-error';

const out = process.stdout;
const interactive = out.isTTY === true;

/** Progress on one rewritten line on a terminal; a line every 10 s when piped to a file. */
function progressPrinter(retries: () => number): { show: (stats: RunStats) => void; note: (text: string) => void; end: () => void } {
  let lastPrinted = 0;
  let onLine = false;
  return {
    show: (stats) => {
      if (interactive) {
        out.write(`\r\x1b[2K${progressLine(stats, retries())}`);
        onLine = true;
      } else if (stats.wallMs - lastPrinted >= 10_000) {
        lastPrinted = stats.wallMs;
        out.write(`${progressLine(stats, retries())}\n`);
      }
    },
    note: (text) => {
      out.write(`${onLine ? '\r\x1b[2K' : ''}${text}\n`);
      onLine = false;
    },
    end: () => {
      if (onLine) out.write('\n');
      onLine = false;
    },
  };
}

async function run(args: RunArgs): Promise<number> {
  const scenario = args.faults ? loadScenario(args.faults) : NOMINAL_SCENARIO;
  const faults = faultsForFleet(scenario, roverIds(args.rovers, args.prefix), args.faults ?? 'scenario');
  const replays = args.replay.map(loadReplay);
  const stop = new AbortController();
  let retries = 0;
  const printer = progressPrinter(() => retries);
  const client = new TelemetryClient({
    baseUrl: args.url,
    apiKey: args.apiKey,
    signal: stop.signal,
    onRetry: (notice) => {
      retries++;
      printer.note(retryLine(notice));
    },
  });
  try {
    await client.checkReachable();
  } catch (error) {
    process.stderr.write(`Cannot reach the service at ${args.url}: ${(error as Error).message}\n`);
    return 1;
  }
  // First Ctrl-C: stop cleanly (send what is pending, write the truth); second: leave at once.
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130);
    printer.note('Stopping: sending what is pending and writing the ground truth (Ctrl-C again to quit at once)...');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const frameRate = args.rovers * args.rateHz * args.speed;
  printer.note(
    `Simulating ${args.rovers} rovers at ${args.rateHz} Hz for ${args.durationMs / 1000} s of simulated time at ${args.speed}x (~${Math.round(frameRate)} frames/s)` +
      `${args.faults ? `, ${faults.length} faults from ${args.faults}` : ', no faults'}${replays.length ? `, replaying ${replays.map((r) => r.channel).join(', ')}` : ''} -> ${args.url}`,
  );
  try {
    const result = await runSimulation(
      {
        url: args.url,
        rovers: args.rovers,
        rateHz: args.rateHz,
        durationMs: args.durationMs,
        speed: args.speed,
        batch: args.batch,
        seed: args.seed,
        prefix: args.prefix,
        startMs: args.startMs,
        environment: scenario.environment,
        dropoutRate: scenario.dropoutRate,
        faults,
        scenarioPath: args.faults ?? null,
        replays,
      },
      { client, now: Date.now, wait: realWait, stop: stop.signal, onProgress: printer.show },
    );
    printer.end();
    writeGroundTruth(args.truth, result.truth);
    out.write(`${runSummary(result.stats, retries, args.truth, result.truth.faults.length, result.truth.stopped_early, args.url)}\n`);
    if (result.failure) {
      process.stderr.write(`Gave up: ${result.failure}\n`);
      return 1;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function score(args: ScoreArgs): Promise<number> {
  if (!existsSync(args.truth)) throw new UsageError(`--truth ${args.truth}: no such file (run the simulator first, or pass --truth)`);
  const truth = readGroundTruth(args.truth);
  const client = new TelemetryClient({ baseUrl: args.url ?? truth.url, apiKey: args.apiKey });
  const start = Date.parse(truth.started_at);
  const end = Date.parse(truth.ended_at);
  const anomalies = [];
  for (const rover of truth.rovers) anomalies.push(...(await client.anomalyHistory(rover, start, end, args.severityMin)));
  const report = scoreRun(truth, anomalies, args.score);
  out.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${scoreText(report)}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const args = parseCli(argv, Date.now());
  if (args.command === 'help') {
    out.write(`${USAGE}\n`);
    return 0;
  }
  return args.command === 'score' ? score(args) : run(args);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    const expected = error instanceof UsageError || error instanceof ServiceError;
    process.stderr.write(expected ? `${error.message}\n` : `${error.stack ?? error.message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
