import { bytes, ConfigError, flag, int, oneOf, read } from './app-config';

type Env = Record<string, string | undefined>;

/** How calls to one dependency are guarded: per-attempt timeout, retry, circuit breaker, bulkhead. */
export interface DependencyPolicySettings {
  /** One attempt is abandoned (its AbortSignal fires) after this long. */
  timeoutMs: number;
  /** Attempts in all, first one included; only transient errors are retried. */
  maxAttempts: number;
  /** Exponential backoff with decorrelated jitter between these bounds. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** The breaker judges the last `breakerWindow` calls once at least `breakerMinCalls` were made. */
  breakerWindow: number;
  breakerMinCalls: number;
  /** Opens when more than this share of the window failed… */
  breakerFailureRate: number;
  /** …or when more than this share took longer than `breakerSlowCallMs`. */
  breakerSlowCallRate: number;
  breakerSlowCallMs: number;
  /** An open breaker lets one probe through after this long. */
  breakerHalfOpenAfterMs: number;
  /** Concurrent calls, and calls allowed to wait for a slot; beyond that calls are refused at once. */
  bulkheadLimit: number;
  bulkheadQueue: number;
}

export const SEVERITY_THRESHOLDS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

export interface ReliabilityConfig {
  redisPolicy: DependencyPolicySettings;
  alertPolicy: DependencyPolicySettings;
  /** Where writes go while Redis is unavailable (append-only, replayed in order). */
  journalDir: string;
  journalMaxBytes: number;
  /** Empty: no outbound alerts. */
  alertWebhookUrl: string;
  alertMinSeverity: (typeof SEVERITY_THRESHOLDS)[number];
  /** Alerts kept for re-sending while the webhook is down; past it the oldest is dropped. */
  alertMaxParked: number;
  chaosEnabled: boolean;
  chaosAllowInProduction: boolean;
  chaosMaxExperiments: number;
  chaosMaxTtlSeconds: number;
  /** How often the recovery orchestrator looks at component health, and the least time between two runs of one action. */
  recoveryIntervalMs: number;
  recoveryCooldownMs: number;
}

function percent(env: Env, name: string, fallback: number): number {
  return int(env, name, fallback, 1, 99) / 100;
}

function webhookUrl(env: Env): string {
  const raw = read(env, 'ALERT_WEBHOOK_URL') ?? '';
  if (raw && !/^https?:\/\/[^\s]+$/.test(raw)) throw new ConfigError('ALERT_WEBHOOK_URL', 'must be an http:// or https:// URL');
  return raw;
}

function policy(env: Env, prefix: string, defaults: DependencyPolicySettings): DependencyPolicySettings {
  const settings: DependencyPolicySettings = {
    timeoutMs: int(env, `${prefix}_TIMEOUT_MS`, defaults.timeoutMs, 1),
    maxAttempts: int(env, `${prefix}_RETRY_ATTEMPTS`, defaults.maxAttempts, 1, 10),
    retryBaseDelayMs: int(env, `${prefix}_RETRY_BASE_DELAY_MS`, defaults.retryBaseDelayMs, 1),
    retryMaxDelayMs: int(env, `${prefix}_RETRY_MAX_DELAY_MS`, defaults.retryMaxDelayMs, 1),
    breakerWindow: int(env, `${prefix}_BREAKER_WINDOW`, defaults.breakerWindow, 1, 10000),
    breakerMinCalls: int(env, `${prefix}_BREAKER_MIN_CALLS`, defaults.breakerMinCalls, 1, 10000),
    breakerFailureRate: percent(env, `${prefix}_BREAKER_FAILURE_RATE_PERCENT`, defaults.breakerFailureRate * 100),
    breakerSlowCallRate: percent(env, `${prefix}_BREAKER_SLOW_CALL_RATE_PERCENT`, defaults.breakerSlowCallRate * 100),
    breakerSlowCallMs: int(env, `${prefix}_BREAKER_SLOW_CALL_MS`, defaults.breakerSlowCallMs, 1),
    breakerHalfOpenAfterMs: int(env, `${prefix}_BREAKER_HALF_OPEN_AFTER_MS`, defaults.breakerHalfOpenAfterMs, 1),
    bulkheadLimit: int(env, `${prefix}_BULKHEAD_LIMIT`, defaults.bulkheadLimit, 1),
    bulkheadQueue: int(env, `${prefix}_BULKHEAD_QUEUE`, defaults.bulkheadQueue, 0),
  };
  if (settings.breakerMinCalls > settings.breakerWindow) throw new ConfigError(`${prefix}_BREAKER_MIN_CALLS`, `must not exceed ${prefix}_BREAKER_WINDOW (${settings.breakerWindow})`);
  if (settings.retryMaxDelayMs < settings.retryBaseDelayMs) throw new ConfigError(`${prefix}_RETRY_MAX_DELAY_MS`, `must be at least ${prefix}_RETRY_BASE_DELAY_MS (${settings.retryBaseDelayMs})`);
  return settings;
}

/** Defaults: see docs/reliability.md for why each value. */
export const REDIS_POLICY_DEFAULTS: DependencyPolicySettings = {
  timeoutMs: 500,
  maxAttempts: 3,
  retryBaseDelayMs: 20,
  retryMaxDelayMs: 200,
  breakerWindow: 50,
  breakerMinCalls: 10,
  breakerFailureRate: 0.5,
  breakerSlowCallRate: 0.8,
  breakerSlowCallMs: 250,
  breakerHalfOpenAfterMs: 5000,
  bulkheadLimit: 64,
  bulkheadQueue: 1024,
};

export const ALERT_POLICY_DEFAULTS: DependencyPolicySettings = {
  timeoutMs: 2000,
  maxAttempts: 4,
  retryBaseDelayMs: 200,
  retryMaxDelayMs: 5000,
  breakerWindow: 20,
  breakerMinCalls: 5,
  breakerFailureRate: 0.5,
  breakerSlowCallRate: 0.8,
  breakerSlowCallMs: 1500,
  breakerHalfOpenAfterMs: 30000,
  bulkheadLimit: 4,
  bulkheadQueue: 64,
};

export function loadReliabilityConfig(env: Env): ReliabilityConfig {
  return {
    redisPolicy: policy(env, 'REDIS', REDIS_POLICY_DEFAULTS),
    alertPolicy: policy(env, 'ALERT', ALERT_POLICY_DEFAULTS),
    journalDir: read(env, 'JOURNAL_DIR') ?? '.journal',
    journalMaxBytes: bytes(env, 'JOURNAL_MAX_BYTES', '256mb'),
    alertWebhookUrl: webhookUrl(env),
    alertMinSeverity: oneOf(env, 'ALERT_MIN_SEVERITY', SEVERITY_THRESHOLDS, 'HIGH'),
    alertMaxParked: int(env, 'ALERT_MAX_PARKED', 10000, 1),
    chaosEnabled: flag(env, 'CHAOS_ENABLED'),
    chaosAllowInProduction: flag(env, 'CHAOS_ALLOW_IN_PRODUCTION'),
    chaosMaxExperiments: int(env, 'CHAOS_MAX_EXPERIMENTS', 5, 1, 100),
    chaosMaxTtlSeconds: int(env, 'CHAOS_MAX_TTL_SECONDS', 900, 1),
    recoveryIntervalMs: int(env, 'RECOVERY_INTERVAL_MS', 1000, 10),
    recoveryCooldownMs: int(env, 'RECOVERY_COOLDOWN_MS', 2000, 0),
  };
}
