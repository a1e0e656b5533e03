/**
 * Cost of the three observability pillars on `POST /api/v1/telemetry`: the same service started
 * twice, once with everything on (metrics, tracing sampled at 100 % and exported over OTLP/HTTP to a
 * local sink, info access logs) and once with everything off (METRICS_ENABLED=false,
 * TRACING_ENABLED=false so the SDK never starts, LOG_LEVEL=silent). Autocannon rounds alternate
 * between the two in one run (the machine is shared and noisy); medians are reported.
 *
 *   npm run bench:observability [-- --rounds 6 --seconds 5 --connections 10 --sample-ratio 1]
 *
 * --sample-ratio is OTEL_TRACES_SAMPLER_ARG of the parentbased_traceidratio sampler (1 = every request traced);
 * --pillars picks which pillars the "on" side runs (to see what each costs).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** The part of autocannon's result used here (the package ships no type declarations). */
interface RoundResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<RoundResult>;

const root = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '6' }, seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '10' }, 'sample-ratio': { type: 'string', default: '1' }, pillars: { type: 'string', default: 'metrics,tracing,logs' } },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);

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

async function startService(env: Record<string, string>): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', './scripts/register-ts.js', '--require', './apps/api/src/instrumentation.ts', 'apps/api/src/main.ts'], {
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

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Mean of astra_observability_overhead_seconds as the service measured it. */
async function selfMeasuredOverheadUs(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return (value('astra_observability_overhead_seconds_sum') / value('astra_observability_overhead_seconds_count')) * 1e6;
}

async function main(): Promise<void> {
  const sink = await otlpSink();
  // Production settings: NODE_ENV=production needs API keys, so the bench runs open with development.
  const pillars = new Set(values.pillars.split(','));
  const on = await startService({ NODE_ENV: 'development', LOG_LEVEL: pillars.has('logs') ? 'info' : 'silent', METRICS_ENABLED: String(pillars.has('metrics')), TRACING_ENABLED: String(pillars.has('tracing')), OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: values['sample-ratio'], OTEL_EXPORTER_OTLP_ENDPOINT: sink.url });
  const off = await startService({ NODE_ENV: 'development', LOG_LEVEL: 'silent', METRICS_ENABLED: 'false', TRACING_ENABLED: 'false' });
  try {
    // Warm-up (JIT, engine state) for both, not measured.
    await round(on.port, 2);
    await round(off.port, 2);
    const results = { on: [] as RoundResult[], off: [] as RoundResult[] };
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first so drift on the shared machine hits both sides alike.
      const order = i % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      for (const side of order) {
        const result = await round(side === 'on' ? on.port : off.port, SECONDS);
        results[side].push(result);
        process.stdout.write(`round ${i + 1} ${side.padEnd(3)} ${result.requests.average.toFixed(0)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  non-2xx ${result.non2xx}\n`);
      }
    }
    const summary = (side: 'on' | 'off') => ({
      requestsPerSecond: median(results[side].map((r) => r.requests.average)),
      p50Ms: median(results[side].map((r) => r.latency.p50)),
      p99Ms: median(results[side].map((r) => r.latency.p99)),
      errors: results[side].reduce((sum, r) => sum + r.non2xx + r.errors, 0),
    });
    const onSummary = summary('on');
    const offSummary = summary('off');
    // The service is single-threaded and saturated: per-request CPU time is 1/throughput.
    const addedUs = (1 / onSummary.requestsPerSecond - 1 / offSummary.requestsPerSecond) * 1e6;
    const report = {
      pillars: values.pillars,
      sampleRatio: Number(values['sample-ratio']),
      rounds: ROUNDS,
      secondsPerRound: SECONDS,
      connections: CONNECTIONS,
      on: onSummary,
      off: offSummary,
      throughputRatio: Number((onSummary.requestsPerSecond / offSummary.requestsPerSecond).toFixed(3)),
      addedMicrosecondsPerRequest: Number(addedUs.toFixed(1)),
      selfMeasuredOverheadMicroseconds: Number((await selfMeasuredOverheadUs(on.port)).toFixed(1)),
      otlpExportsReceived: sink.spans(),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    on.child.kill('SIGTERM');
    off.child.kill('SIGTERM');
    sink.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
