import type { Random } from './random';

/** What a rover's sensors report in one frame: the five named channels of the service. */
export interface RoverReading {
  /** Battery bus voltage, V. */
  voltage: number;
  /** Avionics box temperature, °C. */
  temperature: number;
  /** Yaw rate, rad/s. */
  gyro: number;
  /** Total bus current, A. */
  current: number;
  /** Wheel speed magnitude, rpm. */
  wheel_speed: number;
}
export type RoverChannel = keyof RoverReading;
export const ROVER_CHANNELS: readonly RoverChannel[] = ['voltage', 'temperature', 'gyro', 'current', 'wheel_speed'];

/** Physical effects of a fault on the rover itself (sensor-side faults are applied to the reading). */
export interface Disturbance {
  /** Open-circuit voltage lost to cell degradation, V. */
  batteryVoltageLossV: number;
  /** Extra current drawn from the bus (short circuit, jammed actuator), A. */
  extraCurrentA: number;
  /** Heat added to the avionics box beyond its thermal balance (runaway), °C. */
  extraHeatC: number;
  /** Wheel slip as the fractional rise of wheel speed; the motor loses load in proportion. */
  wheelSlip: number;
  /** Keep the rover driving: slip only exists while the wheels turn. */
  keepDriving: boolean;
}
export const NO_DISTURBANCE: Readonly<Disturbance> = Object.freeze({
  batteryVoltageLossV: 0,
  extraCurrentA: 0,
  extraHeatC: 0,
  wheelSlip: 0,
  keepDriving: false,
});

export interface EnvironmentOptions {
  /** Length of a day, ms (a Mars sol by default; scenarios may compress it for demos). */
  dayLengthMs: number;
  /** Local time of day at the start of the run, as a fraction of the day (0.25 = 06:00). */
  startTimeOfDay: number;
}
export const MARS_SOL_MS = 88_775_244;
export const DEFAULT_ENVIRONMENT: Readonly<EnvironmentOptions> = Object.freeze({ dayLengthMs: MARS_SOL_MS, startTimeOfDay: 0.4 });

/** Sensor noise (standard deviations) and resolution: what a healthy rover's telemetry looks like. */
const NOISE = { voltage: 0.02, temperature: 0.08, gyro: 0.002, current: 0.02, wheel_speed: 0.8 };
/** Decimal places each sensor reports. */
const DECIMALS = { voltage: 3, temperature: 2, gyro: 5, current: 3, wheel_speed: 2 };

/** Physical ranges a healthy rover stays in; tests hold the model to them over many seeds. */
export const NOMINAL_RANGES: Readonly<Record<RoverChannel, { min: number; max: number }>> = Object.freeze({
  voltage: { min: 26, max: 33.5 },
  temperature: { min: -40, max: 60 },
  gyro: { min: -0.2, max: 0.2 },
  current: { min: 0.5, max: 8 },
  wheel_speed: { min: 0, max: 140 },
});

/** Per-rover constants, drawn once so no two rovers look alike. */
interface RoverParameters {
  cruiseRpm: number;
  avionicsA: number;
  motorAPerRpm: number;
  internalResistanceOhm: number;
  capacityAh: number;
  solarPeakA: number;
  ambientMeanC: number;
  ambientSwingC: number;
  dayPhase: number;
  gyroBias: number;
}

const OCV_EMPTY_V = 26.8;
const OCV_SPAN_V = 5;
const MINUTE = 60_000;
const WHEEL_TAU_S = 5;
const TURN_TAU_S = 1.5;
const TERRAIN_TAU_S = 20;
const THERMAL_TAU_S = 300;
/** Avionics run this much warmer than ambient, plus self-heating per ampere. */
const AVIONICS_OFFSET_C = 12;
const SELF_HEATING_C_PER_A = 1.2;
/** The survival heater starts below this ambient temperature and is fully on 15 °C lower. */
const HEATER_ON_C = -10;
const HEATER_FULL_A = 0.8;

/**
 * One rover: a drive/park duty cycle, a battery with internal resistance (voltage sags under load and
 * recovers), solar charging and a day/night thermal cycle with the avionics' thermal lag and
 * self-heating, motor current that follows wheel speed and terrain, and yaw-rate gyro turns.
 * Deterministic for a given Random; `step` advances simulated time only.
 */
export class RoverModel {
  private readonly p: RoverParameters;
  private elapsedMs = 0;
  private driving = false;
  private modeLeftMs: number;
  private targetRpm = 0;
  private wheelRpm = 0;
  private terrain = 1;
  private turnTarget = 0;
  private turnLeftMs = 0;
  private yawRate = 0;
  private soc: number;
  private avionicsC: number;

  constructor(
    private readonly random: Random,
    private readonly environment: EnvironmentOptions = DEFAULT_ENVIRONMENT,
  ) {
    const r = random;
    this.p = {
      cruiseRpm: r.between(70, 105),
      avionicsA: r.between(1.2, 1.8),
      motorAPerRpm: r.between(0.018, 0.026),
      internalResistanceOhm: r.between(0.12, 0.2),
      capacityAh: r.between(35, 45),
      solarPeakA: r.between(2.5, 3.5),
      ambientMeanC: r.between(-25, -10),
      ambientSwingC: r.between(25, 35),
      dayPhase: r.between(-0.02, 0.02),
      gyroBias: r.between(-5e-4, 5e-4),
    };
    this.soc = r.between(0.7, 0.95);
    this.driving = r.uniform() < 0.5;
    this.modeLeftMs = this.nextModeLength();
    if (this.driving) this.targetRpm = this.wheelRpm = this.p.cruiseRpm;
    this.avionicsC = this.thermalBalance(this.ambient(), this.busLoadA(0));
  }

