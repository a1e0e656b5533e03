import { Context, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { executionFrames } from '../http/request-scope';

/**
 * OpenTelemetry's AsyncLocalStorage context manager, keeping its contexts in the execution frames of
 * request-scope.ts instead of a storage of its own: a traced request enters one frame (its scope and
 * its server span) where it entered two. A frame made by `with` keeps the request of the code that
 * made it. Event emitter and function binding are inherited (they go through `with`).
 */
export class RequestContextManager extends AsyncLocalStorageContextManager {
  override active(): Context {
    return executionFrames.getStore()?.context ?? ROOT_CONTEXT;
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const run = thisArg == null ? fn : fn.bind(thisArg);
    return executionFrames.run({ request: executionFrames.getStore()?.request, context }, run, ...args);
  }

  override attach(context: Context): { dispose(): void } {
    const previous = executionFrames.getStore();
    executionFrames.enterWith({ request: previous?.request, context });
    let disposed = false;
    return {
      dispose: () => {
        if (!disposed) executionFrames.enterWith(previous ?? { context: ROOT_CONTEXT });
        disposed = true;
      },
    };
  }

  /** The frames outlive the SDK: they carry the request scope, which logging needs with tracing off too. */
  override disable(): this {
    return this;
  }
}
