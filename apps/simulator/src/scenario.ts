import { parse as parseYaml } from 'yaml';
import { parseDuration } from './duration';
import { DEFAULT_STUCK_CHANNEL, FAULT_KINDS, FAULT_TYPES, isRoverChannel, type Fault, type FaultType } from './faults';
import { DEFAULT_ENVIRONMENT, ROVER_CHANNELS, type EnvironmentOptions } from './rover-model';
import { readFlagFile, UsageError } from './usage-error';

/** A fault as the scenario names it: the rover by number (1-based) or by instance id. */
export interface ScenarioFault extends Omit<Fault, 'rover'> {
  rover: number | string;
}

export interface Scenario {
  description: string;
  environment: EnvironmentOptions;
  dropoutRate: number;
  faults: ScenarioFault[];
}

export const DEFAULT_DROPOUT_RATE = 0.001;
export const NOMINAL_SCENARIO: Readonly<Scenario> = Object.freeze({
  description: 'nominal fleet, no faults',
  environment: DEFAULT_ENVIRONMENT,
  dropoutRate: DEFAULT_DROPOUT_RATE,
  faults: [],
});

const TOP_KEYS = ['description', 'environment', 'dropout_rate', 'faults'];
const ENVIRONMENT_KEYS = ['day_length', 'start_time'];
const FAULT_KEYS = ['rover', 'type', 'start', 'duration', 'magnitude', 'channel'];

type Problems = string[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, allowed: string[], where: string, problems: Problems): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) problems.push(`${where}${key} is not a known field (expected one of ${allowed.join(', ')})`);
}

function durationField(value: unknown, field: string, problems: Problems, allowZero = false): number {
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined || (!allowZero && ms === 0)) {
    problems.push(`${field} must be a duration such as 90s, 5m or 1h30m${allowZero ? '' : ' (above 0)'}`);
    return 0;
  }
  return ms;
}

function parseEnvironment(value: unknown, problems: Problems): EnvironmentOptions {
  if (value === undefined) return DEFAULT_ENVIRONMENT;
  if (!isObject(value)) {
    problems.push('environment must be a mapping with day_length and/or start_time');
    return DEFAULT_ENVIRONMENT;
  }
  unknownKeys(value, ENVIRONMENT_KEYS, 'environment.', problems);
  const environment = { ...DEFAULT_ENVIRONMENT };
  if (value.day_length !== undefined) environment.dayLengthMs = durationField(value.day_length, 'environment.day_length', problems);
  if (value.start_time !== undefined) {
    const clock = typeof value.start_time === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value.start_time) : null;
    if (clock) environment.startTimeOfDay = (Number(clock[1]) * 60 + Number(clock[2])) / 1440;
    else problems.push('environment.start_time must be a local time of day as HH:MM (quoted), e.g. "13:30"');
  }
  return environment;
}

