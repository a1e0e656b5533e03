import { readFileSync, writeFileSync } from 'node:fs';
import { FAULT_TYPES, type Fault, type FaultType } from './faults';
import { UsageError } from './usage-error';

export const GROUND_TRUTH_FORMAT = 'astraguard-simulator-truth/1';

/** One fault that really happened during the run, in simulated reading time. */
export interface TruthFault {
  rover: string;
  type: FaultType;
  /** ISO-8601 reading times. */
  start: string;
  end: string;
  magnitude: number;
  channel?: string;
  /** The run stopped before the fault's scripted end. */
  truncated?: boolean;
}

/** What a run did, written next to the telemetry so the service's findings can be scored. */
export interface GroundTruth {
  format: typeof GROUND_TRUTH_FORMAT;
  url: string;
  scenario: string | null;
  seed: number;
  rate_hz: number;
  speed: number;
  rovers: string[];
  /** Extra channels replayed from recorded data (alarms on them are not simulated faults). */
  replay_channels: string[];
  /** Reading time of the first frame slot and of the last frame generated. */
  started_at: string;
  ended_at: string;
  stopped_early: boolean;
  frames_sent: number;
  frames_failed: number;
  faults: TruthFault[];
}

/** The faults that started before `endMs` (run offset), clipped to it. */
export function truthFaults(faults: readonly Fault[], startMs: number, endOffsetMs: number): TruthFault[] {
  return faults
    .filter((fault) => fault.startMs < endOffsetMs)
    .map((fault) => {
      const endMs = Math.min(fault.startMs + fault.durationMs, endOffsetMs);
      return {
        rover: fault.rover,
        type: fault.type,
        start: new Date(startMs + fault.startMs).toISOString(),
        end: new Date(startMs + endMs).toISOString(),
        magnitude: fault.magnitude,
        ...(fault.channel && fault.type === 'stuck_sensor' ? { channel: fault.channel } : {}),
        ...(endMs < fault.startMs + fault.durationMs ? { truncated: true } : {}),
      };
    });
}

export function writeGroundTruth(path: string, truth: GroundTruth): void {
  writeFileSync(path, `${JSON.stringify(truth, null, 2)}\n`);
}

const isIso = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/** Reads a ground-truth file, refusing one that is not from this simulator (or is damaged). */
export function readGroundTruth(path: string): GroundTruth {
  let truth: GroundTruth;
  try {
    truth = JSON.parse(readFileSync(path, 'utf8')) as GroundTruth;
  } catch (error) {
    throw new UsageError(`--truth ${path}: ${(error as Error).message}`);
  }
  const problem =
    truth?.format !== GROUND_TRUTH_FORMAT
      ? `format is not ${GROUND_TRUTH_FORMAT}`
      : !Array.isArray(truth.rovers) || truth.rovers.length === 0 || !truth.rovers.every((id) => typeof id === 'string')
        ? 'rovers must be a non-empty list of instance ids'
        : !isIso(truth.started_at) || !isIso(truth.ended_at) || Date.parse(truth.ended_at) < Date.parse(truth.started_at)
          ? 'started_at and ended_at must be ISO times in order'
          : !Array.isArray(truth.replay_channels)
            ? 'replay_channels must be a list'
            : !Array.isArray(truth.faults) ||
                !truth.faults.every((f) => truth.rovers.includes(f.rover) && FAULT_TYPES.includes(f.type) && isIso(f.start) && isIso(f.end))
              ? 'every fault needs a rover of the run, a known type and ISO start/end'
              : undefined;
  if (problem) throw new UsageError(`--truth ${path}: not a simulator ground-truth file: ${problem}`);
  return truth;
}
