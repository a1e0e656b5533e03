import { trace, TraceFlags } from '@opentelemetry/api';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import { AppConfig } from '@astra/config';
import { currentRequest } from '../http/request-scope';
import { isoTime } from './iso-time';

/** Injection token of the process's root pino logger (nestjs-pino and the request observer log through it). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Field names whose values never reach a log line: at the top of a log entry, in its `headers` and in
 * a request's or response's headers. Explicit paths, no wildcards: pino compiles them into direct
 * property checks, where a wildcard would walk every key of every line.
 */
const SECRET_FIELDS = ['authorization', 'cookie', 'set-cookie', 'x-api-key', 'apiKey', 'api_key', 'token', 'password', 'secret'];
const REDACT_PATHS = ['', 'headers.', 'req.headers.', 'res.headers.'].flatMap((prefix) => SECRET_FIELDS.map((field) => `${prefix}["${field}"]`.replace(/^\./, '').replace('.[', '[')));

/** Returned by the mixin when there is nothing to add; never merged into (see mergeContextFields). */
const NO_FIELDS = {};

/**
 * The request id of the request being handled, and trace_id / span_id of the active span when it is
 * sampled. The sampled flag is enough: ids of sampled spans are valid (the SDK generates them, the
 * propagator validates incoming ones), so the regex checks of isSpanContextValid are not paid.
 */
function contextFields(): object {
  const request = currentRequest();
  const span = trace.getActiveSpan()?.spanContext();
  const sampled = span !== undefined && (span.traceFlags & TraceFlags.SAMPLED) !== 0;
  if (!request && !sampled) return NO_FIELDS;
  return { ...(request && { request_id: request.requestId }), ...(sampled && { trace_id: span.traceId, span_id: span.spanId }) };
}

/**
 * pino's default merge copies each line's fields into the object the mixin returned: into the shared
 * NO_FIELDS, every line's fields would leak into all later lines. The line's own fields win.
 */
function mergeContextFields(line: object, fields: object): object {
  return fields === NO_FIELDS ? line : Object.assign(fields, line);
}

export function rootLoggerOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.logLevel,
    base: { service: config.serviceName, version: config.serviceVersion, environment: config.nodeEnv },
    timestamp: () => `,"time":"${isoTime(Date.now())}"`,
    formatters: { level: (label) => ({ level: label }) },
    mixin: contextFields,
    mixinMergeStrategy: mergeContextFields,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
}

/** stdout is written in chunks of at least this many bytes (larger chunks cost more per line: sonic-boom measures its buffer on every write)… */
const LOG_CHUNK_BYTES = 4096;
/** …and at least this often, so a quiet service's lines still show up at once. */
const LOG_FLUSH_INTERVAL_MS = 250;

/** The process's stdout destination, shared by every root logger (see bufferedStdout). */
let stdout: DestinationStream | undefined;

/**
 * stdout, written synchronously (pino's default) but in chunks: one write per ten access lines
 * instead of one per line, which cost about 20 µs per request (docs/benchmarks.md). Synchronous, so a
 * log reader that falls behind slows the service down instead of growing its memory. What is still
 * buffered is written when the process exits, crashes included. One per process, however many apps
 * (tests make several): stdout is one file, and each would add a flush timer and an exit listener.
 */
function bufferedStdout(): DestinationStream {
  if (!stdout) {
    const stream = pino.destination({ sync: true, minLength: LOG_CHUNK_BYTES, periodicFlush: LOG_FLUSH_INTERVAL_MS });
    process.on('exit', () => stream.flushSync());
    stdout = stream;
  }
  return stdout;
}

/** One JSON object per line on stdout, never pretty-printed. Tests pass their own destination to read the lines. */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  return pino(rootLoggerOptions(config), destination ?? bufferedStdout());
}
