// Loaded with `node --require` before anything else, so OpenTelemetry can patch http, express,
// ioredis and Nest before they are first required. Self-contained: no Nest, no @astra aliases.
import { startTracing } from '../../../libs/observability/src/tracing/sdk';
import { version } from '../../../package.json';

startTracing({ serviceVersion: version });
