import { createContextKey, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { spanOnlyContext } from './span-only-context';

const span = (spanId: string) => trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId, traceFlags: TraceFlags.SAMPLED });

describe('spanOnlyContext', () => {
  it('holds its span where the API looks, and nothing else', () => {
    const server = span('b7ad6b7169203331');
    const context = spanOnlyContext(server);
    // If the API ever named its span key otherwise, this fails.
    expect(trace.getSpan(context)).toBe(server);
    expect(context.getValue(createContextKey('other'))).toBeUndefined();
  });

  it('gives a context with the new span when the span is set again, leaving its own unchanged', () => {
    const server = span('b7ad6b7169203331');
    const child = span('00f067aa0ba902b7');
    const context = spanOnlyContext(server);
    const derived = trace.setSpan(context, child);
    expect([trace.getSpan(derived), trace.getSpan(context)]).toEqual([child, server]);
  });

  it('keeps its span in a context with another value set, and gives it up when asked', () => {
    const server = span('b7ad6b7169203331');
    const key = createContextKey('span-only-context spec');
    const context = spanOnlyContext(server);
    const derived = context.setValue(key, 'value');
    expect([trace.getSpan(derived), derived.getValue(key)]).toEqual([server, 'value']);
    expect(context.getValue(key)).toBeUndefined();
    expect(trace.getSpan(trace.deleteSpan(context))).toBeUndefined();
    expect(trace.deleteSpan(context)).toBe(ROOT_CONTEXT);
    expect(context.deleteValue(key)).toBe(context);
  });
});