function parseFault(value: unknown, index: number, problems: Problems): ScenarioFault | undefined {
  const where = `faults[${index}]`;
  if (!isObject(value)) {
    problems.push(`${where} must be a mapping with rover, type, start, duration and (for most types) magnitude`);
    return undefined;
  }
  unknownKeys(value, FAULT_KEYS, `${where}.`, problems);
  const before = problems.length;
  const type = value.type as FaultType;
  if (!(FAULT_TYPES as readonly unknown[]).includes(type)) {
    problems.push(`${where}.type must be one of ${FAULT_TYPES.join(', ')}`);
    return undefined;
  }
  const rover = value.rover;
  const roverOk = (typeof rover === 'number' && Number.isInteger(rover) && rover >= 1) || (typeof rover === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(rover));
  if (!roverOk) problems.push(`${where}.rover must be a rover number (1, 2, ...) or an instance id such as rover-03`);
  const startMs = durationField(value.start, `${where}.start`, problems, true);
  const durationMs = durationField(value.duration, `${where}.duration`, problems);

  const kind = FAULT_KINDS[type];
  let magnitude = 0;
  if (kind.magnitude === undefined) {
    if (value.magnitude !== undefined) problems.push(`${where}.magnitude has no meaning for ${type}; remove it`);
  } else if (value.magnitude === undefined) {
    magnitude = kind.magnitude.default;
  } else if (typeof value.magnitude !== 'number' || !(value.magnitude > 0) || value.magnitude > kind.magnitude.max) {
    problems.push(`${where}.magnitude must be a number above 0 and at most ${kind.magnitude.max}${kind.magnitude.unit ? ` ${kind.magnitude.unit}` : ''} (${kind.magnitude.meaning})`);
  } else {
    magnitude = value.magnitude;
  }

  let channel: ScenarioFault['channel'];
  if (type === 'stuck_sensor') {
    if (value.channel === undefined) channel = DEFAULT_STUCK_CHANNEL;
    else if (isRoverChannel(value.channel)) channel = value.channel;
    else problems.push(`${where}.channel must be one of ${ROVER_CHANNELS.join(', ')}`);
  } else if (value.channel !== undefined) {
    problems.push(`${where}.channel only applies to stuck_sensor`);
  }
  if (problems.length > before) return undefined;
  return { rover: rover as number | string, type, startMs, durationMs, magnitude, ...(channel ? { channel } : {}) };
}

/** Parses and validates a scenario; every problem is reported at once, each naming its field. */
export function parseScenario(text: string, source: string): Scenario {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  if (!isObject(document)) throw new UsageError(`${source}: a scenario must be a YAML mapping with a faults list`);
  const problems: Problems = [];
  unknownKeys(document, TOP_KEYS, '', problems);
  if (document.description !== undefined && typeof document.description !== 'string') problems.push('description must be text');
  const environment = parseEnvironment(document.environment, problems);
  let dropoutRate = DEFAULT_DROPOUT_RATE;
  if (document.dropout_rate !== undefined) {
    const rate = document.dropout_rate;
    if (typeof rate === 'number' && rate >= 0 && rate <= 0.5) dropoutRate = rate;
    else problems.push('dropout_rate must be a probability between 0 and 0.5');
  }
  const faults: ScenarioFault[] = [];
  if (!Array.isArray(document.faults)) problems.push('faults must be a list (it may be empty: faults: [])');
  else document.faults.forEach((entry, i) => {
    const fault = parseFault(entry, i, problems);
    if (fault) faults.push(fault);
  });
  if (problems.length > 0) throw new UsageError(`${source}:\n  - ${problems.join('\n  - ')}`);
  return { description: typeof document.description === 'string' ? document.description : '', environment, dropoutRate, faults };
}

export function loadScenario(path: string): Scenario {
  const text = readFlagFile('--faults', path);
  return parseScenario(text, path);
}

/**
 * The scenario's faults on a concrete fleet: rover numbers become instance ids. Refuses rovers the
 * fleet does not have and overlapping faults on one rover (the scorer could not tell them apart).
 */
export function faultsForFleet(scenario: Scenario, ids: readonly string[], source: string): Fault[] {
  const problems: Problems = [];
  const faults: Fault[] = [];
  const indexOf = new Map<Fault, number>();
  scenario.faults.forEach((fault, i) => {
    const rover = typeof fault.rover === 'number' ? ids[fault.rover - 1] : ids.find((id) => id === fault.rover);
    if (rover === undefined) {
      problems.push(`faults[${i}].rover ${fault.rover} is not in the fleet (${ids.length} rovers: ${ids[0]} … ${ids[ids.length - 1]})`);
      return;
    }
    const clash = faults.find((other) => other.rover === rover && other.startMs < fault.startMs + fault.durationMs && fault.startMs < other.startMs + other.durationMs);
    if (clash) problems.push(`faults[${i}] overlaps faults[${indexOf.get(clash)}] on ${rover}; give a rover one fault at a time`);
    const placed = { ...fault, rover };
    indexOf.set(placed, i);
    faults.push(placed);
  });
  if (problems.length > 0) throw new UsageError(`${source}:\n  - ${problems.join('\n  - ')}`);
  return faults;
}
