/**
 * Cost of the three observability pillars on `POST /api/v1/telemetry`, measured two ways in one run:
 *
 * - restart: the service started with everything on (metrics, tracing exported over OTLP/HTTP to a
 *   local sink, info access logs) against another process started with everything off
 *   (METRICS_ENABLED=false, TRACING_ENABLED=false so the SDK never starts, LOG_LEVEL=silent);
 * - switch: the "on" process against itself with the pillars switched off at runtime (the admin
 *   API's emergency disable and log level). Same process, so what the JIT and the heap happened to
 *   do in it is on both sides; what stays is the cost of the SDK being loaded while off.
 *
 * Autocannon rounds rotate through the three sides (on, switched off, off); each ratio is the median
 * of the ratios of rounds run back to back, so drift on the shared machine cancels out within a pair.
 * Rounds are short (1 s) because that drift is fast: at 4 s it was as large as the effect measured.
 *
 * --services starts that many pairs of processes (2 by default). Two processes of the same build
 * and settings differ by several µs per request, at times by 20 or more, for as long as they live
 * (what the JIT happened to inline and optimise); one pair would carry that luck into the restart
 * ratio. `--pillars none` runs the same settings on both sides: its ratios are the bench's noise.
 *
 *   npm run bench:observability [-- --rounds 24 --seconds 1 --warmup 10 --connections 10 --sample-ratio 0.1 --services 2]
 *
 * --sample-ratio is the ratio of the parentbased_traceidratio sampler; 0.1 (default) is what
 * .env.example and docker-compose.prod.yml ship, 1 runs parentbased_always_on (every request traced).
 * --pillars picks which pillars the "on" side runs (to see what each costs).
 *
 * With two or more CPUs and `taskset`, the services run on the last CPU and this process (autocannon,
 * the OTLP sink) on the others: the load generator then never takes the service's CPU, and the
 * service's own helper threads (garbage collector, thread pool) are charged to it in full. Each side
 * gets a warm-up first (10 s: the JIT keeps optimising the instrumented paths well past 2 s).
 *
 * Besides throughput, each round reads the service's CPU time (utime + stime of all its threads, from
 * /proc/<pid>/stat). Linux only.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateApiKey } from '@astra/security';

/** The part of autocannon's result used here (the package ships no type declarations). */
interface RoundResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<RoundResult>;

const root = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '24' },
    seconds: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    'sample-ratio': { type: 'string', default: '0.1' },
    pillars: { type: 'string', default: 'metrics,tracing,logs' },
    services: { type: 'string', default: '2' },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const WARMUP_SECONDS = Number(values.warmup);
const SERVICES = Number(values.services);

const CPUS = availableParallelism();
const SERVICE_CPU = String(CPUS - 1);
/** Pin this process to all CPUs but the service's (taskset is in util-linux; without it nothing is pinned). */
const PINNED = CPUS >= 2 && spawnSync('taskset', ['-a', '-p', '-c', `0-${CPUS - 2}`, String(process.pid)], { stdio: 'ignore' }).status === 0;

/** Every process runs as in production (NODE_ENV=production, so with API keys): one admin key, which the switch side needs too. */
const ADMIN = generateApiKey('admin');
const AUTH = { 'x-api-key': ADMIN.key };

const FRAME = JSON.stringify({ instance_id: 'bench-rover', voltage: 28.1, temperature: 20.4, gyro: 0.01, current: 1.5, wheel_speed: 100.2 });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Accepts OTLP exports and discards them, as a collector would (the export cost stays in the measurement). */
async function otlpSink(): Promise<{ url: string; close: () => void; spans: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume().on('end', () => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close(), spans: () => requests };
}

interface Service {
  port: number;
  child: ChildProcess;
}

