/**
 * Every setting the service reads, parsed and validated once at start-up.
 * A bad value stops the process with a message naming the variable (see ConfigError).
 */
export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  nodeEnv: NodeEnv;
  serviceName: string;
  serviceVersion: string;
  host: string;
  port: number;
  /** Empty: the embedded in-memory store. */
  redisUrl: string;
  redisKeyPrefix: string;
  bodyLimitBytes: number;
  batchBodyLimitBytes: number;
  maxBatch: number;
  requestTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** Newest anomalies kept in history (count bound). */
  anomalyRetentionCount: number;
  /** Anomalies older than this are dropped from history. */
  anomalyRetentionSeconds: number;
  /** Frames kept per instance. */
  frameRetentionPerInstance: number;
  /** Instances the in-memory store tracks before it forgets the least recently seen. */
  maxInstances: number;
  logLevel: LogLevel;
  /** Heap used (bytes) above which readiness fails. */
  readinessHeapLimitBytes: number;
  /** Event-loop delay p99 (ms) above which readiness fails. */
  readinessEventLoopDelayMs: number;
  /** Path of the mission-phase policy file; empty for the built-in default. */
  phasePolicyFile: string;
  /** API_KEYS entries `<id>:<role>:<salt>:<hash>`, comma-separated; parsed by the security module. Empty: open. */
  apiKeys: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

function read(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bytes(env: Env, name: string, fallback: string): number {
  const raw = (read(env, name) ?? fallback).toLowerCase();
  const match = /^(\d+)\s*(b|kb|mb|gb)?$/.exec(raw);
  if (!match) throw new ConfigError(name, `must be a size such as 512kb or 1mb, got "${raw}"`);
  const value = Number(match[1]) * SIZE_UNITS[match[2] ?? 'b'];
  if (value < 1024) throw new ConfigError(name, 'must be at least 1kb');
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function redisUrl(env: Env): string {
  const raw = read(env, 'REDIS_URL') ?? '';
  if (raw && !/^rediss?:\/\/[^\s]+$/.test(raw)) {
    throw new ConfigError('REDIS_URL', 'must start with redis:// or rediss://');
  }
  return raw;
}

export function loadConfig(env: Env = process.env, version = '0.0.0'): AppConfig {
  return {
    nodeEnv: oneOf(env, 'NODE_ENV', ['development', 'test', 'production'], 'development'),
    serviceName: read(env, 'SERVICE_NAME') ?? 'astraguard',
    serviceVersion: version,
    host: read(env, 'HOST') ?? '0.0.0.0',
    port: int(env, 'PORT', 8000, 0, 65535),
    redisUrl: redisUrl(env),
    redisKeyPrefix: read(env, 'REDIS_KEY_PREFIX') ?? 'astra:',
    bodyLimitBytes: bytes(env, 'BODY_LIMIT', '1mb'),
    batchBodyLimitBytes: bytes(env, 'BATCH_BODY_LIMIT', '8mb'),
    maxBatch: int(env, 'MAX_BATCH', 10000, 1, 100000),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 30000, 100),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10000, 0),
    anomalyRetentionCount: int(env, 'ANOMALY_RETENTION_COUNT', 10000, 1),
    anomalyRetentionSeconds: int(env, 'ANOMALY_RETENTION_SECONDS', 7 * 24 * 3600, 60),
    frameRetentionPerInstance: int(env, 'FRAME_RETENTION_PER_INSTANCE', 1000, 1),
    maxInstances: int(env, 'MAX_INSTANCES', 10000, 1),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    readinessHeapLimitBytes: bytes(env, 'READINESS_HEAP_LIMIT', '1536mb'),
    readinessEventLoopDelayMs: int(env, 'READINESS_EVENT_LOOP_DELAY_MS', 1000, 1),
    phasePolicyFile: read(env, 'PHASE_POLICY_FILE') ?? '',
    apiKeys: read(env, 'API_KEYS') ?? '',
  };
}
