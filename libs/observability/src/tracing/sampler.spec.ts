import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { Sampler, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { samplingFromEnv } from './sampler';
import { formatTraceId, newTraceIdWords, ratioKey } from './trace-ids';

const decide = (sampler: Sampler, traceId = '0af7651916cd43dd8448eb211c80319c') =>
  sampler.shouldSample(ROOT_CONTEXT, traceId, 'span', SpanKind.SERVER, {}, []).decision;

describe('samplers', () => {
  it('follow OTEL_TRACES_SAMPLER (default parent-based always on)', () => {
    expect(samplingFromEnv({}).sampler.toString()).toContain('ParentBased{root=AlwaysOnSampler');
    expect(decide(samplingFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }).sampler)).toBe(SamplingDecision.NOT_RECORD);
    expect(samplingFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).sampler.toString()).toContain('TraceIdRatioBased{0.25}');
  });

  it.each(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])(
    'decides a new trace by its id the way the %s sampler does',
    (kind) => {
      const { sampler, newTraceBound } = samplingFromEnv({ OTEL_TRACES_SAMPLER: kind, OTEL_TRACES_SAMPLER_ARG: '0.3' });
      const ids = Array.from({ length: 2000 }, newTraceIdWords);
      const sampledBySdk = ids.map((words) => decide(sampler, formatTraceId(words)) === SamplingDecision.RECORD_AND_SAMPLED);
      expect(ids.map((words) => ratioKey(words) < newTraceBound)).toEqual(sampledBySdk);
      // Ratio samplers keep about their share (0.3 ± 0.05 of 2000 fails about once in 10^6 runs).
      const kept = sampledBySdk.filter(Boolean).length / ids.length;
      if (kind.endsWith('traceidratio')) expect(Math.abs(kept - 0.3)).toBeLessThan(0.05);
      else expect(kept).toBe(kind.endsWith('always_on') ? 1 : 0);
    },
  );
});