async function startService(env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const command = [process.execPath, '--require', './scripts/register-ts.js', '--require', './apps/api/src/instrumentation.ts', 'apps/api/src/main.ts'];
  const child = spawn(PINNED ? 'taskset' : command[0], PINNED ? ['-c', SERVICE_CPU, ...command] : command.slice(1), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', API_KEYS: ADMIN.entry, HOST: '127.0.0.1', PORT: String(port), RATE_LIMIT_MAX: '0', ...env },
    // Log lines go to /dev/null: written (the cost is measured), not kept.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 300; attempt++) {
    const up = await fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.ok, () => false);
    if (up) return { port, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('service did not start');
}

function round(port: number, seconds: number): Promise<RoundResult> {
  return autocannon({ url: `http://127.0.0.1:${port}/api/v1/telemetry`, method: 'POST', headers: { 'content-type': 'application/json', ...AUTH }, body: FRAME, connections: CONNECTIONS, duration: seconds });
}

/** CPU seconds (user + system, all threads) the process has used so far. */
function cpuSeconds(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th, in clock ticks (100/s on Linux).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Measured {
  result: RoundResult;
  cpuUsPerRequest: number;
}

async function measuredRound(service: Service, seconds: number): Promise<Measured> {
  const cpuBefore = cpuSeconds(service.child.pid!);
  const result = await round(service.port, seconds);
  return { result, cpuUsPerRequest: ((cpuSeconds(service.child.pid!) - cpuBefore) / result.requests.total) * 1e6 };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * astra_observability_overhead_seconds as the service measured it: the mean, and the median read from
 * the buckets (linear within the bucket). On a shared machine the mean carries the rare preemptions
 * that land inside the measured code; the median does not.
 */
async function selfMeasuredOverheadUs(port: number): Promise<{ mean: number; median: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: AUTH })).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const count = value('astra_observability_overhead_seconds_count');
  const buckets = [...text.matchAll(/^astra_observability_overhead_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)].map(([, le, n]) => ({ le: Number(le), n: Number(n) }));
  let median = NaN;
  for (let i = 0, previous = { le: 0, n: 0 }; i < buckets.length; previous = buckets[i++]) {
    if (buckets[i].n < count / 2) continue;
    median = Number.isFinite(buckets[i].le) ? previous.le + ((buckets[i].le - previous.le) * (count / 2 - previous.n)) / (buckets[i].n - previous.n) : previous.le;
    break;
  }
  return { mean: (value('astra_observability_overhead_seconds_sum') / count) * 1e6, median: median * 1e6 };
}

/** The pillars a process runs: the on side's set, or none. */
interface Switches {
  metrics: boolean;
  tracing: boolean;
  logLevel: 'info' | 'silent';
}

