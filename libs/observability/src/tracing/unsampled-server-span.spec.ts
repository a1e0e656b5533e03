import { isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { formatTraceId, newTraceIdWords } from './trace-ids';
import { UnsampledServerSpan } from './unsampled-server-span';

describe('UnsampledServerSpan', () => {
  it('is a valid, unsampled, non-recording span of the trace id it was given', () => {
    const words = newTraceIdWords();
    const span = new UnsampledServerSpan(words);
    const ids = span.spanContext();
    expect(ids.traceId).toBe(formatTraceId(words));
    expect(ids.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(ids.spanId).toBe(span.spanContext().spanId);
    expect(ids.traceFlags).toBe(TraceFlags.NONE);
    expect(isSpanContextValid(ids)).toBe(true);
    expect(span.isRecording()).toBe(false);
    expect(span.setAttribute('a', 1).setStatus({ code: 2 }).updateName('other')).toBe(span);
  });

  it('is the active span of its context, for the API and for a propagator', () => {
    const span = new UnsampledServerSpan(newTraceIdWords());
    // The context answers the API's own span key: if the API ever named it otherwise, this fails.
    expect(trace.getSpan(span.context)).toBe(span);
    const headers: Record<string, string> = {};
    new W3CTraceContextPropagator().inject(span.context, headers, { set: (carrier, key, value) => ((carrier as Record<string, string>)[key] = value) });
    expect(headers.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-00`);
  });
});
