import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig, ConfigError } from '@astra/config';
import { ACCESS_MODE, accessMode } from './access-mode';
import { AdminAuditInterceptor } from './admin-audit.interceptor';
import { API_KEY_ENTRIES, ApiKeyGuard } from './api-key.guard';
import { ApiKeyEntry, parseApiKeys } from './api-keys';
import { BodyGate } from './body-gate';
import { FixedWindowStorage } from './fixed-window.storage';
import { RateLimitGuard } from './rate-limit.guard';
import { SecurityAudit } from './security-audit';
import { SecurityMetrics, securityMetricProviders } from './security-metrics';

function loadKeys(config: AppConfig, audit: SecurityAudit): ApiKeyEntry[] {
  const entries = parseApiKeys(config.apiKeys);
  if (entries.length === 0) {
    if (config.nodeEnv === 'production') throw new ConfigError('API_KEYS', 'must be set when NODE_ENV=production (run npm run key:new)');
    audit.openMode();
  }
  return entries;
}

/**
 * Who may call what: rate limiting per caller, then API-key authentication and role checks on every
 * route (global guards, in that order), and an audit line for every admin action. BodyGate (mounted
 * by the app before body parsing) refuses bodies from callers without a valid key.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: config.rateLimitWindowMs, limit: config.rateLimitMax }],
        skipIf: () => config.rateLimitMax === 0,
        storage: new FixedWindowStorage(),
      }),
    }),
  ],
  providers: [
    ...securityMetricProviders,
    SecurityMetrics,
    SecurityAudit,
    BodyGate,
    { provide: API_KEY_ENTRIES, inject: [APP_CONFIG, SecurityAudit], useFactory: loadKeys },
    { provide: ACCESS_MODE, inject: [API_KEY_ENTRIES], useFactory: accessMode },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_INTERCEPTOR, useClass: AdminAuditInterceptor },
  ],
  exports: [API_KEY_ENTRIES, ACCESS_MODE, BodyGate],
})
export class SecurityModule {}
