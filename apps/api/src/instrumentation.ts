// Loaded with `node --require` before anything else, so OpenTelemetry can patch http, express and
// ioredis before they are first required. Tracing arrives with the observability module.
export {};
