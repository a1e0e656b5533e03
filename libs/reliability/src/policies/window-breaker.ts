import { CircuitState, IBreaker } from 'cockatiel';

export type CallOutcome = 'success' | 'slow' | 'failure';

export interface BreakerRule {
  /** Calls judged: the most recent `window`. */
  window: number;
  /** Fewer calls than this in the window never open the breaker. */
  minCalls: number;
  /** Opens when failures / calls exceeds this… */
  failureRate: number;
  /** …or slow calls / calls exceeds this. */
  slowCallRate: number;
}

export interface WindowStats {
  calls: number;
  failure_rate: number;
  slow_call_rate: number;
}

/**
 * The breaker rule for cockatiel's CircuitBreakerPolicy: a count window with a failure-rate and a
 * slow-call-rate threshold, judged once the window holds a minimum number of calls.
 * Outcomes are recorded by the caller (which alone knows a call's duration); cockatiel only asks
 * whether to open, and resets the window when a half-open probe succeeds.
 */
export class WindowBreaker implements IBreaker {
  private outcomes: CallOutcome[] = [];

  constructor(private readonly rule: BreakerRule) {}

  record(outcome: CallOutcome): void {
    this.outcomes.push(outcome);
    if (this.outcomes.length > this.rule.window) this.outcomes.shift();
  }

  stats(): WindowStats {
    const calls = this.outcomes.length;
    const share = (outcome: CallOutcome) => (calls === 0 ? 0 : this.outcomes.filter((o) => o === outcome).length / calls);
    return { calls, failure_rate: share('failure'), slow_call_rate: share('slow') };
  }

  tripped(): boolean {
    const { calls, failure_rate, slow_call_rate } = this.stats();
    return calls >= this.rule.minCalls && (failure_rate > this.rule.failureRate || slow_call_rate > this.rule.slowCallRate);
  }

  reset(): void {
    this.outcomes = [];
  }

  get state(): unknown {
    return [...this.outcomes];
  }

  set state(value: unknown) {
    this.outcomes = [...(value as CallOutcome[])];
  }

  success(state: CircuitState): void {
    if (state === CircuitState.HalfOpen) this.reset();
  }

  /** A failed half-open probe reopens at once; a closed breaker opens when the window says so. */
  failure(state: CircuitState): boolean {
    return state !== CircuitState.Closed || this.tripped();
  }
}
