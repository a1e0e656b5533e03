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
  ])('rejects a bad %s naming the variable', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });
});
