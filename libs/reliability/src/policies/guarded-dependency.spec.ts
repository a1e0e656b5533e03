import { Logger } from '@nestjs/common';
import { BrokenCircuitError, IsolatedCircuitError } from 'cockatiel';
import { register } from 'prom-client';
import { DependencyPolicySettings } from '@astra/config';
import { FaultInjector } from '../chaos/fault-injector';
import { ReliabilityMetrics } from '../reliability-metrics';
import { BreakerStateName, GuardedDependency, retryBackoff } from './guarded-dependency';

/** Fault test 5: the breaker state machine, on a fake clock, with exact transitions and counts. */

const SETTINGS: DependencyPolicySettings = {
  timeoutMs: 1000,
  maxAttempts: 1,
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 100,
  breakerWindow: 4,
  breakerMinCalls: 4,
  breakerFailureRate: 0.5,
  breakerSlowCallRate: 0.5,
  breakerSlowCallMs: 100,
  breakerHalfOpenAfterMs: 1000,
  bulkheadLimit: 10,
  bulkheadQueue: 10,
};

class Outage extends Error {}
class Bug extends Error {}
const noFaults: FaultInjector = { inject: async () => undefined };
beforeAll(() => Logger.overrideLogger(false));

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await register.getSingleMetric(name)!.get();
  const found = metric.values.find((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value));
  return found?.value ?? 0;
}

