import { Logger } from '@nestjs/common';
import {
  BulkheadPolicy,
  bulkhead,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  decorrelatedJitterGenerator,
  ExponentialBackoff,
  GeneratorFn,
  handleWhen,
  RetryPolicy,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutPolicy,
  TimeoutStrategy,
} from 'cockatiel';
import { DependencyPolicySettings } from '@astra/config';
import { DomainEvents, withSpan } from '@astra/observability';
import { ChaosFaultError, ChaosTarget, FaultInjector } from '../chaos/fault-injector';
import { ReliabilityMetrics } from '../reliability-metrics';
import { WindowBreaker, WindowStats } from './window-breaker';

export type BreakerStateName = 'closed' | 'open' | 'half_open' | 'isolated';

const STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};
/** astra_circuit_breaker_state: 0 closed, 1 open (an isolated breaker is open), 2 half-open. */
const GAUGE_VALUES: Record<BreakerStateName, number> = { closed: 0, open: 1, half_open: 2, isolated: 1 };

export interface BreakerSnapshot extends WindowStats {
  name: string;
  state: BreakerStateName;
  /** When the breaker last opened (ISO-8601), while it is open. */
  opened_at?: string;
  /** While open: when a probe call is let through. */
  half_open_at?: string;
  settings: DependencyPolicySettings;
}

interface Measured<T> {
  value: T;
  slow: boolean;
}

/** Exponential backoff from the base delay up to the max, with decorrelated jitter (cockatiel's default generator, made explicit). */
export function retryBackoff(settings: DependencyPolicySettings): ExponentialBackoff<unknown> {
  return new ExponentialBackoff({ initialDelay: settings.retryBaseDelayMs, maxDelay: settings.retryMaxDelayMs, generator: decorrelatedJitterGenerator as GeneratorFn<unknown> });
}

/**
 * One dependency's guard, composed on cockatiel, outermost first:
 *   retry (exponential backoff, decorrelated jitter, transient errors only, bounded attempts)
 *   → circuit breaker (WindowBreaker: failure rate and slow-call rate over a count window)
 *   → bulkhead (concurrency limit and bounded queue)
 *   → timeout (per attempt, aggressive, with the AbortSignal handed to the work)
 * The timeout sits inside the breaker so a hung attempt counts as a failure; the breaker sits inside
 * the retry so an open breaker fails the call at once instead of being retried.
 */
export class GuardedDependency {
  readonly breaker: CircuitBreakerPolicy;
  private readonly window: WindowBreaker;
  /** One retry policy per operation (a fixed, small set), so each retry is reported with its operation. */
  private readonly retries = new Map<string, RetryPolicy>();
  private readonly bulkhead: BulkheadPolicy;
  private readonly timeout: TimeoutPolicy;
  private readonly logger: Logger;
  private state: BreakerStateName = 'closed';
  private openedAt?: number;
  private isolation?: { dispose(): void };
  private readonly listeners: ((state: BreakerStateName) => void)[] = [];

  constructor(
    readonly name: ChaosTarget,
    readonly settings: DependencyPolicySettings,
    /** Errors worth retrying and counting against the dependency (connection lost, 5xx…). */
    private readonly isTransient: (error: unknown) => boolean,
    private readonly faults: FaultInjector,
    private readonly metrics: ReliabilityMetrics,
  ) {
    this.logger = new Logger(`Guard:${name}`);
    this.window = new WindowBreaker({
      window: settings.breakerWindow,
      minCalls: settings.breakerMinCalls,
      failureRate: settings.breakerFailureRate,
      slowCallRate: settings.breakerSlowCallRate,
    });
    this.breaker = circuitBreaker(
      handleWhen((error) => this.countsAgainst(error)).orWhenResult((result) => (result as Measured<unknown>).slow),
      { breaker: this.window, halfOpenAfter: settings.breakerHalfOpenAfterMs },
    );
    this.bulkhead = bulkhead(settings.bulkheadLimit, settings.bulkheadQueue);
    this.timeout = timeout(settings.timeoutMs, TimeoutStrategy.Aggressive);
    this.metrics.breakerState.set({ breaker: name }, 0);
    this.breaker.onStateChange((next) => this.transition(STATE_NAMES[next]));
  }

