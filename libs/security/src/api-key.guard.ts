import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiKeyEntry, verifyApiKey } from './api-keys';
import { PUBLIC_ROUTE, REQUIRED_ROLE, Role, roleIncludes } from './roles';

export const API_KEY_ENTRIES = Symbol('API_KEY_ENTRIES');

/** Who made the request, attached to it once the key is checked. */
export interface Principal {
  keyId: string;
  role: Role;
}

export type AuthenticatedRequest = Request & { principal?: Principal };

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function presentedKey(req: Request): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const authorization = req.headers.authorization;
  return authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
}

/**
 * Every route needs a key with enough role, unless it is @Public or the service runs open
 * (no keys configured), in which case everything but admin routes is allowed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_ENTRIES) private readonly entries: readonly ApiKeyEntry[],
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const required = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? (READ_METHODS.has(req.method) ? 'viewer' : 'operator');
    if (this.entries.length === 0) {
      if (required === 'admin') throw new ForbiddenException('admin routes are disabled while the service runs without API keys');
      return true;
    }
    const key = presentedKey(req);
    if (!key) throw new UnauthorizedException('an API key is required (X-API-Key header or Authorization: Bearer)');
    const entry = verifyApiKey(key, this.entries);
    if (!entry) throw new UnauthorizedException('invalid API key');
    if (!roleIncludes(entry.role, required)) throw new ForbiddenException(`this route needs the ${required} role`);
    req.principal = { keyId: entry.id, role: entry.role };
    return true;
  }
}
