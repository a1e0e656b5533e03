import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, normalizeIp, ThrottlerException, ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { API_KEY_ENTRIES } from './api-key.guard';
import { ApiKeyEntry } from './api-keys';
import { authenticate } from './authentication';
import { isPublic } from './roles';
import { SecurityAudit } from './security-audit';

/**
 * One request budget per caller across all routes: a verified API key, or the peer address for
 * everything else (open mode, and requests whose key is missing or wrong, so guessing keys is
 * throttled too). Runs before the access guard. A presented-but-unverified key id is never the
 * tracker, or anyone could spend someone else's budget. Public routes (probes) are not limited.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(API_KEY_ENTRIES) private readonly entries: readonly ApiKeyEntry[],
    private readonly audit: SecurityAudit,
  ) {
    super(options, storage, reflector);
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(isPublic(this.reflector, context));
  }

  protected override getTracker(req: Request): Promise<string> {
    const verdict = authenticate(req, this.entries);
    return Promise.resolve(verdict.outcome === 'verified' ? `key:${verdict.principal.keyId}` : `ip:${normalizeIp(req.ip ?? 'unknown', this.ipv6SubnetPrefix)}`);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    this.audit.rateLimited(context.switchToHttp().getRequest<Request>(), detail.tracker, detail.totalHits === detail.limit + 1);
    throw new ThrottlerException(`rate limit of ${detail.limit} requests per ${detail.ttl / 1000} s exceeded; retry after ${detail.timeToBlockExpire} s`);
  }
}
