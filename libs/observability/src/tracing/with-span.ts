import { Attributes, Span, SpanStatusCode, trace } from '@opentelemetry/api';

/** The tracer of AstraGuard's own spans (a no-op until the SDK starts). */
export const tracer = trace.getTracer('astraguard');

/**
 * Runs `work` in an active span: children nest under it, a failure ends it with error status and the
 * exception recorded, and it always ends.
 *
 * Under a parent that is not recorded (an unsampled request, or tracing switched off) `work` runs in
 * the parent's span instead: every sampler AstraGuard builds (tracing/sampler.ts) gives a child its
 * parent's decision — the parent-based ones by rule, the trace-id ratio because the trace id is
 * shared — so a child span there would only be created to be dropped.
 */
export async function withSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = trace.getActiveSpan();
  if (parent && !parent.isRecording()) return work(parent);
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}
