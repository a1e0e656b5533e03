import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiKeyEntry } from './api-keys';
import { authenticate, Principal } from './authentication';
import { isPublic, requiredRole, roleIncludes } from './roles';
import { SecurityAudit } from './security-audit';

export const API_KEY_ENTRIES = Symbol('API_KEY_ENTRIES');

export const MISSING_KEY = 'an API key is required (X-API-Key header or Authorization: Bearer)';
export const INVALID_KEY = 'invalid API key';

export type AuthenticatedRequest = Request & { principal?: Principal };

/**
 * Every route needs a key with enough role, unless it is @Public or the service runs open
 * (no keys configured), in which case everything but admin routes is allowed.
 * Every refusal is logged and counted by reason.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_ENTRIES) private readonly entries: readonly ApiKeyEntry[],
    private readonly audit: SecurityAudit,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (isPublic(this.reflector, context)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const required = requiredRole(this.reflector, context, req.method);
    const verdict = authenticate(req, this.entries);
    switch (verdict.outcome) {
      case 'open':
        if (required !== 'admin') return true;
        this.audit.authFailure(req, 'admin_disabled');
        throw new ForbiddenException('admin routes are disabled while the service runs without API keys');
      case 'missing':
        this.audit.authFailure(req, 'missing');
        throw new UnauthorizedException(MISSING_KEY);
      case 'invalid':
        this.audit.authFailure(req, 'invalid', verdict.keyId);
        throw new UnauthorizedException(INVALID_KEY);
      case 'verified':
        if (!roleIncludes(verdict.principal.role, required)) {
          this.audit.authFailure(req, 'forbidden', verdict.principal.keyId);
          throw new ForbiddenException(`this route needs the ${required} role`);
        }
        req.principal = verdict.principal;
        return true;
    }
  }
}
