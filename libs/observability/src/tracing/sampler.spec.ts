import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { samplerFromEnv, SwitchableSampler } from './sampler';

const decide = (sampler: { shouldSample: SwitchableSampler['shouldSample'] }) => sampler.shouldSample(ROOT_CONTEXT, '0af7651916cd43dd8448eb211c80319c', 'span', SpanKind.SERVER, {}, []).decision;

describe('samplers', () => {
  it('follow OTEL_TRACES_SAMPLER (default parent-based always on)', () => {
    expect(samplerFromEnv({}).toString()).toContain('ParentBased{root=AlwaysOnSampler');
    expect(decide(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }))).toBe(SamplingDecision.NOT_RECORD);
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).toString()).toContain('TraceIdRatioBased{0.25}');
  });

  it('records nothing while switched off', () => {
    let on = true;
    const sampler = new SwitchableSampler(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_on' }), () => on);
    expect(decide(sampler)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    on = false;
    expect(decide(sampler)).toBe(SamplingDecision.NOT_RECORD);
  });
});
