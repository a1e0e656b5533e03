import { AsyncLocalStorage } from 'node:async_hooks';

/** What log lines written while a request is handled take from it. */
export interface RequestScope {
  requestId: string;
}

const scope = new AsyncLocalStorage<RequestScope>();

/** Runs the rest of a request's handling in its scope (see enterRequestContext). */
export function runInRequestScope(request: RequestScope, next: () => void): void {
  scope.run(request, next);
}

/** The request being handled here, if any. */
export function currentRequest(): RequestScope | undefined {
  return scope.getStore();
}
