import { isMainThread } from 'node:worker_threads';
import { getNumberFromEnv, W3CTraceContextPropagator } from '@opentelemetry/core';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { detectResources, envDetector, Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, SpanExporter, SpanLimits, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { sharedStdout } from '../logging/chunked-stdout';
import { isoTime } from '../logging/iso-time';
import { followParentDecisions } from './parent-following-tracer';
import { LineWriter, ReportingSpanExporter } from './reporting-exporter';
import { RequestContextManager } from './request-context-manager';
import { samplingFromEnv } from './sampler';
import { tracingActive, tracingState } from './tracing-state';
import { WorkerSpanExporter } from './worker-span-exporter';

/*
 * The OpenTelemetry SDK, started before Nest and the libraries it patches are loaded
 * (apps/api/src/instrumentation.ts, via `node --require`). No Nest and no @astra imports here.
 */

type Env = Record<string, string | undefined>;

export interface TracingOptions {
  serviceVersion: string;
  env?: Env;
  /** Replaces the exporter OTEL_TRACES_EXPORTER names (tests pass an InMemorySpanExporter). */
  exporter?: SpanExporter;
}

/** TRACING_ENABLED=false keeps the SDK out entirely: no patching, no cost. */
export function tracingEnabledIn(env: Env): boolean {
  const raw = env.TRACING_ENABLED?.trim().toLowerCase();
  return raw !== 'false' && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}

/** Where the OTLP exporter sends, resolved the way the exporter resolves it. */
function otlpEndpoint(env: Env): string {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || 'http://localhost:4318';
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

function jsonLineWriter(env: Env, serviceVersion: string): LineWriter {
  const service = env.SERVICE_NAME?.trim() || 'astraguard';
  const environment = env.NODE_ENV?.trim() || 'development';
  // Through the loggers' stdout buffer: in order with their lines, and a stdout nobody reads is no error.
  return (line) => sharedStdout().write(`${JSON.stringify({ time: isoTime(Date.now()), service, version: serviceVersion, environment, ...line })}\n`);
}

/** The span processor for OTEL_TRACES_EXPORTER (otlp by default, exported from a worker thread; console; none → undefined). */
function spanProcessor(env: Env, options: TracingOptions): SpanProcessor | undefined {
  if (options.exporter) return new SimpleSpanProcessor(options.exporter);
  const kind = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() || 'otlp';
  if (kind === 'none') return undefined;
  if (kind === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter());
  const endpoint = otlpEndpoint(env);
  return new BatchSpanProcessor(new ReportingSpanExporter(new WorkerSpanExporter(), endpoint, jsonLineWriter(env, options.serviceVersion)));
}

/**
 * The service's resource: service.name (OTEL_SERVICE_NAME, SERVICE_NAME or astraguard),
 * service.version, deployment.environment (NODE_ENV), then OTEL_RESOURCE_ATTRIBUTES. Built here, not
 * by the SDK's detection, so that spans made without the SDK's tracer (recording-span.ts) carry the
 * very same object.
 */
function serviceResource(env: Env, serviceVersion: string): Resource {
  return resourceFromAttributes({
    [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME?.trim() || env.SERVICE_NAME?.trim() || 'astraguard',
    [ATTR_SERVICE_VERSION]: serviceVersion,
    'deployment.environment': env.NODE_ENV?.trim() || 'development',
  }).merge(detectResources({ detectors: [envDetector] }));
}

/**
 * The span limits the OTEL_SPAN_* / OTEL_ATTRIBUTE_* variables set, with the SDK's defaults: given to
 * the SDK and to recording-span.ts alike. (The SDK reads process.env; so does this, as the SDK would.)
 */
function spanLimits(): Required<SpanLimits> {
  const limit = (...names: string[]) => names.map((name) => getNumberFromEnv(name)).find((value) => value !== undefined);
  return {
    attributeCountLimit: limit('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT') ?? 128,
    attributeValueLengthLimit: limit('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? Infinity,
    eventCountLimit: limit('OTEL_SPAN_EVENT_COUNT_LIMIT') ?? 128,
    linkCountLimit: limit('OTEL_SPAN_LINK_COUNT_LIMIT') ?? 128,
    attributePerEventCountLimit: limit('OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT') ?? 128,
    attributePerLinkCountLimit: limit('OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT') ?? 128,
  };
}

/**
 * Only ioredis is patched. The HTTP server span is the request observer's (tracing/server-span.ts): it
 * knows the route template, and does its work once per request where the http, express and Nest
 * instrumentations worked on every request, sampled or not, and on every Express layer
 * (docs/decisions.md). Handlers are covered by AstraGuard's own spans.
 */
function instrumentations() {
  // Command names only: arguments carry telemetry and keys.
  return [new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command })];
}

/**
 * Starts tracing unless TRACING_ENABLED=false or OTEL_TRACES_EXPORTER=none, with the service's
 * resource (serviceResource). W3C trace context in and out. Returns whether the SDK runs.
 */
export function startTracing(options: TracingOptions): boolean {
  const env = options.env ?? process.env;
  const state = tracingState();
  if (state.sdk) return true;
  // The span export worker loads the same --require'd files: it must not trace (or start a worker) itself.
  if (!isMainThread) return false;
  if (!tracingEnabledIn(env)) return false;
  const processor = spanProcessor(env, options);
  if (!processor) return false;
  const sampling = samplingFromEnv(env);
  const recording = { resource: serviceResource(env, options.serviceVersion), processor, limits: spanLimits() };
  const sdk = new NodeSDK({
    resource: recording.resource,
    autoDetectResources: false,
    spanLimits: recording.limits,
    sampler: sampling.sampler,
    contextManager: new RequestContextManager(),
    spanProcessors: [processor],
    // Traces only: metrics are Prometheus's (prom-client), logs are pino's.
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: instrumentations(),
  });
  sdk.start();
  followParentDecisions(tracingActive);
  Object.assign(state, { sdk, processor, active: true, newTraces: { bound: sampling.newTraceBound, recording } });
  return true;
}
