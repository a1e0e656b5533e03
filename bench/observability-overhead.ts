/**
 * Cost of the three observability pillars on `POST /api/v1/telemetry`: the same service started
 * with everything on (metrics, tracing exported over OTLP/HTTP to a local sink, info access logs)
 * and with everything off (METRICS_ENABLED=false, TRACING_ENABLED=false so the SDK never starts,
 * LOG_LEVEL=silent). Autocannon rounds alternate between the two in one run; the throughput ratio is
 * the median of the on/off ratios of rounds run back to back, so drift on the shared machine cancels
 * out within a pair.
 *
 * --services starts that many pairs of processes (4 by default). Two processes of the same build
 * and settings differ by several µs per request, at times by 20 or more, for as long as they live
 * (what the JIT happened to inline and optimise); one pair would carry that luck into the result.
 *
 *   npm run bench:observability [-- --rounds 8 --seconds 4 --warmup 10 --connections 10 --sample-ratio 0.1 --services 4]
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
    rounds: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    'sample-ratio': { type: 'string', default: '0.1' },
    pillars: { type: 'string', default: 'metrics,tracing,logs' },
    services: { type: 'string', default: '4' },
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
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', API_KEYS: '', HOST: '127.0.0.1', PORT: String(port), RATE_LIMIT_MAX: '0', ...env },
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
  return autocannon({ url: `http://127.0.0.1:${port}/api/v1/telemetry`, method: 'POST', headers: { 'content-type': 'application/json' }, body: FRAME, connections: CONNECTIONS, duration: seconds });
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
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
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

async function main(): Promise<void> {
  const sink = await otlpSink();
  // Production settings: NODE_ENV=production needs API keys, so the bench runs open with development.
  const pillars = new Set(values.pillars.split(','));
  const ratio = Number(values['sample-ratio']);
  const sampler: Record<string, string> = ratio < 1 ? { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(ratio) } : { OTEL_TRACES_SAMPLER: 'parentbased_always_on' };
  const onEnv = { NODE_ENV: 'development', LOG_LEVEL: pillars.has('logs') ? 'info' : 'silent', METRICS_ENABLED: String(pillars.has('metrics')), TRACING_ENABLED: String(pillars.has('tracing')), ...sampler, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
  const offEnv = { NODE_ENV: 'development', LOG_LEVEL: 'silent', METRICS_ENABLED: 'false', TRACING_ENABLED: 'false' };
  const pairs: { on: Service; off: Service }[] = [];
  try {
    for (let p = 0; p < SERVICES; p++) pairs.push({ on: await startService(onEnv), off: await startService(offEnv) });
    // Warm-up (JIT, engine state) for every process, not measured.
    for (const pair of pairs) {
      await round(pair.on.port, WARMUP_SECONDS);
      await round(pair.off.port, WARMUP_SECONDS);
    }
    const results = { on: [] as Measured[], off: [] as Measured[] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const [p, pair] of pairs.entries()) {
        // Alternate which goes first so drift on the shared machine hits both sides alike.
        const order = (i + p) % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
        for (const side of order) {
          const measured = await measuredRound(pair[side], SECONDS);
          results[side].push(measured);
          const { result } = measured;
          process.stdout.write(`round ${i + 1} pair ${p + 1} ${side.padEnd(3)} ${result.requests.average.toFixed(0)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  cpu ${measured.cpuUsPerRequest.toFixed(0)} µs/request  non-2xx ${result.non2xx}\n`);
        }
      }
    }
    const summary = (side: 'on' | 'off') => ({
      requestsPerSecond: median(results[side].map((m) => m.result.requests.average)),
      p50Ms: median(results[side].map((m) => m.result.latency.p50)),
      p99Ms: median(results[side].map((m) => m.result.latency.p99)),
      cpuUsPerRequest: Number(median(results[side].map((m) => m.cpuUsPerRequest)).toFixed(1)),
      errors: results[side].reduce((sum, m) => sum + m.result.non2xx + m.result.errors, 0),
    });
    const onSummary = summary('on');
    const offSummary = summary('off');
    // Paired per round (on and off ran back to back); the service is saturated, so its time per request is 1/throughput.
    const rounds = results.on.map((on, i) => ({ on: on.result.requests.average, off: results.off[i].result.requests.average }));
    const throughputRatio = median(rounds.map((r) => r.on / r.off));
    const addedUs = median(rounds.map((r) => (1 / r.on - 1 / r.off) * 1e6));
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
      on: onSummary,
      off: offSummary,
      throughputRatio: Number(throughputRatio.toFixed(3)),
      addedMicrosecondsPerRequest: Number(addedUs.toFixed(1)),
      addedCpuMicrosecondsPerRequest: Number((onSummary.cpuUsPerRequest - offSummary.cpuUsPerRequest).toFixed(1)),
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
