import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDuration } from './duration';
import { DEFAULT_SCORE_OPTIONS, type ScoreOptions } from './scorer';
import { UsageError } from './usage-error';

export const USAGE = `AstraGuard fleet simulator

  npm run simulate -- [run] [options]      stream a simulated rover fleet to the service
  npm run simulate -- score [options]      score the service's anomalies against a run's ground truth

run options
  --url URL          service base URL                          (default http://localhost:8000)
  --rovers N         rovers in the fleet, 1-1000               (default 10)
  --rate HZ          frames per second per rover, 0.01-100     (default 1)
  --duration D       simulated time to run, e.g. 90s, 10m, 1h  (default 10m)
  --speed X          simulated seconds per real second          (default 1)
  --faults FILE      fault scenario (YAML), e.g. apps/simulator/scenarios/demo.yaml
  --truth FILE       where to write the ground truth           (default simulator-truth.json)
  --replay FILE      replay a time,value CSV as an extra channel of every rover (repeatable)
  --batch N          frames per request, 1-10000 (1 uses the single-frame route) (default 100)
  --api-key KEY      sent as X-API-Key
  --seed N           random seed; same seed, same telemetry   (default 1)
  --start TIME       reading time of the start, ISO-8601      (default now)
  --prefix P         instance ids are P-01, P-02, ...          (default rover)

score options
  --truth FILE       ground truth written by a run             (default simulator-truth.json)
  --url URL          service base URL                          (default the run's)
  --api-key KEY      sent as X-API-Key
  --grace D          anomalies this long after a fault still count for it (default 1m)
  --warmup D         alarms in the run's first D are not counted as false (default 2m)
  --episode-gap D    false alarms of a rover closer than D are one episode (default 1m)
  --severity-min S   count only anomalies at or above LOW, MEDIUM, HIGH or CRITICAL
  --json             print the full report as JSON`;

export interface RunArgs {
  command: 'run';
  url: string;
  rovers: number;
  rateHz: number;
  durationMs: number;
  speed: number;
  faults?: string;
  truth: string;
  replay: string[];
  batch: number;
  apiKey?: string;
  seed: number;
  startMs: number;
  prefix: string;
}

export interface ScoreArgs {
  command: 'score';
  truth: string;
  url?: string;
  apiKey?: string;
  score: ScoreOptions;
  severityMin?: string;
  json: boolean;
}

export type CliArgs = RunArgs | ScoreArgs | { command: 'help' };

const RUN_OPTIONS = {
  url: { type: 'string' },
  rovers: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  speed: { type: 'string' },
  faults: { type: 'string' },
  truth: { type: 'string' },
  replay: { type: 'string', multiple: true },
  batch: { type: 'string' },
  'api-key': { type: 'string' },
  seed: { type: 'string' },
  start: { type: 'string' },
  prefix: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const SCORE_OPTIONS = {
  truth: { type: 'string' },
  url: { type: 'string' },
  'api-key': { type: 'string' },
  grace: { type: 'string' },
  warmup: { type: 'string' },
  'episode-gap': { type: 'string' },
  'severity-min': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const DEFAULT_TRUTH_FILE = 'simulator-truth.json';
const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

function integer(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got '${text}')`);
  return value;
}

function decimal(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`--${flag} must be a number from ${min} to ${max} (got '${text}')`);
  return value;
}

function duration(flag: string, text: string | undefined, fallback: number, allowZero: boolean): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || (!allowZero && ms === 0)) throw new UsageError(`--${flag} must be a duration such as 90s, 10m or 1h30m${allowZero ? '' : ' (above 0)'} (got '${text}')`);
  return ms;
}

function url(text: string | undefined, fallback?: string): string | undefined {
  if (text === undefined) return fallback;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UsageError(`--url must be an http(s) URL such as http://localhost:8000 (got '${text}')`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url must use http or https (got '${text}')`);
  return text.replace(/\/+$/, '');
}

function nonEmpty(flag: string, text: string | undefined): string | undefined {
  if (text !== undefined && text.trim() === '') throw new UsageError(`--${flag} must not be empty`);
  return text;
}

function parse<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    // node:util names the offending flag; its advice on positional arguments does not apply here.
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${message}\nRun with --help for the options.`);
  }
}

/** Parses the command line (without node and the script); every bad value is a UsageError naming its flag. */
export function parseCli(argv: readonly string[], now: number): CliArgs {
  const [first, ...rest] = argv;
  const command = first === 'score' || first === 'run' || first === 'help' ? first : 'run';
  const args = command === first ? rest : [...argv];
  if (command === 'help') return { command: 'help' };

  if (command === 'score') {
    const { values } = parse(args, SCORE_OPTIONS);
    if (values.help) return { command: 'help' };
    const severity = values['severity-min'];
    if (severity !== undefined && !SEVERITIES.includes(severity)) throw new UsageError(`--severity-min must be one of ${SEVERITIES.join(', ')} (got '${severity}')`);
    return {
      command: 'score',
      truth: nonEmpty('truth', values.truth) ?? DEFAULT_TRUTH_FILE,
      url: url(values.url),
      apiKey: nonEmpty('api-key', values['api-key']),
      score: {
        graceMs: duration('grace', values.grace, DEFAULT_SCORE_OPTIONS.graceMs, true),
        warmupMs: duration('warmup', values.warmup, DEFAULT_SCORE_OPTIONS.warmupMs, true),
        episodeGapMs: duration('episode-gap', values['episode-gap'], DEFAULT_SCORE_OPTIONS.episodeGapMs, true),
      },
      severityMin: severity,
      json: values.json ?? false,
    };
  }

  const { values } = parse(args, RUN_OPTIONS);
  if (values.help) return { command: 'help' };
  let startMs = now;
  if (values.start !== undefined) {
    startMs = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(values.start) ? Date.parse(values.start) : NaN;
    if (Number.isNaN(startMs)) throw new UsageError(`--start must be an ISO-8601 time with a zone, e.g. 2026-11-21T10:00:00Z (got '${values.start}')`);
  }
  const prefix = values.prefix ?? 'rover';
  if (!/^[A-Za-z0-9._:-]{1,56}$/.test(prefix)) throw new UsageError(`--prefix must be 1-56 characters of A-Z a-z 0-9 . _ : - (got '${prefix}')`);
  return {
    command: 'run',
    url: url(values.url, 'http://localhost:8000')!,
    rovers: integer('rovers', values.rovers, 10, 1, 1000),
    rateHz: decimal('rate', values.rate, 1, 0.01, 100),
    durationMs: duration('duration', values.duration, 10 * 60_000, false),
    speed: decimal('speed', values.speed, 1, 0.01, 10_000),
    faults: nonEmpty('faults', values.faults),
    truth: nonEmpty('truth', values.truth) ?? DEFAULT_TRUTH_FILE,
    replay: values.replay ?? [],
    batch: integer('batch', values.batch, 100, 1, 10_000),
    apiKey: nonEmpty('api-key', values['api-key']),
    seed: integer('seed', values.seed, 1, 0, 2 ** 31 - 1),
    startMs,
    prefix,
  };
}
