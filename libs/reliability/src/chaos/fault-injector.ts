import { ServiceUnavailableException } from '@nestjs/common';

export const CHAOS_TARGETS = ['redis', 'webhook', 'detector', 'http'] as const;
export type ChaosTarget = (typeof CHAOS_TARGETS)[number];

export const CHAOS_FAULTS = ['latency', 'error', 'timeout', 'exception'] as const;
export type ChaosFault = (typeof CHAOS_FAULTS)[number];

/**
 * The injection point every guarded boundary calls before doing real work: it resolves at once when
 * no experiment applies, waits (latency, hang) or throws (error, exception) when one does.
 * `signal` is the caller's timeout: a hang or a delay ends when it fires.
 */
export interface FaultInjector {
  inject(target: ChaosTarget, signal?: AbortSignal, route?: string): Promise<void>;
}

export const FAULT_INJECTOR = Symbol('FAULT_INJECTOR');

/** An injected transient failure: retried, counted by breakers, 503 at the HTTP edge. */
export class ChaosFaultError extends ServiceUnavailableException {
  constructor(target: ChaosTarget) {
    super(`chaos experiment: injected error at ${target}`);
  }
}

/** An injected bug: not retried, 500 at the HTTP edge. */
export class ChaosExceptionError extends Error {
  constructor(target: ChaosTarget) {
    super(`chaos experiment: injected exception at ${target}`);
    this.name = 'ChaosExceptionError';
  }
}
