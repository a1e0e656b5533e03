import { Context, context, propagation } from '@opentelemetry/api';

/** A trace context captured with currentTraceContext, to run work in later (inTraceContext). */
export type TraceContext = Context;

/**
 * The W3C trace-context headers (`traceparent`, and `tracestate` when set) of the active span, for
 * outgoing calls made with a client no instrumentation patches (global fetch). Empty when nothing is
 * being traced.
 */
export function traceContextHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

/** The active trace context, for work queued now and done later (an alert sent after its request ended). */
export function currentTraceContext(): TraceContext {
  return context.active();
}

/** Runs `work` in a trace context captured earlier: its spans join the trace it was queued in. */
export function inTraceContext<T>(captured: TraceContext, work: () => T): T {
  return context.with(captured, work);
}
