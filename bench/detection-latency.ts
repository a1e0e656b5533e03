/**
 * In-service detection latency: drives 5-channel rover frames, one frame per call, through the real
 * DetectionService of the real application (engine, phase policy, anomaly memory, feedback bars,
 * memory store; no HTTP) and reports per-frame p50/p99/p99.9. The bar: p99 < 1 ms.
 *
 *   npm run bench:detection
 */
import { loadConfig } from '@astra/config';
import { DetectionService, type FrameInput } from '@astra/anomaly';
import { createApp } from '../apps/api/src/bootstrap';

const ROVERS = 10;
const WARMUP_FRAMES = 5_000;
const MEASURED_FRAMES = 50_000;

/** Deterministic pseudo-telemetry: slow cycle plus a cheap LCG noise; a brownout every 2000 frames. */
function frame(i: number): FrameInput {
  const rover = i % ROVERS;
  const step = Math.floor(i / ROVERS);
  const noise = (seed: number): number => ((Math.imul(i * 7 + seed, 1103515245) + 12345) >>> 0) / 4294967296 - 0.5;
  const brownout = step > 300 && step % 2000 === 1000;
  return {
    instanceId: `rover-${rover}`,
    timestamp: 1_700_000_000_000 + step * 1000,
    channels: {
      voltage: brownout ? 19 : 28 + 0.4 * noise(1),
      current: 1.5 + 0.1 * noise(2),
      temperature: 20 + 3 * Math.sin(step / 600) + noise(3),
      gyro: 0.2 * noise(4),
      wheel_speed: 100 + 4 * noise(5),
    },
  };
}

function percentile(sorted: Float64Array, q: number): number {
  return +sorted[Math.floor(q * (sorted.length - 1))].toFixed(1);
}

async function main(): Promise<void> {
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent' }));
  await app.init();
  const detection = app.get(DetectionService);
  try {
    for (let i = 0; i < WARMUP_FRAMES; i++) await detection.assess([frame(i)]);
    const latenciesUs = new Float64Array(MEASURED_FRAMES);
    let anomalies = 0;
    const started = process.hrtime.bigint();
    for (let i = 0; i < MEASURED_FRAMES; i++) {
      const input = frame(WARMUP_FRAMES + i);
      const t0 = process.hrtime.bigint();
      const [assessment] = await detection.assess([input]);
      latenciesUs[i] = Number(process.hrtime.bigint() - t0) / 1000;
      if (assessment.is_anomaly) anomalies++;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latenciesUs.sort();
    console.log(
      `DetectionService.assess, one 5-channel frame per call, ${ROVERS} rovers, ${MEASURED_FRAMES} frames: ` +
        `p50 ${percentile(latenciesUs, 0.5)} µs, p99 ${percentile(latenciesUs, 0.99)} µs, ` +
        `p99.9 ${percentile(latenciesUs, 0.999)} µs, max ${percentile(latenciesUs, 1)} µs, ` +
        `${Math.round(MEASURED_FRAMES / seconds).toLocaleString('en-US')} frames/s, ${anomalies} anomalies`,
    );
  } finally {
    await app.close();
  }
}

void main();
