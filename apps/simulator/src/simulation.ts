import { ServiceError, type TelemetryClient, type Wait } from './client';
import type { Fault } from './faults';
import { Fleet, type TelemetryFrame } from './fleet';
import { GROUND_TRUTH_FORMAT, truthFaults, type GroundTruth } from './ground-truth';
import type { ReplaySeries } from './replay';
import type { EnvironmentOptions } from './rover-model';

export interface SimulationOptions {
  url: string;
  rovers: number;
  /** Frames per second per rover, in simulated time. */
  rateHz: number;
  /** Simulated time to run. */
  durationMs: number;
  /** Simulated seconds per wall-clock second. */
  speed: number;
  batch: number;
  seed: number;
  prefix: string;
  /** Reading time of the run's start, epoch ms. */
  startMs: number;
  environment: EnvironmentOptions;
  dropoutRate: number;
  /** The scenario's faults on this fleet (see faultsForFleet). */
  faults: readonly Fault[];
  /** Where the scenario came from, for the ground truth (null: no faults). */
  scenarioPath: string | null;
  replays: readonly ReplaySeries[];
}

export interface RunStats {
  /** Simulated time generated so far and in total. */
  simulatedMs: number;
  durationMs: number;
  wallMs: number;
  framesSent: number;
  framesFailed: number;
  requests: number;
  anomalies: number;
  lastError?: string;
}

export interface SimulationPorts {
  client: Pick<TelemetryClient, 'sendFrames'>;
  now: () => number;
  wait: Wait;
  /** Aborted on Ctrl-C: stop generating, send what is pending, write the truth. */
  stop: AbortSignal;
  onProgress?: (stats: RunStats) => void;
}

export interface SimulationResult {
  stats: RunStats;
  truth: GroundTruth;
  /** Why the run gave up early (refused credentials, the service failing request after request). */
  failure?: string;
}

/** Statuses after which sending more is pointless: the caller is not allowed in. */
const FATAL_STATUSES = new Set([401, 403]);
/** Requests in a row that fail (after their retries) before the run gives up. */
const MAX_CONSECUTIVE_FAILURES = 3;
const PROGRESS_EVERY_MS = 1000;

/**
 * Streams the fleet's telemetry on the simulated clock: tick k carries reading time
 * start + k × interval and is due at wall time k × interval / speed. Frames go out in batches, one
 * request at a time so every rover's frames reach the engine in order; when the service is slower
 * than the schedule the run falls behind and catches up in full batches.
 */
export async function runSimulation(options: SimulationOptions, ports: SimulationPorts): Promise<SimulationResult> {
  const intervalMs = 1000 / options.rateHz;
  const fleet = new Fleet({
    rovers: options.rovers,
    prefix: options.prefix,
    seed: options.seed,
    intervalMs,
    environment: options.environment,
    dropoutRate: options.dropoutRate,
    faults: options.faults,
    replays: options.replays,
  });
  const totalTicks = Math.floor(options.durationMs / intervalMs);
  const wallStart = ports.now();
  const stats: RunStats = { simulatedMs: 0, durationMs: options.durationMs, wallMs: 0, framesSent: 0, framesFailed: 0, requests: 0, anomalies: 0 };
  const pending: TelemetryFrame[] = [];
  let consecutiveFailures = 0;
  let lastProgress = wallStart;
  let ticks = 0;
  let fatal: string | undefined;

  const send = async (frames: TelemetryFrame[]) => {
    stats.requests++;
    try {
      const { anomalies } = await ports.client.sendFrames(frames);
      stats.framesSent += frames.length;
      stats.anomalies += anomalies;
      consecutiveFailures = 0;
    } catch (error) {
      stats.framesFailed += frames.length;
      stats.lastError = (error as Error).message;
      consecutiveFailures++;
      if (error instanceof ServiceError && error.status !== undefined && FATAL_STATUSES.has(error.status)) fatal = error.message;
      else if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) fatal = `${consecutiveFailures} requests in a row failed; last: ${stats.lastError}`;
    }
  };
  const report = (force = false) => {
    const now = ports.now();
    stats.wallMs = now - wallStart;
    stats.simulatedMs = ticks * intervalMs;
    if (force || now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      ports.onProgress?.({ ...stats });
    }
  };

  while (ticks < totalTicks && !ports.stop.aborted && !fatal) {
    const dueAt = wallStart + ((ticks + 1) * intervalMs) / options.speed;
    if (ports.now() >= dueAt) {
      ticks++;
      pending.push(...fleet.tick(options.startMs));
      while (pending.length >= options.batch && !fatal) await send(pending.splice(0, options.batch));
    } else {
      // Caught up with the schedule: deliver what is pending, then sleep until the next tick.
      if (pending.length > 0) await send(pending.splice(0));
      // Ctrl-C ends the sleep early (the wait rejects); the loop condition then stops the run.
      else await ports.wait(Math.max(0, dueAt - ports.now()), ports.stop).catch(() => undefined);
    }
    report();
  }
  while (pending.length > 0 && !fatal) await send(pending.splice(0, options.batch));
  if (fatal) stats.framesFailed += pending.length;
  report(true);

  const endOffsetMs = ticks * intervalMs;
  const truth: GroundTruth = {
    format: GROUND_TRUTH_FORMAT,
    url: options.url,
    scenario: options.scenarioPath,
    seed: options.seed,
    rate_hz: options.rateHz,
    speed: options.speed,
    rovers: [...fleet.ids],
    replay_channels: options.replays.map((series) => series.channel),
    started_at: new Date(options.startMs).toISOString(),
    ended_at: new Date(options.startMs + endOffsetMs).toISOString(),
    stopped_early: ticks < totalTicks,
    frames_sent: stats.framesSent,
    frames_failed: stats.framesFailed,
    faults: truthFaults(options.faults, options.startMs, endOffsetMs),
  };
  return { stats, truth, ...(fatal ? { failure: fatal } : {}) };
}
