import { RoverFaults, type Fault } from './faults';
import { derivedSeed, seededRandom, type Random } from './random';
import type { ReplaySeries } from './replay';
import { ROVER_CHANNELS, RoverModel, type EnvironmentOptions, type RoverReading } from './rover-model';

/** One frame as POST /api/v1/telemetry takes it. */
export interface TelemetryFrame extends Partial<RoverReading> {
  instance_id: string;
  /** Reading time, epoch ms (simulated clock). */
  timestamp: number;
  channels?: Record<string, number>;
}

export interface FleetOptions {
  rovers: number;
  /** Instance ids are `${prefix}-01`, `${prefix}-02`, ... */
  prefix: string;
  seed: number;
  /** Simulated time between two frames of a rover. */
  intervalMs: number;
  environment: EnvironmentOptions;
  /** Probability that one channel is missing from a frame (sensor dropout). */
  dropoutRate: number;
  faults: readonly Fault[];
  replays: readonly ReplaySeries[];
}

export function roverIds(count: number, prefix: string): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(width, '0')}`);
}

interface Rover {
  id: string;
  model: RoverModel;
  faults: RoverFaults;
  sensors: Random;
  index: number;
}

/**
 * The simulated fleet on one simulated clock: every rover advances one frame interval per tick.
 * Each rover has its own random streams (model, sensors, faults) derived from the seed and its
 * index, so adding a fault or a rover leaves the others' telemetry unchanged.
 */
export class Fleet {
  readonly ids: readonly string[];
  private readonly rovers: Rover[];
  private ticks = 0;

  constructor(private readonly options: FleetOptions) {
    this.ids = roverIds(options.rovers, options.prefix);
    this.rovers = this.ids.map((id, i) => {
      const seed = derivedSeed(options.seed, i);
      return {
        id,
        model: new RoverModel(seededRandom(derivedSeed(seed, 0)), options.environment),
        faults: new RoverFaults(
          options.faults.filter((fault) => fault.rover === id),
          seededRandom(derivedSeed(seed, 1)),
        ),
        sensors: seededRandom(derivedSeed(seed, 2)),
        index: i,
      };
    });
  }

  /** Advances every rover one interval; the frames of the rovers that transmit, stamped `startMs + offset`. */
  tick(startMs: number): TelemetryFrame[] {
    this.ticks++;
    const offsetMs = this.ticks * this.options.intervalMs;
    const frames: TelemetryFrame[] = [];
    for (const rover of this.rovers) {
      const actual = rover.model.step(this.options.intervalMs, rover.faults.disturbance(offsetMs));
      const reading = rover.faults.sense(actual, offsetMs);
      if (rover.faults.silenced(offsetMs)) continue;
      const frame = this.frameOf(rover, reading, startMs + offsetMs);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  private frameOf(rover: Rover, reading: RoverReading, timestamp: number): TelemetryFrame | undefined {
    const frame: TelemetryFrame = { instance_id: rover.id, timestamp };
    let kept = 0;
    for (const channel of ROVER_CHANNELS) {
      if (rover.sensors.uniform() < this.options.dropoutRate) continue;
      frame[channel] = reading[channel];
      kept++;
    }
    if (this.options.replays.length > 0) {
      frame.channels = {};
      for (const series of this.options.replays) {
        // Rovers start evenly spread through the series, so they do not replay in lockstep.
        const start = Math.floor((rover.index * series.values.length) / this.rovers.length);
        frame.channels[series.channel] = series.values[(start + this.ticks) % series.values.length];
        kept++;
      }
    }
    // A frame with every sensor dropped carries nothing the service would accept: it is lost.
    return kept > 0 ? frame : undefined;
  }
}
