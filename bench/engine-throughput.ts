/**
 * Engine throughput: single-channel readings per second through ChannelDetector.update (median of
 * several runs, the machine is shared), and per-frame latency (p50/p99) of
 * StreamingAnomalyEngine.detect on 5-channel rover frames.
 *
 *   npm run bench:engine
 */
import { ChannelDetector, DEFAULT_CHANNEL_OPTIONS, StreamingAnomalyEngine } from '../libs/anomaly/src/engine';

const CHANNEL_READINGS = 2_000_000;
const CHANNEL_RUNS = 5;
const FRAMES = 200_000;

/** Deterministic pseudo-telemetry: daily-ish cycle plus a cheap LCG noise. */
function signal(i: number, seed: number): number {
  const noise = ((Math.imul(i + seed, 1103515245) + 12345) >>> 0) / 4294967296 - 0.5;
  return Math.sin(i / 500 + seed) + 0.2 * noise;
}

function singleChannel(values: Float64Array): number {
  const detector = new ChannelDetector(DEFAULT_CHANNEL_OPTIONS);
  for (let i = 0; i < 100_000; i++) detector.update(values[i], i * 1000); // JIT warm-up
  const started = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < CHANNEL_READINGS; i++) sink += detector.update(values[i], (i + 100_000) * 1000).score;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the loop from being optimised away');
  return CHANNEL_READINGS / seconds;
}

function frameLatency(): { p50Us: number; p99Us: number; p999Us: number; framesPerSecond: number } {
  const engine = new StreamingAnomalyEngine();
  const frames = Array.from({ length: FRAMES }, (_, i) => ({
    instanceId: 'rover-1',
    timestamp: 1_700_000_000_000 + i * 1000,
    channels: {
      voltage: 28 + signal(i, 1),
      current: 5 + signal(i, 2),
      temperature: 20 + 5 * signal(i, 3),
      wheel_speed: 100 + 3 * signal(i, 4),
      cpu_usage: 40 + 10 * signal(i, 5),
    },
  }));
  const latencies = new Float64Array(FRAMES);
  const started = process.hrtime.bigint();
  for (let i = 0; i < FRAMES; i++) {
    const t0 = process.hrtime.bigint();
    engine.detect(frames[i]);
    latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Latency percentiles over the steady state (after the first 10 % of frames).
  const steady = latencies.slice(FRAMES / 10).sort();
  const at = (q: number): number => +steady[Math.floor(q * (steady.length - 1))].toFixed(1);
  return { p50Us: at(0.5), p99Us: at(0.99), p999Us: at(0.999), framesPerSecond: Math.round(FRAMES / seconds) };
}

const values = Float64Array.from({ length: CHANNEL_READINGS }, (_, i) => 28 + signal(i, 1));
const runs = Array.from({ length: CHANNEL_RUNS }, () => singleChannel(values)).sort((a, b) => a - b);
const perSecond = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(
  `ChannelDetector.update: median ${perSecond(runs[CHANNEL_RUNS >> 1])} readings/s over ${CHANNEL_RUNS} runs ` +
    `(min ${perSecond(runs[0])}, max ${perSecond(runs[CHANNEL_RUNS - 1])}; single channel, one core)`,
);
const frames = frameLatency();
console.log(
  `StreamingAnomalyEngine.detect, 5-channel frames: ${frames.framesPerSecond.toLocaleString('en-US')} frames/s, ` +
    `p50 ${frames.p50Us} µs, p99 ${frames.p99Us} µs, p99.9 ${frames.p999Us} µs`,
);
