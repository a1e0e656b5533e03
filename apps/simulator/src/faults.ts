import type { Random } from './random';
import { NO_DISTURBANCE, ROVER_CHANNELS, type Disturbance, type RoverChannel, type RoverReading } from './rover-model';

export const FAULT_TYPES = [
  'battery_degradation',
  'thermal_runaway',
  'gyro_drift',
  'gyro_noise_burst',
  'stuck_sensor',
  'wheel_slip',
  'current_surge',
  'comms_gap',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** One scripted fault on one rover, in simulated time from the start of the run. */
export interface Fault {
  type: FaultType;
  rover: string;
  startMs: number;
  durationMs: number;
  /** In the fault's unit (FAULT_KINDS); 0 for faults that have no magnitude. */
  magnitude: number;
  /** stuck_sensor: the channel that flat-lines. */
  channel?: RoverChannel;
}

export interface FaultKind {
  /** What the magnitude means; undefined when the fault has none. */
  magnitude?: { unit: string; meaning: string; default: number; max: number };
  /** The service's anomaly types that name this fault correctly. */
  expectedAnomalyTypes: readonly string[];
  /** Channels whose telemetry the fault changes (stuck_sensor: the channel it names). */
  channels: readonly RoverChannel[];
}

export const FAULT_KINDS: Readonly<Record<FaultType, FaultKind>> = Object.freeze({
  battery_degradation: {
    magnitude: { unit: 'V', meaning: 'battery voltage lost by the end, drifting down linearly', default: 2.5, max: 10 },
    expectedAnomalyTypes: ['power_fault'],
    channels: ['voltage'],
  },
  thermal_runaway: {
    magnitude: { unit: '°C', meaning: 'heat added by the end, accelerating', default: 40, max: 120 },
    expectedAnomalyTypes: ['thermal_fault'],
    channels: ['temperature'],
  },
  gyro_drift: {
    magnitude: { unit: 'rad/s', meaning: 'gyro bias reached by the end, growing linearly', default: 0.05, max: 1 },
    expectedAnomalyTypes: ['attitude_fault'],
    channels: ['gyro'],
  },
  gyro_noise_burst: {
    magnitude: { unit: 'rad/s', meaning: 'standard deviation of the added gyro noise', default: 0.05, max: 1 },
    expectedAnomalyTypes: ['attitude_fault'],
    channels: ['gyro'],
  },
  stuck_sensor: { expectedAnomalyTypes: ['sensor_fault'], channels: [] },
  wheel_slip: {
    magnitude: { unit: '', meaning: 'fractional rise of wheel speed (0.6 = +60 %); the motor current falls with the lost traction', default: 0.6, max: 3 },
    expectedAnomalyTypes: ['mobility_fault'],
    channels: ['wheel_speed', 'current'],
  },
  current_surge: {
    magnitude: { unit: 'A', meaning: 'extra bus current; the voltage sags through the battery resistance', default: 6, max: 40 },
    expectedAnomalyTypes: ['power_fault'],
    channels: ['current', 'voltage'],
  },
  comms_gap: { expectedAnomalyTypes: ['communication_fault'], channels: [] },
});

export const DEFAULT_STUCK_CHANNEL: RoverChannel = 'temperature';

/** The channels a fault shows on: its kind's, or for a stuck sensor the one it names. */
export function faultChannels(type: FaultType, channel?: string): readonly string[] {
  return type === 'stuck_sensor' ? [channel ?? DEFAULT_STUCK_CHANNEL] : FAULT_KINDS[type].channels;
}

/** How far through its duration a fault is at `offsetMs`, or undefined when it is not active. */
function progressOf(fault: Fault, offsetMs: number): number | undefined {
  const into = offsetMs - fault.startMs;
  return into >= 0 && into < fault.durationMs ? into / fault.durationMs : undefined;
}

/** Grows from 0 to 1 ever faster, as a runaway does: (e^{kp} - 1) / (e^k - 1). */
function accelerating(progress: number): number {
  const k = 3;
  return Math.expm1(k * progress) / Math.expm1(k);
}

/**
 * The faults of one rover, applied at two points: physical faults disturb the model before it
 * steps (so a current surge also sags the voltage), sensor faults change what is reported, and a
 * comms gap silences the rover. Stateful only for stuck sensors (the value they froze at).
 */
export class RoverFaults {
  private readonly frozen = new Map<Fault, number>();
  private lastReading: RoverReading | undefined;

  constructor(
    private readonly faults: readonly Fault[],
    private readonly random: Random,
  ) {}

  disturbance(offsetMs: number): Disturbance {
    let d: Disturbance | undefined;
    for (const fault of this.faults) {
      const p = progressOf(fault, offsetMs);
      if (p === undefined) continue;
      d ??= { ...NO_DISTURBANCE };
      if (fault.type === 'battery_degradation') d.batteryVoltageLossV += fault.magnitude * p;
      else if (fault.type === 'thermal_runaway') d.extraHeatC += fault.magnitude * accelerating(p);
      else if (fault.type === 'current_surge') d.extraCurrentA += fault.magnitude;
      else if (fault.type === 'wheel_slip') {
        d.wheelSlip += fault.magnitude;
        d.keepDriving = true;
      }
    }
    return d ?? NO_DISTURBANCE;
  }

  /** What the sensors report, given what the rover really did. */
  sense(reading: RoverReading, offsetMs: number): RoverReading {
    const healthy = reading;
    let sensed = reading;
    for (const fault of this.faults) {
      const p = progressOf(fault, offsetMs);
      if (p === undefined) {
        this.frozen.delete(fault);
        continue;
      }
      if (fault.type === 'gyro_drift') sensed = { ...sensed, gyro: round(sensed.gyro + fault.magnitude * p, 5) };
      else if (fault.type === 'gyro_noise_burst') sensed = { ...sensed, gyro: round(sensed.gyro + this.random.gaussian(fault.magnitude), 5) };
      else if (fault.type === 'stuck_sensor') {
        const channel = fault.channel ?? DEFAULT_STUCK_CHANNEL;
        if (!this.frozen.has(fault)) this.frozen.set(fault, (this.lastReading ?? healthy)[channel]);
        sensed = { ...sensed, [channel]: this.frozen.get(fault) };
      }
    }
    this.lastReading = healthy;
    return sensed;
  }

  /** True while a comms gap keeps the rover from transmitting. */
  silenced(offsetMs: number): boolean {
    return this.faults.some((fault) => fault.type === 'comms_gap' && progressOf(fault, offsetMs) !== undefined);
  }
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

export const isRoverChannel = (name: unknown): name is RoverChannel => (ROVER_CHANNELS as readonly unknown[]).includes(name);
