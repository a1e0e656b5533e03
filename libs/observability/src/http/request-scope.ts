import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@opentelemetry/api';

/** What log lines written while a request is handled take from it. */
export interface RequestScope {
  requestId: string;
}

/**
 * What the running code belongs to: the request being handled, if any, and the OpenTelemetry
 * context (whose active span is the parent of new spans). One AsyncLocalStorage holds both, so a
 * request enters one context frame, not one per store: while the SDK runs, its context manager
 * keeps its contexts here too (tracing/request-context-manager.ts).
 */
export interface ExecutionFrame {
  request?: RequestScope;
  context: Context;
}

export const executionFrames = new AsyncLocalStorage<ExecutionFrame>();

/** Runs the rest of a request's handling in its scope and under `context` (see enterRequestContext). */
export function runInRequestScope(request: RequestScope, context: Context, next: () => void): void {
  executionFrames.run({ request, context }, next);
}

/** The request being handled here, if any. */
export function currentRequest(): RequestScope | undefined {
  return executionFrames.getStore()?.request;
}
