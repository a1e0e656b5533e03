import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** Named channels of a frame with their physical range; `channels` carries any others. */
export const NAMED_CHANNELS = {
  voltage: { min: 0, max: 50, unit: 'V' },
  temperature: { min: -100, max: 150, unit: '°C' },
  gyro: { min: -Infinity, max: Infinity, unit: 'rad/s' },
  current: { min: 0, max: Infinity, unit: 'A' },
  wheel_speed: { min: 0, max: Infinity, unit: 'rpm' },
  cpu_usage: { min: 0, max: 100, unit: '%' },
  memory_usage: { min: 0, max: 100, unit: '%' },
  network_latency: { min: 0, max: Infinity, unit: 'ms' },
  disk_io: { min: 0, max: Infinity, unit: 'ops/s' },
  error_rate: { min: 0, max: Infinity, unit: '1/s' },
  response_time: { min: 0, max: Infinity, unit: 'ms' },
  active_connections: { min: 0, max: Infinity, unit: 'connections' },
} as const;
export type NamedChannel = keyof typeof NAMED_CHANNELS;
export const NAMED_CHANNEL_NAMES = Object.keys(NAMED_CHANNELS) as NamedChannel[];

export const EXTRA_CHANNEL_PATTERN = /^[a-z0-9_.]{1,64}$/;
export const MAX_EXTRA_CHANNELS = 64;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Epoch ms accepted: 1970 to 9999, so a seconds-based epoch is not silently read as 1970. */
const MAX_EPOCH_MS = 253402300799999;

/** Reading time as epoch ms, or undefined when the value is not a timestamp we accept. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= MAX_EPOCH_MS ? value : undefined;
  if (typeof value !== 'string' || !ISO_8601.test(value)) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function define(name: string, validate: (value: unknown, args: ValidationArguments) => string | undefined, options?: ValidationOptions) {
  return (target: object, propertyName: string) => {
    let problem: string | undefined;
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => (problem = validate(value, args)) === undefined,
        defaultMessage: () => problem ?? `${propertyName} is invalid`,
      },
    });
  };
}

export const IsTimestamp = () =>
  define('isTimestamp', (value) =>
    value === undefined || parseTimestamp(value) !== undefined
      ? undefined
      : 'timestamp must be an ISO-8601 date-time (e.g. 2026-11-21T10:15:00Z) or epoch milliseconds',
  );

export const IsChannelMap = () =>
  define('isChannelMap', (value) => {
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'channels must be an object of channel name to number';
    const entries = Object.entries(value);
    if (entries.length > MAX_EXTRA_CHANNELS) return `channels must have at most ${MAX_EXTRA_CHANNELS} entries`;
    for (const [name, reading] of entries) {
      if (!EXTRA_CHANNEL_PATTERN.test(name)) return `channels.${name.slice(0, 64)} is not a valid channel name ([a-z0-9_.], 1–64 characters)`;
      if ((NAMED_CHANNEL_NAMES as string[]).includes(name)) return `channels.${name} must be sent as the top-level ${name} field`;
      if (typeof reading !== 'number' || !Number.isFinite(reading)) return `channels.${name} must be a finite number`;
    }
    return undefined;
  });

export const HasAnyChannel = () =>
  define('hasAnyChannel', (_value, args) => {
    const frame = args.object as Record<string, unknown>;
    const extra = frame.channels;
    const hasExtra = typeof extra === 'object' && extra !== null && Object.keys(extra).length > 0;
    return hasExtra || NAMED_CHANNEL_NAMES.some((name) => frame[name] !== undefined)
      ? undefined
      : `a frame needs at least one channel: ${NAMED_CHANNEL_NAMES.join(', ')}, or channels`;
  });
