import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, Sampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';

type Env = Record<string, string | undefined>;

function ratio(env: Env): number {
  const value = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : 1;
}

/**
 * What the standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG variables ask for (default
 * parentbased_always_on): the sampler, and how it decides a new trace (one without a caller's
 * traceparent). Every sampler here decides a new trace by its root rule alone — always, never, or by
 * trace-id ratio — so that decision is a bound on the trace id's ratio key (trace-ids.ts), the way
 * TraceIdRatioBasedSampler reads it: server-span.ts decides new traces with it before asking the SDK.
 */
export interface Sampling {
  sampler: Sampler;
  /** A new trace is sampled when its id's ratio key is below this bound. */
  newTraceBound: number;
}

/** Every ratio key is below it. */
const ALWAYS = 0x100000000;
const NEVER = 0;

/** TraceIdRatioBasedSampler's bound for `ratio`. */
function ratioBound(ratio: number): number {
  return ratio === 1 ? ALWAYS : Math.floor(ratio * 0xffffffff);
}

export function samplingFromEnv(env: Env): Sampling {
  const share = ratio(env);
  switch ((env.OTEL_TRACES_SAMPLER ?? '').trim() || 'parentbased_always_on') {
    case 'always_on':
      return { sampler: new AlwaysOnSampler(), newTraceBound: ALWAYS };
    case 'always_off':
      return { sampler: new AlwaysOffSampler(), newTraceBound: NEVER };
    case 'traceidratio':
      return { sampler: new TraceIdRatioBasedSampler(share), newTraceBound: ratioBound(share) };
    case 'parentbased_always_off':
      return { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }), newTraceBound: NEVER };
    case 'parentbased_traceidratio':
      return { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(share) }), newTraceBound: ratioBound(share) };
    default:
      return { sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), newTraceBound: ALWAYS };
  }
}