  /** Runs `work` under the guard; `operation` labels metrics, logs and spans (a fixed name, never input). */
  async execute<T>(operation: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const started = performance.now();
    let attempts = 0;
    try {
      const value = await this.retryFor(operation).execute(async ({ attempt }) => {
        attempts = attempt + 1;
        const measured = await this.breaker.execute(() => this.attempt(operation, attempts, work));
        return measured.value;
      });
      this.metrics.retryAttempts.inc({ operation, outcome: 'success' });
      return value;
    } catch (error) {
      if (this.countsAgainst(error)) {
        this.metrics.retryAttempts.inc({ operation, outcome: 'exhausted' });
        this.logger.warn({ msg: `${operation} failed after ${attempts} attempt(s): ${(error as Error).message}`, category: 'infrastructure', event: 'retry_exhausted', dependency: this.name, operation, attempts });
      }
      throw error;
    } finally {
      if (attempts > 1) this.metrics.retryLatency.observe({ operation }, (performance.now() - started) / 1000);
    }
  }

  private retryFor(operation: string): RetryPolicy {
    let policy = this.retries.get(operation);
    if (!policy) {
      policy = retry(handleWhen((error) => this.countsAgainst(error)), { maxAttempts: this.settings.maxAttempts - 1, backoff: retryBackoff(this.settings) });
      policy.onRetry(({ attempt, delay, ...reason }) => {
        this.metrics.retryAttempts.inc({ operation, outcome: 'retry' });
        const error = 'error' in reason ? (reason.error as Error).message : 'slow result';
        this.logger.debug({ ...DomainEvents.retry({ operation, attempt, delay_ms: Math.round(delay), error }), dependency: this.name });
      });
      this.retries.set(operation, policy);
    }
    return policy;
  }

  /** Holds the breaker open until reset (admin action). */
  isolate(): void {
    this.isolation ??= this.breaker.isolate();
  }

  /** Closes the breaker whatever its state, with an empty window (admin action). */
  reset(): void {
    this.isolation?.dispose();
    this.isolation = undefined;
    if (this.breaker.state !== CircuitState.Closed) this.breaker.isolate().dispose();
    this.window.reset();
  }

  /** True once an open breaker's wait is over: the next call is its half-open probe. */
  probeDue(now = Date.now()): boolean {
    return this.state === 'open' && this.openedAt !== undefined && now - this.openedAt >= this.settings.breakerHalfOpenAfterMs;
  }

  get currentState(): BreakerStateName {
    return this.state;
  }

  onStateChange(listener: (state: BreakerStateName) => void): void {
    this.listeners.push(listener);
  }

  snapshot(): BreakerSnapshot {
    return {
      name: this.name,
      state: this.state,
      ...this.window.stats(),
      ...(this.state === 'open' && this.openedAt !== undefined
        ? { opened_at: new Date(this.openedAt).toISOString(), half_open_at: new Date(this.openedAt + this.settings.breakerHalfOpenAfterMs).toISOString() }
        : {}),
      settings: this.settings,
    };
  }

  private countsAgainst(error: unknown): boolean {
    return error instanceof TaskCancelledError || error instanceof ChaosFaultError || this.isTransient(error);
  }

  /** One attempt: chaos hook, then the real work, timed inside the bulkhead so queueing is not "slow". */
  private attempt<T>(operation: string, attempt: number, work: (signal: AbortSignal) => Promise<T>): Promise<Measured<T>> {
    return withSpan(`${this.name} ${operation}`, { 'astra.dependency': this.name, 'astra.operation': operation, 'astra.attempt': attempt }, () =>
      this.bulkhead.execute(async () => {
        const started = performance.now();
        try {
          const value = await this.timeout.execute(async ({ signal }) => {
            await this.faults.inject(this.name, signal);
            // An injected delay may outlast the timeout: the attempt is over, so the work is not started.
            if (signal.aborted) throw new TaskCancelledError();
            return work(signal);
          });
          const slow = performance.now() - started > this.settings.breakerSlowCallMs;
          this.window.record(slow ? 'slow' : 'success');
          return { value, slow };
        } catch (error) {
          if (this.countsAgainst(error)) this.window.record('failure');
          throw error;
        }
      }),
    );
  }

  private transition(next: BreakerStateName): void {
    const from = this.state;
    if (from === next) return;
    this.state = next;
    this.openedAt = next === 'open' ? Date.now() : next === 'isolated' ? this.openedAt : undefined;
    this.metrics.breakerState.set({ breaker: this.name }, GAUGE_VALUES[next]);
    this.metrics.breakerTransitions.inc({ breaker: this.name, from, to: next });
    const log = { ...DomainEvents.breakerTransition({ breaker: this.name, from, to: next }), ...this.window.stats() };
    if (next === 'open' || next === 'isolated') this.logger.warn(log);
    else this.logger.log(log);
    for (const listener of this.listeners) listener(next);
  }
}
