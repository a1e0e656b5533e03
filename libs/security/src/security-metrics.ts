import { Injectable } from '@nestjs/common';
import { Counter, register } from 'prom-client';

export const AUTH_FAILURE_REASONS = ['missing', 'invalid', 'forbidden', 'admin_disabled'] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** Several apps share the default registry in one test process: reuse a counter already registered. */
function counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames });
}

/** The security module's own metrics, on the default registry that /metrics exposes. */
@Injectable()
export class SecurityMetrics {
  readonly authFailures = counter('astra_auth_failures_total', 'Requests refused for their credentials or role, by reason', ['reason'] as const);
  readonly rateLimited = counter('astra_rate_limited_total', 'Requests refused with 429 by the rate limiter');

  constructor() {
    // Every reason is exported from the start, so a rate() over it has a baseline.
    for (const reason of AUTH_FAILURE_REASONS) this.authFailures.inc({ reason }, 0);
  }
}
