/**
 * Fleet simulator, offline: generates the simulator's fleet telemetry (same options, same seed, same
 * frames in the same order and batches as `npm run simulate`) and runs it in process through
 * StreamingAnomalyEngine and the default mission-phase policy (NOMINAL_OPS, no operator feedback),
 * as DetectionService does, then scores the anomalies with the simulator's scorer. No service, no
 * HTTP, no wall clock: a 20-rover, 15-minute demo run takes seconds and is reproducible.
 *
 *   npm run bench:simulator -- --rovers 20 --rate 5 --duration 15m \
 *     --faults apps/simulator/scenarios/demo.yaml --start 2026-11-21T12:00:00Z [--severity-min MEDIUM] [--json]
 *
 * Takes the simulator's run options (--url, --speed, --batch and --truth are accepted and ignored
 * but for batching) plus --severity-min and --json as `simulate -- score` does.
 */
import { StreamingAnomalyEngine, DEFAULT_ALERT_THRESHOLD, type FrameInput } from '../libs/anomaly/src/engine';
import { loadPhasePolicy } from '../libs/anomaly/src/policy/phase-policy';
import { PolicyEngine } from '../libs/anomaly/src/policy/policy-engine';
import { SEVERITY_LEVELS, severityRank, type SeverityLevel } from '../libs/storage/src/store';
import { parseCli, type RunArgs } from '../apps/simulator/src/cli';
import { roverIds, type TelemetryFrame } from '../apps/simulator/src/fleet';
import { ROVER_CHANNELS } from '../apps/simulator/src/rover-model';
import { scoreText } from '../apps/simulator/src/report';
import { faultsForFleet, loadScenario, NOMINAL_SCENARIO } from '../apps/simulator/src/scenario';
import { DEFAULT_SCORE_OPTIONS, scoreRun, type ReportedAnomaly } from '../apps/simulator/src/scorer';
import { runSimulation } from '../apps/simulator/src/simulation';

const NOMINAL_PHASE = 'NOMINAL_OPS';

/** What POST /api/v1/telemetry makes of a simulator frame (TelemetryService's toFrameInput). */
function frameInput(frame: TelemetryFrame): FrameInput {
  const channels: Record<string, number> = {};
  for (const name of ROVER_CHANNELS) {
    const value = frame[name];
    if (value !== undefined) channels[name] = value;
  }
  if (frame.channels) Object.assign(channels, frame.channels);
  return { instanceId: frame.instance_id, timestamp: frame.timestamp, channels };
}

/** Takes --severity-min S and --json off the command line; the rest are the simulator's run options. */
function splitArgs(argv: readonly string[]): { run: string[]; severityMin?: SeverityLevel; json: boolean } {
  const run = [...argv];
  const json = run.includes('--json');
  if (json) run.splice(run.indexOf('--json'), 1);
  const at = run.indexOf('--severity-min');
  const severityMin = at >= 0 ? (run.splice(at, 2)[1] as SeverityLevel) : undefined;
  if (severityMin !== undefined && !SEVERITY_LEVELS.includes(severityMin)) throw new Error(`--severity-min must be one of ${SEVERITY_LEVELS.join(', ')}`);
  return { run, severityMin, json };
}

async function main(): Promise<void> {
  const { run, severityMin, json } = splitArgs(process.argv.slice(2));
  const args = parseCli(['run', ...run], Date.parse('2026-11-21T12:00:00Z'));
  if (args.command !== 'run') throw new Error('usage: see the header of bench/simulator-offline.ts');
  const runArgs: RunArgs = args;
  const scenario = runArgs.faults ? loadScenario(runArgs.faults) : NOMINAL_SCENARIO;
  const faults = faultsForFleet(scenario, roverIds(runArgs.rovers, runArgs.prefix), runArgs.faults ?? 'scenario');

  const engine = new StreamingAnomalyEngine();
  const policy = new PolicyEngine(loadPhasePolicy(), DEFAULT_ALERT_THRESHOLD);
  const threshold = policy.threshold(NOMINAL_PHASE);
  const anomalies: ReportedAnomaly[] = [];
  const byLead = new Map<string, number>();
  let frames = 0;
  let detectNs = 0n;
  let clock = 0;
  const started = performance.now();

  const result = await runSimulation(
    {
      url: 'offline',
      rovers: runArgs.rovers,
      rateHz: runArgs.rateHz,
      durationMs: runArgs.durationMs,
      speed: runArgs.speed,
      batch: runArgs.batch,
      seed: runArgs.seed,
      prefix: runArgs.prefix,
      startMs: runArgs.startMs,
      environment: scenario.environment,
      dropoutRate: scenario.dropoutRate,
      faults,
      scenarioPath: runArgs.faults ?? null,
      replays: [],
    },
    {
      client: {
        sendFrames: async (batch) => {
          let found = 0;
          for (const frame of batch) {
            const input = frameInput(frame);
            const t0 = process.hrtime.bigint();
            const detection = engine.detect(input);
            detectNs += process.hrtime.bigint() - t0;
            frames++;
            // DetectionService's rule in NOMINAL_OPS without feedback.
            if (detection.anomalyType === 'normal' || detection.anomalyScore < threshold) continue;
            const severity = policy.severityLevel(detection.severityScore);
            if (severityMin && severityRank(severity) < severityRank(severityMin)) continue;
            found++;
            const lead = `${detection.anomalyType}/${detection.triggeredChannels[0] ?? '-'}`;
            byLead.set(lead, (byLead.get(lead) ?? 0) + 1);
            anomalies.push({
              anomaly_id: String(anomalies.length),
              instance_id: input.instanceId,
              timestamp: new Date(input.timestamp).toISOString(),
              anomaly_type: detection.anomalyType,
              triggered_channels: detection.triggeredChannels,
            });
          }
          return { anomalies: found };
        },
      },
      // A virtual clock: every wait passes at once, so the run takes as long as the engine does.
      now: () => clock,
      wait: async (ms) => {
        clock += ms;
      },
      stop: new AbortController().signal,
    },
  );
  const report = scoreRun(result.truth, anomalies, DEFAULT_SCORE_OPTIONS);
  if (json) {
    process.stdout.write(`${JSON.stringify({ report, anomaliesByTypeAndLeadChannel: Object.fromEntries(byLead) }, null, 2)}\n`);
    return;
  }
  const wallS = (performance.now() - started) / 1000;
  process.stdout.write(
    `${scoreText(report)}\n\nanomalies by type/lead channel (all, warm-up included): ` +
      `${[...byLead].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}\n` +
      `${frames} frames in ${wallS.toFixed(1)} s (engine ${(Number(detectNs) / 1e3 / frames).toFixed(1)} µs/frame)\n`,
  );
}

void main();
