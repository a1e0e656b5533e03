import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies documented defaults when the environment is empty', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 8000,
      redisUrl: '',
      maxBatch: 10000,
      bodyLimitBytes: 1024 * 1024,
      logLevel: 'info',
    });
  });

  it('parses the security limits', () => {
    const config = loadConfig({ RATE_LIMIT_MAX: '0', CORS_ORIGINS: 'https://ops.example.org, http://localhost:3000', MAX_HEADER_SIZE: '8kb' });
    expect(config.rateLimitMax).toBe(0);
    expect(config.corsOrigins).toEqual(['https://ops.example.org', 'http://localhost:3000']);
    expect(config.maxHeaderBytes).toBe(8 * 1024);
    expect(loadConfig({}).corsOrigins).toEqual([]);
  });

  it('parses sizes and numbers', () => {
    const config = loadConfig({ PORT: '9001', BODY_LIMIT: '256kb', MAX_BATCH: '50', REDIS_URL: 'redis://127.0.0.1:6390' });
    expect(config.port).toBe(9001);
    expect(config.bodyLimitBytes).toBe(256 * 1024);
    expect(config.maxBatch).toBe(50);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6390');
  });

  it.each([
    ['PORT', 'eighty', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['MAX_BATCH', '0', /MAX_BATCH must be between 1/],
    ['BODY_LIMIT', 'huge', /BODY_LIMIT must be a size/],
    ['NODE_ENV', 'staging', /NODE_ENV must be one of development, test, production/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['REDIS_URL', 'http://x', /REDIS_URL must start with redis:\/\//],
    ['CORS_ORIGINS', 'ops.example.org', /CORS_ORIGINS must be comma-separated origins/],
    ['MAX_JSON_DEPTH', '2', /MAX_JSON_DEPTH must be between 4 and 1000/],
    ['HEADERS_TIMEOUT_MS', '40000', /HEADERS_TIMEOUT_MS must be between 100 and 30000/],
  ])('rejects a bad %s naming the variable', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });
});
