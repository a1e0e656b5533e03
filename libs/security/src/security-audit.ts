import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { AuthFailureReason, SecurityMetrics } from './security-metrics';

/**
 * Where the request came in, for logs: the route template (never the raw path), the method and
 * the peer address. Nothing the caller chose freely, so nothing unbounded reaches a log line.
 */
function origin(req: Request) {
  return { method: req.method, route: (req.route as { path?: string } | undefined)?.path ?? 'unmatched', ip: req.ip };
}

/** Security and audit events: one structured log line each (keys never, key ids only) and their counters. */
@Injectable()
export class SecurityAudit {
  private readonly logger = new Logger('Security');

  constructor(private readonly metrics: SecurityMetrics) {}

  authFailure(req: Request, reason: AuthFailureReason, keyId?: string): void {
    this.metrics.authFailures.inc({ reason });
    this.logger.warn({ msg: 'request refused', category: 'security', event: 'auth_failure', reason, key_id: keyId, ...origin(req) });
  }

  /** Counted every time; logged once per caller and window (when the caller first goes over). */
  rateLimited(req: Request, caller: string, firstOverLimit: boolean): void {
    this.metrics.rateLimited.inc();
    if (firstOverLimit) this.logger.warn({ msg: 'rate limit reached', category: 'security', event: 'rate_limited', caller, ...origin(req) });
  }

  adminAction(req: Request, keyId: string, outcome: 'succeeded' | 'failed', status?: number): void {
    this.logger.log({ msg: 'admin action', category: 'audit', event: 'admin_action', key_id: keyId, outcome, status, ...origin(req) });
  }

  openMode(): void {
    this.logger.warn({ msg: 'No API keys configured: the service runs OPEN for local use and admin routes are disabled', category: 'security', event: 'open_mode' });
  }
}
