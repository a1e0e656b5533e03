import { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, Sampler, SamplingDecision, SamplingResult, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';

type Env = Record<string, string | undefined>;

function ratio(env: Env): number {
  const value = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : 1;
}

/** The sampler the standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG variables name (default parentbased_always_on). */
export function samplerFromEnv(env: Env): Sampler {
  switch ((env.OTEL_TRACES_SAMPLER ?? '').trim() || 'parentbased_always_on') {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio(env));
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio(env)) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

const DROP: SamplingResult = { decision: SamplingDecision.NOT_RECORD };

/** Defers to the configured sampler while tracing is on; records nothing while it is switched off. */
export class SwitchableSampler implements Sampler {
  constructor(
    private readonly inner: Sampler,
    private readonly isOn: () => boolean,
  ) {}

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    return this.isOn() ? this.inner.shouldSample(context, traceId, spanName, spanKind, attributes, links) : DROP;
  }

  toString(): string {
    return `Switchable{${this.inner.toString()}}`;
  }
}
