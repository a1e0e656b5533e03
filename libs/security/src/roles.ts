import { ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** Roles in increasing power: each includes the ones before it. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleIncludes(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}

const REQUIRED_ROLE = 'astra:required-role';
const PUBLIC_ROUTE = 'astra:public-route';
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads need `viewer` unless a route says otherwise; everything else is a write. */
export const isRead = (method: string) => READ_METHODS.has(method);

/**
 * The role a route needs. Without it, reads (GET/HEAD) need `viewer` and writes need `operator`.
 * `admin` routes are disabled entirely while the service runs open (no keys configured).
 */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** Open to anyone, keys or not, and not rate-limited (health probes, API docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

export function isPublic(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]) ?? false;
}

export function requiredRole(reflector: Reflector, context: ExecutionContext, method: string): Role {
  return reflector.getAllAndOverride<Role>(REQUIRED_ROLE, [context.getHandler(), context.getClass()]) ?? (isRead(method) ? 'viewer' : 'operator');
}
