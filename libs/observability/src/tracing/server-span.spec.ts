import { isSpanContextValid, ROOT_CONTEXT, Span, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter, SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { startTracing } from './sdk';
import { endServerSpan, startServerSpan } from './server-span';
import { shutdownTracing } from './tracing-state';

const exporter = new InMemorySpanExporter();
startTracing({ serviceVersion: '0.0.0-test', exporter, env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' } });
afterAll(() => shutdownTracing());
beforeEach(() => exporter.reset());

const sampled = (span: Span) => (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;

describe('server spans under a trace-id ratio sampler', () => {
  it('decide a new trace as the sampler does: the dropped ones never reach the SDK, the kept ones keep the id decided on', () => {
    const reference = new TraceIdRatioBasedSampler(0.5);
    const spans = Array.from({ length: 200 }, () => startServerSpan('POST', '/api/v1/telemetry', {}).span);
    for (const span of spans) {
      const ids = span.spanContext();
      expect(isSpanContextValid(ids)).toBe(true);
      expect(span.isRecording()).toBe(sampled(span));
      expect(sampled(span)).toBe(reference.shouldSample(ROOT_CONTEXT, ids.traceId).decision === SamplingDecision.RECORD_AND_SAMPLED);
      endServerSpan(span, 'POST', '/api/v1/telemetry', 200);
    }
    const kept = spans.filter(sampled);
    expect(exporter.getFinishedSpans().map((span) => span.spanContext().traceId)).toEqual(kept.map((span) => span.spanContext().traceId));
    // Half of 200, give or take 50 (fails about once in 10^12 runs).
    expect(Math.abs(kept.length - 100)).toBeLessThan(50);
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(200);
  });

  it('follow the caller\'s decision when there is a traceparent', () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const kept = startServerSpan('GET', '/api/v1/status', { traceparent: `00-${traceId}-b7ad6b7169203331-01` });
    const dropped = startServerSpan('GET', '/api/v1/status', { traceparent: `00-${traceId}-b7ad6b7169203331-00` });
    expect([kept.span.isRecording(), dropped.span.isRecording()]).toEqual([true, false]);
    expect([kept.span.spanContext().traceId, dropped.span.spanContext().traceId]).toEqual([traceId, traceId]);
  });
});
