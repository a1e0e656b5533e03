import { Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, AppConfig, ConfigError } from '@astra/config';
import { API_KEY_ENTRIES, ApiKeyGuard } from './api-key.guard';
import { parseApiKeys } from './api-keys';

function loadKeys(config: AppConfig) {
  const entries = parseApiKeys(config.apiKeys);
  if (entries.length === 0) {
    if (config.nodeEnv === 'production') throw new ConfigError('API_KEYS', 'must be set when NODE_ENV=production (run npm run key:new)');
    new Logger('Security').warn('No API keys configured: the service runs OPEN for local use and admin routes are disabled');
  }
  return entries;
}

/** API-key authentication and role checks on every route. */
@Module({
  providers: [
    { provide: API_KEY_ENTRIES, inject: [APP_CONFIG], useFactory: loadKeys },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [API_KEY_ENTRIES],
})
export class SecurityModule {}
