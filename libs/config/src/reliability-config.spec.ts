import { ConfigError, loadConfig } from './app-config';
import { ALERT_POLICY_DEFAULTS, REDIS_POLICY_DEFAULTS } from './reliability-config';

describe('reliability configuration', () => {
  it('applies the documented defaults', () => {
    const { reliability } = loadConfig({});
    expect(reliability).toMatchObject({
      redisPolicy: REDIS_POLICY_DEFAULTS,
      alertPolicy: ALERT_POLICY_DEFAULTS,
      journalDir: '.journal',
      journalMaxBytes: 256 * 1024 * 1024,
      alertWebhookUrl: '',
      alertMinSeverity: 'HIGH',
      chaosEnabled: false,
      chaosAllowInProduction: false,
      chaosMaxExperiments: 5,
      chaosMaxTtlSeconds: 900,
    });
  });

  it('reads each dependency policy under its own prefix', () => {
    const { reliability } = loadConfig({ REDIS_TIMEOUT_MS: '150', REDIS_BREAKER_FAILURE_RATE_PERCENT: '25', ALERT_RETRY_ATTEMPTS: '2', CHAOS_ENABLED: 'TRUE' });
    expect(reliability.redisPolicy).toMatchObject({ timeoutMs: 150, breakerFailureRate: 0.25 });
    expect(reliability.alertPolicy).toMatchObject({ maxAttempts: 2, timeoutMs: ALERT_POLICY_DEFAULTS.timeoutMs });
    expect(reliability.chaosEnabled).toBe(true);
  });

  it.each([
    ['CHAOS_ENABLED', 'yes', /CHAOS_ENABLED must be true or false/],
    ['ALERT_WEBHOOK_URL', 'ftp://x', /ALERT_WEBHOOK_URL must be an http/],
    ['ALERT_MIN_SEVERITY', 'SEVERE', /ALERT_MIN_SEVERITY must be one of LOW, MEDIUM, HIGH, CRITICAL/],
    ['REDIS_BREAKER_FAILURE_RATE_PERCENT', '100', /REDIS_BREAKER_FAILURE_RATE_PERCENT must be between 1 and 99/],
    ['ALERT_RETRY_ATTEMPTS', '0', /ALERT_RETRY_ATTEMPTS must be between 1 and 10/],
    ['JOURNAL_MAX_BYTES', 'lots', /JOURNAL_MAX_BYTES must be a size/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('rejects a breaker that could never open and a backoff that shrinks', () => {
    expect(() => loadConfig({ REDIS_BREAKER_WINDOW: '5', REDIS_BREAKER_MIN_CALLS: '6' })).toThrow(/REDIS_BREAKER_MIN_CALLS must not exceed REDIS_BREAKER_WINDOW \(5\)/);
    expect(() => loadConfig({ ALERT_RETRY_BASE_DELAY_MS: '500', ALERT_RETRY_MAX_DELAY_MS: '100' })).toThrow(/ALERT_RETRY_MAX_DELAY_MS must be at least ALERT_RETRY_BASE_DELAY_MS/);
  });
});
