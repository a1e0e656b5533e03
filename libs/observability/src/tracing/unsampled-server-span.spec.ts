import { isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { formatTraceId, newTraceIdWords } from './trace-ids';
import { spanOnlyContext } from './span-only-context';
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

  it('propagates its ids from a context holding it, unsampled', () => {
    const span = new UnsampledServerSpan(newTraceIdWords());
    const context = spanOnlyContext(span);
    expect(trace.getSpan(context)).toBe(span);
    const headers: Record<string, string> = {};
    new W3CTraceContextPropagator().inject(context, headers, { set: (carrier, key, value) => ((carrier as Record<string, string>)[key] = value) });
    expect(headers.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-00`);
  });
});
