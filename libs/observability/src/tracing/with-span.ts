import { Attributes, Span, SpanStatusCode, trace } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';

const TRACER_NAME = 'astraguard';

/** The tracer of AstraGuard's own spans (a no-op until the SDK starts). */
export const tracer = trace.getTracer(TRACER_NAME);

/** Its instrumentation scope, for the spans server-span.ts records without it. */
export const TRACER_SCOPE: InstrumentationScope = { name: TRACER_NAME };

/**
 * Runs `work` in an active span: children nest under it, a failure ends it with error status and the
 * exception recorded, and it always ends. Under an unsampled parent this is the parent itself
 * (see parent-following-tracer.ts).
 */
export async function withSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
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
