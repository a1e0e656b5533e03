import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';

export const AUTH_FAILURE_REASONS = ['missing', 'invalid', 'forbidden', 'admin_disabled'] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** Created once per registry (@willsoto reuses a registered metric: several apps share it in a test process). */
export const securityMetricProviders = [
  makeCounterProvider({ name: 'astra_auth_failures_total', help: 'Requests refused for their credentials or role, by reason', labelNames: ['reason'] }),
  makeCounterProvider({ name: 'astra_rate_limited_total', help: 'Requests refused with 429 by the rate limiter' }),
];

/** The security module's own metrics, on the default registry that /metrics exposes. */
@Injectable()
export class SecurityMetrics {
  constructor(
    @InjectMetric('astra_auth_failures_total') readonly authFailures: Counter<'reason'>,
    @InjectMetric('astra_rate_limited_total') readonly rateLimited: Counter,
  ) {
    // Every reason is exported from the start, so a rate() over it has a baseline.
    for (const reason of AUTH_FAILURE_REASONS) this.authFailures.inc({ reason }, 0);
  }
}
