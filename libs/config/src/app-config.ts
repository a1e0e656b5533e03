import { loadReliabilityConfig, ReliabilityConfig } from './reliability-config';

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
  /** Requests one caller (API key, or IP address while open) may make per window; 0 turns rate limiting off. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Browser origins allowed to call the API (CORS); empty: no CORS headers at all. */
  corsOrigins: string[];
  /** Deepest nesting of objects/arrays a JSON body may have. */
  maxJsonDepth: number;
  /** Largest request head (request line + headers) accepted, in bytes. */
  maxHeaderBytes: number;
  /** Time allowed to receive a request's headers (slow clients are cut off). */
  headersTimeoutMs: number;
  /** Idle keep-alive connections are closed after this long. */
  keepAliveTimeoutMs: number;
  /** Guard policies, write journal, alerts, chaos and recovery (reliability-config.ts). */
  reliability: ReliabilityConfig;
  /** HTTP metrics recorded and /metrics served (switchable at runtime). */
  metricsEnabled: boolean;
  /** Spans recorded; false at start also keeps the OpenTelemetry SDK from starting (instrumentation.ts reads it too). */
  tracingEnabled: boolean;
  /** Serve /metrics on this separate port instead of the API port; 0: on the API port. */
  metricsPort: number;
  /** When set, /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function read(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

export function int(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function bytes(env: Env, name: string, fallback: string): number {
  const raw = (read(env, name) ?? fallback).toLowerCase();
  const match = /^(\d+)\s*(b|kb|mb|gb)?$/.exec(raw);
  if (!match) throw new ConfigError(name, `must be a size such as 512kb or 1mb, got "${raw}"`);
  const value = Number(match[1]) * SIZE_UNITS[match[2] ?? 'b'];
  if (value < 1024) throw new ConfigError(name, 'must be at least 1kb');
  return value;
}

export function flag(env: Env, name: string, fallback = false): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be true or false, got "${raw}"`);
  return raw === 'true';
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function origins(env: Env): string[] {
  const list = (read(env, 'CORS_ORIGINS') ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  const bad = list.find((origin) => !/^https?:\/\/[^\s/,]+$/.test(origin));
  if (bad !== undefined) throw new ConfigError('CORS_ORIGINS', `must be comma-separated origins such as https://ops.example.org, got "${bad}"`);
  return list;
}

/** Node requires the headers timeout not to exceed the whole-request timeout. */
function headersTimeout(env: Env): number {
  const requestTimeoutMs = int(env, 'REQUEST_TIMEOUT_MS', 30000, 100);
  return int(env, 'HEADERS_TIMEOUT_MS', Math.min(10000, requestTimeoutMs), 100, requestTimeoutMs);
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
    rateLimitMax: int(env, 'RATE_LIMIT_MAX', 100000, 0),
    rateLimitWindowMs: int(env, 'RATE_LIMIT_WINDOW_MS', 60000, 100),
    corsOrigins: origins(env),
    maxJsonDepth: int(env, 'MAX_JSON_DEPTH', 32, 4, 1000),
    maxHeaderBytes: bytes(env, 'MAX_HEADER_SIZE', '16kb'),
    headersTimeoutMs: headersTimeout(env),
    keepAliveTimeoutMs: int(env, 'KEEP_ALIVE_TIMEOUT_MS', 5000, 100),
    reliability: loadReliabilityConfig(env),
    metricsEnabled: flag(env, 'METRICS_ENABLED', true),
    tracingEnabled: flag(env, 'TRACING_ENABLED', true),
    metricsPort: int(env, 'METRICS_PORT', 0, 0, 65535),
    metricsToken: read(env, 'METRICS_TOKEN') ?? '',
  };
}