describe('GuardedDependency breaker (fake clock)', () => {
  let dependency: GuardedDependency;
  let transitions: BreakerStateName[];
  let invoked: number;
  const ok = () => dependency.execute('probe', async () => void invoked++);
  const fail = () => dependency.execute('probe', async () => {
    invoked++;
    throw new Outage('down');
  });
  const slow = () => dependency.execute('probe', () => {
    invoked++;
    return new Promise<void>((resolve) => setTimeout(resolve, 150));
  });

  beforeEach(() => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    register.resetMetrics();
    dependency = new GuardedDependency('webhook', SETTINGS, (error) => error instanceof Outage, noFaults, new ReliabilityMetrics());
    transitions = [];
    invoked = 0;
    dependency.onStateChange((state) => transitions.push(state));
  });
  afterEach(() => jest.useRealTimers());

  it('stays closed below the minimum number of calls, opens when the failure rate exceeds the threshold', async () => {
    await ok();
    await ok();
    await expect(fail()).rejects.toThrow(Outage);
    expect(dependency.snapshot()).toMatchObject({ state: 'closed', calls: 3 });
    await expect(fail()).rejects.toThrow(Outage);
    // 2 of 4 failed: 50 % is not more than 50 %.
    expect(dependency.snapshot()).toMatchObject({ state: 'closed', calls: 4, failure_rate: 0.5 });
    await expect(fail()).rejects.toThrow(Outage);
    // Window [ok, fail, fail, fail]: 75 %.
    expect(dependency.snapshot()).toMatchObject({ state: 'open', calls: 4, failure_rate: 0.75 });
    expect(transitions).toEqual(['open']);
    expect(await metricValue('astra_circuit_breaker_state', { breaker: 'webhook' })).toBe(1);
    expect(await metricValue('astra_circuit_breaker_transitions_total', { breaker: 'webhook', from: 'closed', to: 'open' })).toBe(1);
  });

  it('refuses calls while open without running them, lets one probe through after halfOpenAfter and closes on success', async () => {
    for (let i = 0; i < 4; i++) await expect(fail()).rejects.toThrow(Outage);
    expect(dependency.currentState).toBe('open');
    invoked = 0;
    await expect(ok()).rejects.toThrow(BrokenCircuitError);
    jest.advanceTimersByTime(999);
    expect(dependency.probeDue()).toBe(false);
    await expect(ok()).rejects.toThrow(BrokenCircuitError);
    expect(invoked).toBe(0);
    jest.advanceTimersByTime(1);
    expect(dependency.probeDue()).toBe(true);
    await ok();
    expect(invoked).toBe(1);
    expect(transitions).toEqual(['open', 'half_open', 'closed']);
    // A successful probe starts a fresh window.
    expect(dependency.snapshot()).toMatchObject({ state: 'closed', calls: 0 });
    expect(await metricValue('astra_circuit_breaker_state', { breaker: 'webhook' })).toBe(0);
    expect(await metricValue('astra_circuit_breaker_transitions_total', { breaker: 'webhook', from: 'half_open', to: 'closed' })).toBe(1);
  });

  it('reopens when the half-open probe fails, and waits a full halfOpenAfter again', async () => {
    for (let i = 0; i < 4; i++) await expect(fail()).rejects.toThrow(Outage);
    jest.advanceTimersByTime(1000);
    await expect(fail()).rejects.toThrow(Outage);
    expect(transitions).toEqual(['open', 'half_open', 'open']);
    jest.advanceTimersByTime(999);
    await expect(ok()).rejects.toThrow(BrokenCircuitError);
    jest.advanceTimersByTime(1);
    await ok();
    expect(transitions).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  it('opens on the slow-call rule even though every call succeeds', async () => {
    for (let i = 0; i < 3; i++) {
      const call = slow();
      await jest.advanceTimersByTimeAsync(150);
      await call;
    }
    expect(dependency.snapshot()).toMatchObject({ state: 'closed', calls: 3, slow_call_rate: 1, failure_rate: 0 });
    const fourth = slow();
    await jest.advanceTimersByTimeAsync(150);
    await expect(fourth).resolves.toBeUndefined();
    expect(dependency.snapshot()).toMatchObject({ state: 'open', slow_call_rate: 1, failure_rate: 0 });
  });

  it('counts a timed-out attempt as a failure', async () => {
    const hung = () => dependency.execute('probe', () => new Promise<void>(() => undefined));
    await ok();
    for (let i = 0; i < 3; i++) {
      const call = expect(hung()).rejects.toThrow(/timed out|cancel/i);
      await jest.advanceTimersByTimeAsync(1000);
      await call;
    }
    expect(dependency.snapshot()).toMatchObject({ state: 'open', calls: 4, failure_rate: 0.75 });
  });

  it('does not count errors that are not transient', async () => {
    for (let i = 0; i < 6; i++) {
      await expect(dependency.execute('probe', async () => {
        throw new Bug('bad request');
      })).rejects.toThrow(Bug);
    }
    expect(dependency.snapshot()).toMatchObject({ state: 'closed', calls: 0 });
  });

  it('isolates on demand and resets to closed with an empty window', async () => {
    await expect(fail()).rejects.toThrow(Outage);
    dependency.isolate();
    await expect(ok()).rejects.toThrow(IsolatedCircuitError);
    expect(dependency.currentState).toBe('isolated');
    expect(await metricValue('astra_circuit_breaker_state', { breaker: 'webhook' })).toBe(1);
    dependency.reset();
    expect(dependency.snapshot()).toMatchObject({ state: 'closed', calls: 0 });
    await ok();
    expect(transitions).toEqual(['isolated', 'closed']);
  });
});

describe('GuardedDependency retries', () => {
  beforeEach(() => register.resetMetrics());

  it('retries transient failures up to maxAttempts and counts each outcome', async () => {
    const dependency = new GuardedDependency('redis', { ...SETTINGS, maxAttempts: 3, retryBaseDelayMs: 1, retryMaxDelayMs: 5, breakerMinCalls: 10, breakerWindow: 10 }, (e) => e instanceof Outage, noFaults, new ReliabilityMetrics());
    let calls = 0;
    await expect(dependency.execute('redis.ping', async () => {
      if (++calls < 3) throw new Outage('blip');
      return 'pong';
    })).resolves.toBe('pong');
    expect(calls).toBe(3);
    calls = 0;
    await expect(dependency.execute('redis.ping', async () => {
      calls++;
      throw new Outage('down');
    })).rejects.toThrow(Outage);
    expect(calls).toBe(3);
    expect(await metricValue('astra_retry_attempts_total', { operation: 'redis.ping', outcome: 'retry' })).toBe(4);
    expect(await metricValue('astra_retry_attempts_total', { operation: 'redis.ping', outcome: 'success' })).toBe(1);
    expect(await metricValue('astra_retry_attempts_total', { operation: 'redis.ping', outcome: 'exhausted' })).toBe(1);
  });

  it('does not retry an error that is not transient', async () => {
    const dependency = new GuardedDependency('redis', { ...SETTINGS, maxAttempts: 3 }, (e) => e instanceof Outage, noFaults, new ReliabilityMetrics());
    let calls = 0;
    await expect(dependency.execute('redis.ping', async () => {
      calls++;
      throw new Bug('WRONGTYPE');
    })).rejects.toThrow(Bug);
    expect(calls).toBe(1);
  });

  it('spaces retries with bounded, jittered delays', () => {
    const settings = { ...SETTINGS, retryBaseDelayMs: 20, retryMaxDelayMs: 200 };
    const sequence = () => {
      const delays: number[] = [];
      let backoff = retryBackoff(settings).next();
      for (let attempt = 0; attempt < 8; attempt++) {
        delays.push(backoff.duration);
        backoff = backoff.next(undefined);
      }
      return delays;
    };
    const runs = Array.from({ length: 5 }, sequence);
    for (const delays of runs) for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(0), expect(delay).toBeLessThanOrEqual(200);
    // Jitter: no two runs wait the same way.
    expect(new Set(runs.map((delays) => delays.join(','))).size).toBe(runs.length);
  });
});
