// One jest run for the whole repo: unit specs sit next to the code (libs/**, apps/**/src),
// HTTP and cross-module specs in apps/*/test. The harness (test/global-setup) starts a real
// redis-server on a free loopback port for the specs that need it.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
  },
];

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@astra/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  testMatch: ['<rootDir>/{apps,libs,bench,scripts}/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30000,
};
