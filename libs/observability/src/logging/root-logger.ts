import { trace, TraceFlags } from '@opentelemetry/api';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import { AppConfig } from '@astra/config';
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

/** Returned by the mixin when there is nothing to add; never merged into (see mergeTraceFields). */
const NO_TRACE = {};

/**
 * trace_id / span_id of the span active where the line is logged, when it is sampled. The sampled
 * flag is enough: ids of sampled spans are valid (the SDK generates them, the propagator validates
 * incoming ones), so the regex checks of isSpanContextValid are not paid on every line.
 */
function traceFields(): object {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !(context.traceFlags & TraceFlags.SAMPLED)) return NO_TRACE;
  return { trace_id: context.traceId, span_id: context.spanId };
}

/**
 * pino's default merge copies each line's fields into the object the mixin returned: into the shared
 * NO_TRACE, every line's fields would leak into all later lines. The line's own fields win.
 */
function mergeTraceFields(line: object, traceOfLine: object): object {
  return traceOfLine === NO_TRACE ? line : Object.assign(traceOfLine, line);
}

export function rootLoggerOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.logLevel,
    base: { service: config.serviceName, version: config.serviceVersion, environment: config.nodeEnv },
    timestamp: () => `,"time":"${isoTime(Date.now())}"`,
    formatters: { level: (label) => ({ level: label }) },
    mixin: traceFields,
    mixinMergeStrategy: mergeTraceFields,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
}

/** stdout is written in chunks of at least this many bytes… */
const LOG_CHUNK_BYTES = 4096;
/** …and at least this often, so a quiet service's lines still show up at once. */
const LOG_FLUSH_INTERVAL_MS = 250;

/**
 * stdout, written synchronously (pino's default) but in chunks: one write per dozen access lines
 * instead of one per line, which cost about 20 µs per request (docs/benchmarks.md). Synchronous, so a
 * log reader that falls behind slows the service down instead of growing its memory. What is still
 * buffered is written when the process exits, crashes included.
 */
function bufferedStdout(): DestinationStream {
  const stream = pino.destination({ sync: true, minLength: LOG_CHUNK_BYTES });
  setInterval(() => stream.flush(), LOG_FLUSH_INTERVAL_MS).unref();
  process.on('exit', () => stream.flushSync());
  return stream;
}

/** One JSON object per line on stdout, never pretty-printed. Tests pass their own destination to read the lines. */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  return pino(rootLoggerOptions(config), destination ?? bufferedStdout());
}
