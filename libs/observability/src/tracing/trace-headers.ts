import { context, propagation } from '@opentelemetry/api';

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
