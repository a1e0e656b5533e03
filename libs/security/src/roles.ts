import { SetMetadata } from '@nestjs/common';

/** Roles in increasing power: each includes the ones before it. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleIncludes(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}

export const REQUIRED_ROLE = 'astra:required-role';
export const PUBLIC_ROUTE = 'astra:public-route';

/**
 * The role a route needs. Without it, reads (GET/HEAD) need `viewer` and writes need `operator`.
 * `admin` routes are disabled entirely while the service runs open (no keys configured).
 */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** Open to anyone, keys or not (health probes, API docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