/** Switches the pillars of a running service through its admin API (what an operator's emergency disable does). */
async function applySwitches(service: Service, switches: Switches): Promise<void> {
  const put = async (route: string, body: object) => {
    const response = await fetch(`http://127.0.0.1:${service.port}/api/v1/admin/${route}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...AUTH }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`PUT ${route} answered ${response.status}: ${await response.text()}`);
  };
  await put('observability', { metrics: switches.metrics, tracing: switches.tracing });
  await put('log-level', { level: switches.logLevel });
}

type Side = 'on' | 'switchedOff' | 'off';
/** Rotated per round and pair, so each side runs before and after each other side equally often. */
const SIDES: readonly Side[] = ['on', 'switchedOff', 'off'];

/** Ratio and added time per request of `on` against `off`, from rounds run back to back. */
function comparison(on: Measured[], off: Measured[]) {
  const rounds = on.map((m, i) => ({ on: m.result.requests.average, off: off[i].result.requests.average }));
  return {
    throughputRatio: Number(median(rounds.map((r) => r.on / r.off)).toFixed(3)),
    // The service is saturated, so its time per request is 1/throughput.
    addedMicrosecondsPerRequest: Number(median(rounds.map((r) => (1 / r.on - 1 / r.off) * 1e6)).toFixed(1)),
    addedCpuMicrosecondsPerRequest: Number((median(on.map((m) => m.cpuUsPerRequest)) - median(off.map((m) => m.cpuUsPerRequest))).toFixed(1)),
  };
}

async function main(): Promise<void> {
  const sink = await otlpSink();
  const pillars = new Set(values.pillars.split(','));
  const ratio = Number(values['sample-ratio']);
  const sampler: Record<string, string> = ratio < 1 ? { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(ratio) } : { OTEL_TRACES_SAMPLER: 'parentbased_always_on' };
  const onSwitches: Switches = { metrics: pillars.has('metrics'), tracing: pillars.has('tracing'), logLevel: pillars.has('logs') ? 'info' : 'silent' };
  const offSwitches: Switches = { metrics: false, tracing: false, logLevel: 'silent' };
  const onEnv = { LOG_LEVEL: onSwitches.logLevel, METRICS_ENABLED: String(onSwitches.metrics), TRACING_ENABLED: String(onSwitches.tracing), ...sampler, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
  const offEnv = { LOG_LEVEL: 'silent', METRICS_ENABLED: 'false', TRACING_ENABLED: 'false' };
  const pairs: { on: Service; off: Service }[] = [];
  /** The on process of the pair, switched as the side needs, or the off process. */
  const serviceFor = async (pair: { on: Service; off: Service }, side: Side): Promise<Service> => {
    if (side === 'off') return pair.off;
    await applySwitches(pair.on, side === 'on' ? onSwitches : offSwitches);
    return pair.on;
  };
  try {
    for (let p = 0; p < SERVICES; p++) pairs.push({ on: await startService(onEnv), off: await startService(offEnv) });
    // Warm-up (JIT, engine state), not measured: both states of the on process, and the off process as
    // long as the on process in all (warmed half as long, it ran about 5 % slower in an A/A run).
    for (const pair of pairs) {
      for (const side of SIDES) await round((await serviceFor(pair, side)).port, side === 'off' ? 2 * WARMUP_SECONDS : WARMUP_SECONDS);
    }
    const results: Record<Side, Measured[]> = { on: [], switchedOff: [], off: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const [p, pair] of pairs.entries()) {
        // Rotate which goes first so drift on the shared machine hits every side alike.
        const first = (i + p) % SIDES.length;
        for (const side of [...SIDES.slice(first), ...SIDES.slice(0, first)]) {
          const measured = await measuredRound(await serviceFor(pair, side), SECONDS);
          results[side].push(measured);
          const { result } = measured;
          process.stdout.write(`round ${i + 1} pair ${p + 1} ${side.padEnd(11)} ${result.requests.average.toFixed(0)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  cpu ${measured.cpuUsPerRequest.toFixed(0)} µs/request  non-2xx ${result.non2xx}\n`);
        }
      }
    }
    const summary = (side: Side) => ({
      requestsPerSecond: median(results[side].map((m) => m.result.requests.average)),
      p50Ms: median(results[side].map((m) => m.result.latency.p50)),
      p99Ms: median(results[side].map((m) => m.result.latency.p99)),
      cpuUsPerRequest: Number(median(results[side].map((m) => m.cpuUsPerRequest)).toFixed(1)),
      errors: results[side].reduce((sum, m) => sum + m.result.non2xx + m.result.errors, 0),
    });
    await applySwitches(pairs[0].on, onSwitches);
    const selfMeasured = await selfMeasuredOverheadUs(pairs[0].on.port);
    const report = {
      pillars: values.pillars,
      sampler: sampler.OTEL_TRACES_SAMPLER,
      sampleRatio: ratio,
      rounds: ROUNDS,
      secondsPerRound: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      servicePairs: SERVICES,
      pinned: PINNED ? `service on CPU ${SERVICE_CPU}, load generator on the others` : 'no',
      on: summary('on'),
      switchedOff: summary('switchedOff'),
      off: summary('off'),
      // On against a process started with everything off.
      restart: comparison(results.on, results.off),
      // On against the same process with everything switched off at runtime.
      switch: comparison(results.on, results.switchedOff),
      selfMeasuredOverheadMicroseconds: { mean: Number(selfMeasured.mean.toFixed(1)), median: Number(selfMeasured.median.toFixed(1)) },
      otlpExportsReceived: sink.spans(),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    for (const pair of pairs) for (const service of [pair.on, pair.off]) service.child.kill('SIGTERM');
    sink.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
