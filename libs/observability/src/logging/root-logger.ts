import { trace, TraceFlags } from '@opentelemetry/api';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import { AppConfig } from '@astra/config';
import { currentRequest } from '../http/request-scope';
import { sharedStdout } from './chunked-stdout';
import { isoTime } from './iso-time';
import { LogCategory } from './log-categories';

/** Injection token of the process's root pino logger (nestjs-pino and the request observer log through it). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Field names whose values never reach a log line: at the top of a log entry, in its `headers` and in
 * a request's or response's headers. Explicit paths, no wildcards: pino compiles them into direct
 * property checks, where a wildcard would walk every key of every line.
 */
const SECRET_FIELDS = ['authorization', 'cookie', 'set-cookie', 'x-api-key', 'apiKey', 'api_key', 'token', 'password', 'secret'];
const REDACT_PATHS = ['', 'headers.', 'req.headers.', 'res.headers.'].flatMap((prefix) => SECRET_FIELDS.map((field) => `${prefix}["${field}"]`.replace(/^\./, '').replace('.[', '[')));

/** What the mixin hands to the merge: the request's and the span's fields, and the category for a line that names none. */
interface LineContext {
  fields: Record<string, unknown>;
  category: LogCategory;
}

/**
 * The request id of the request being handled, and trace_id / span_id of the active span when it is
 * sampled. The sampled flag is enough: ids of sampled spans are valid (the SDK generates them, the
 * propagator validates incoming ones), so the regex checks of isSpanContextValid are not paid. Lines
 * that name no category (Nest's own, among them) are `error` from the error level up, `application` below.
 */
function lineContext(_line: object, level: number): LineContext {
  const request = currentRequest();
  const span = trace.getActiveSpan()?.spanContext();
  const sampled = span !== undefined && (span.traceFlags & TraceFlags.SAMPLED) !== 0;
  const fields = { ...(request && { request_id: request.requestId }), ...(sampled && { trace_id: span.traceId, span_id: span.spanId }) };
  return { fields, category: level >= pino.levels.values.error ? 'error' : 'application' };
}

/** The context fields first, then the line's own (which win), then the default category if the line has none. */
function mergeLineContext(line: object, context: object): object {
  const { fields, category } = context as LineContext;
  const merged = Object.assign(fields, line);
  merged.category ??= category;
  return merged;
}

export function rootLoggerOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.logLevel,
    base: { service: config.serviceName, version: config.serviceVersion, environment: config.nodeEnv },
    timestamp: () => `,"time":"${isoTime(Date.now())}"`,
    formatters: { level: (label) => ({ level: label }) },
    mixin: lineContext,
    mixinMergeStrategy: mergeLineContext,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
}

/** One JSON object per line on stdout, never pretty-printed. Tests pass their own destination to read the lines. */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  return pino(rootLoggerOptions(config), destination ?? sharedStdout());
}