  /** Advances by `dtMs` of simulated time and returns what the sensors read at the end of it. */
  step(dtMs: number, disturbance: Readonly<Disturbance> = NO_DISTURBANCE): RoverReading {
    const r = this.random;
    const dt = dtMs / 1000;
    this.elapsedMs += dtMs;
    this.advanceDutyCycle(dtMs, disturbance.keepDriving);

    this.wheelRpm += (this.targetRpm - this.wheelRpm) * (1 - Math.exp(-dt / WHEEL_TAU_S));
    this.terrain += (1 - this.terrain) * (dt / TERRAIN_TAU_S) + 0.05 * Math.sqrt((2 * dt) / TERRAIN_TAU_S) * r.gaussian();
    this.terrain = Math.min(1.5, Math.max(0.6, this.terrain));
    this.yawRate += (this.turnTarget - this.yawRate) * (1 - Math.exp(-dt / TURN_TAU_S));

    const ambient = this.ambient();
    const slip = Math.max(0, disturbance.wheelSlip);
    const motorA = this.p.motorAPerRpm * this.wheelRpm * this.terrain * Math.max(0.15, 1 - slip);
    const loadA = this.busLoadA(motorA) + disturbance.extraCurrentA;
    const solarA = this.p.solarPeakA * Math.max(0, Math.sin(2 * Math.PI * (this.timeOfDay() - 0.25)));
    this.soc = Math.min(1, Math.max(0.05, this.soc + ((solarA - loadA) * dt) / (this.p.capacityAh * 3600)));
    const ocv = OCV_EMPTY_V + OCV_SPAN_V * this.soc - disturbance.batteryVoltageLossV;
    // Charging above the load lifts the terminal voltage, a load above the charge sags it.
    const busV = ocv - this.p.internalResistanceOhm * (loadA - solarA);

    const balance = this.thermalBalance(ambient, loadA);
    this.avionicsC += (balance - this.avionicsC) * (1 - Math.exp(-dt / THERMAL_TAU_S));

    const vibration = 0.002 * (this.wheelRpm / this.p.cruiseRpm);
    return {
      voltage: this.sense(busV, NOISE.voltage, DECIMALS.voltage),
      temperature: this.sense(this.avionicsC + disturbance.extraHeatC, NOISE.temperature, DECIMALS.temperature),
      gyro: this.sense(this.yawRate + this.p.gyroBias + r.gaussian(vibration), NOISE.gyro, DECIMALS.gyro),
      current: Math.abs(this.sense(loadA, NOISE.current, DECIMALS.current)),
      // An encoder reports a magnitude; at rest it jitters around 0.
      wheel_speed: Math.abs(this.sense(this.wheelRpm * (1 + slip), NOISE.wheel_speed, DECIMALS.wheel_speed)),
    };
  }

  private advanceDutyCycle(dtMs: number, keepDriving: boolean): void {
    const r = this.random;
    this.modeLeftMs -= dtMs;
    if ((keepDriving && !this.driving) || (this.modeLeftMs <= 0 && !keepDriving)) {
      this.driving = !this.driving;
      this.modeLeftMs = this.nextModeLength();
      this.targetRpm = this.driving ? this.p.cruiseRpm * r.between(0.85, 1.1) : 0;
    } else if (this.modeLeftMs <= 0) {
      this.modeLeftMs = this.nextModeLength();
    }
    this.turnLeftMs -= dtMs;
    if (this.turnLeftMs <= 0) {
      this.turnLeftMs = r.between(5_000, 20_000);
      this.turnTarget = this.driving && r.uniform() < 0.4 ? (r.uniform() < 0.5 ? -1 : 1) * r.between(0.02, 0.06) : 0;
    }
  }

  private nextModeLength(): number {
    return this.driving ? this.random.between(10 * MINUTE, 30 * MINUTE) : this.random.between(5 * MINUTE, 20 * MINUTE);
  }

  private timeOfDay(): number {
    const day = this.environment.startTimeOfDay + this.p.dayPhase + this.elapsedMs / this.environment.dayLengthMs;
    return day - Math.floor(day);
  }

  /** Ambient temperature: coldest before dawn, warmest early afternoon. */
  private ambient(): number {
    return this.p.ambientMeanC + this.p.ambientSwingC * Math.sin(2 * Math.PI * (this.timeOfDay() - 0.33));
  }

  private heaterA(ambient: number): number {
    return HEATER_FULL_A * Math.min(1, Math.max(0, (HEATER_ON_C - ambient) / 15));
  }

  private busLoadA(motorA: number): number {
    return this.p.avionicsA + motorA + this.heaterA(this.ambient());
  }

  private thermalBalance(ambient: number, loadA: number): number {
    return ambient + AVIONICS_OFFSET_C + SELF_HEATING_C_PER_A * loadA + 6 * this.heaterA(ambient);
  }

  private sense(value: number, sigma: number, decimals: number): number {
    return Number((value + this.random.gaussian(sigma)).toFixed(decimals));
  }
}
