import { Context, context, INVALID_SPAN_CONTEXT, ProxyTracerProvider, Span, SpanOptions, trace, TraceFlags, Tracer, TracerOptions, TracerProvider } from '@opentelemetry/api';
import { InstrumentationScope, isTracingSuppressed } from '@opentelemetry/core';
import { RecordingSpan } from './recording-span';

/** What every span request gets while tracing is switched off: a non-recording span with no ids, shared. */
const UNTRACED = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * A tracer that asks the SDK only when the span's sampling is not already settled by its parent.
 *
 * Under a RecordingSpan (a sampled trace this process started, server-span.ts) it starts another,
 * without the SDK: every sampler here keeps a child of a kept local parent, so the SDK would only have
 * made the same span dearer (recording-span.ts). Unless tracing is suppressed in the context (the SDK
 * then makes a non-recording span) or a new root was asked for.
 *
 * Under a local parent that is neither recorded nor sampled it makes no span at all: it hands
 * back the parent (a non-recording span, whose methods do nothing) instead of asking the SDK for
 * another one. (A remote parent, a caller's traceparent, is never recording: its flag decides, so the
 * SDK is asked.) Every sampler AstraGuard builds (tracing/sampler.ts) gives a child its parent's
 * decision — the parent-based ones by rule, the trace-id ratio one because the trace id is shared —
 * so the SDK's child would be non-recording too, only dearer: ids, parent validation, a sampler call
 * and a context per span. An unsampled request thus costs its server span, whoever makes the spans
 * inside it (AstraGuard's own, nestjs-otel's `@Span`, the ioredis instrumentation).
 *
 * While tracing is switched off at runtime (the emergency disable) it makes no span at all, so the
 * switch takes the SDK off the request path as a restart with TRACING_ENABLED=false would.
 */
class ParentFollowingTracer implements Tracer {
  constructor(
    private readonly sdk: Tracer,
    private readonly scope: InstrumentationScope,
    private readonly isActive: () => boolean,
  ) {}

  startSpan(name: string, options?: SpanOptions, parentContext: Context = context.active()): Span {
    if (!this.isActive()) return UNTRACED;
    const parent = parentIn(options, parentContext);
    return isUnsampledLocal(parent) ? parent : this.newSpan(name, options, parentContext, parent);
  }

  /** A RecordingSpan under a RecordingSpan parent (see above); otherwise the SDK decides. */
  private newSpan(name: string, options: SpanOptions | undefined, parentContext: Context, parent: Span | undefined): Span {
    if (!(parent instanceof RecordingSpan) || isTracingSuppressed(parentContext)) return this.sdk.startSpan(name, options, parentContext);
    return parent.child({ name, kind: options?.kind, attributes: options?.attributes, links: options?.links, startTime: options?.startTime, scope: this.scope, context: parentContext });
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, parentContext: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, a: SpanOptions | F, b?: Context | F, c?: F): ReturnType<F> {
    // Overloads by argument count, without a rest array: this runs for every span asked for in a request.
    const fn = (c ?? b ?? a) as (span: Span) => ReturnType<F>;
    if (!this.isActive()) return fn(UNTRACED);
    const options = typeof a === 'function' ? undefined : a;
    const active = context.active();
    const parentContext = typeof b === 'object' ? b : active;
    const parent = parentIn(options, parentContext);
    // The parent is already the active span of its context: no new context is needed.
    if (isUnsampledLocal(parent)) return parentContext === active ? fn(parent) : context.with(parentContext, fn, undefined, parent);
    const span = this.newSpan(name, options, parentContext, parent);
    return context.with(trace.setSpan(parentContext, span), fn, undefined, span);
  }
}

/** The span a new span would be the child of: the context's, unless a new root was asked for. */
function parentIn(options: SpanOptions | undefined, parentContext: Context): Span | undefined {
  return options?.root ? undefined : trace.getSpan(parentContext);
}

/**
 * Whether `parent` is local, not recorded and not sampled. Not recording alone is not enough: a
 * sampled span stops recording when it ends, and work that outlives its request (an alert sent after
 * the response) still belongs in its trace.
 */
function isUnsampledLocal(parent: Span | undefined): parent is Span {
  if (!parent || parent.isRecording()) return false;
  const { traceFlags, isRemote } = parent.spanContext();
  return !(traceFlags & TraceFlags.SAMPLED || isRemote);
}

class ParentFollowingTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, Tracer>();

  constructor(
    private readonly sdk: TracerProvider,
    private readonly isActive: () => boolean,
  ) {}

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    // nestjs-otel's @Span asks for its tracer on every call: the usual bare name is its own key.
    const key = version === undefined && options?.schemaUrl === undefined ? name : `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this.tracers.get(key);
    if (!tracer) this.tracers.set(key, (tracer = new ParentFollowingTracer(this.sdk.getTracer(name, version, options), { name, version, schemaUrl: options?.schemaUrl }, this.isActive)));
    return tracer;
  }
}

/**
 * Puts ParentFollowingTracer in front of the registered (SDK) tracer provider. Call right after the
 * provider is registered, before any tracer is used: the API's global proxy keeps its identity, so
 * tracers obtained earlier (instrumentations, module constants) go through it too. `isActive` is the
 * runtime switch: every span passes here, so this is where switching tracing off takes effect.
 */
export function followParentDecisions(isActive: () => boolean): void {
  const global = trace.getTracerProvider();
  if (global instanceof ProxyTracerProvider) global.setDelegate(new ParentFollowingTracerProvider(global.getDelegate(), isActive));
}
