import type { IncomingHttpHeaders } from 'node:http';
import { Attributes, Context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { RecordingSpan } from './recording-span';
import { newTraceIdWords, ratioKey } from './trace-ids';
import { spanOnlyContext } from './span-only-context';
import { tracingState } from './tracing-state';
import { UnsampledServerSpan } from './unsampled-server-span';
import { tracer, TRACER_SCOPE } from './with-span';

function requestAttributes(method: string, url: string): Attributes {
  const query = url.indexOf('?');
  return { 'http.request.method': method, 'url.path': query === -1 ? url : url.slice(0, query), 'url.scheme': 'http' };
}

/** A request's HTTP server span and the context that makes it the parent of the request's work. */
export interface ServerSpan {
  span: Span;
  context: Context;
}

/**
 * Starts the server span of a request, continuing the caller's W3C `traceparent` when there is one.
 * Named after the method until the route is known (endServerSpan). Attributes are set only on a
 * recording span: an unsampled request costs the ids and the context, nothing more.
 *
 * A new trace is decided here, by its id, the way the configured sampler decides it (sampler.ts): a
 * dropped one gets a non-recording span with fresh ids, as the SDK would make it, without the SDK's
 * span machinery (about 4 µs, for nine requests in ten at the usual 10 % rate) and with its ids
 * formatted only if read (UnsampledServerSpan); a kept one gets a RecordingSpan, which records and
 * exports as the SDK's span would. A caller's trace goes to the SDK, whose sampler follows the caller.
 */
export function startServerSpan(method: string, url: string, headers: IncomingHttpHeaders): ServerSpan {
  const newTraces = tracingState().newTraces;
  if (headers.traceparent === undefined && newTraces) {
    const traceWords = newTraceIdWords();
    if (ratioKey(traceWords) >= newTraces.bound) {
      const dropped = new UnsampledServerSpan(traceWords);
      return { span: dropped, context: spanOnlyContext(dropped) };
    }
    const kept = RecordingSpan.root(newTraces.recording, traceWords, { name: method, kind: SpanKind.SERVER, attributes: requestAttributes(method, url), scope: TRACER_SCOPE, context: ROOT_CONTEXT });
    return { span: kept, context: spanOnlyContext(kept) };
  }
  // The W3C propagator (the only one sdk.ts installs) reads nothing without a traceparent.
  const parent = headers.traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
  if (span.isRecording()) span.setAttributes(requestAttributes(method, url));
  return { span, context: parent === ROOT_CONTEXT ? spanOnlyContext(span) : trace.setSpan(parent, span) };
}

/** Names the span `METHOD /route/template` (just the method when no route matched), records the status and ends it. */
export function endServerSpan(span: Span, method: string, route: string | undefined, status: number): void {
  if (span.isRecording()) {
    if (route) {
      span.updateName(`${method} ${route}`);
      span.setAttribute('http.route', route);
    }
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
