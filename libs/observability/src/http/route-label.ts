import type { Request } from 'express';

/** The catch-all route Nest answers unknown paths with (404). */
const NOT_FOUND_ROUTE = '/{*path}';

/** The label of requests no route matched. */
export const UNMATCHED = 'unmatched';

/**
 * The `route` label of a request: the template of the route Express matched (`/api/v1/anomalies/:id`),
 * or `unmatched` when none did (unknown path, or a body refused before routing). Never the raw path.
 */
export function routeLabel(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && path !== NOT_FOUND_ROUTE ? path : UNMATCHED;
}
