import { Attributes } from '@opentelemetry/api';
import { tracingActive, tracingAvailable } from './tracing-state';
import { withSpan } from './with-span';

/**
 * `target` with every method call in a span named `<prefix>.<method>` (e.g. store.writeIngest), so
 * whatever runs inside (retries, breaker, ioredis command spans) nests under it. Returned as is when
 * the SDK is not running; while tracing is switched off calls pass straight through.
 */
export function traceMethods<T extends object>(target: T, prefix: string, attributes: Attributes): T {
  if (!tracingAvailable()) return target;
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || !tracingActive()) return value;
      return (...args: unknown[]) => withSpan(`${prefix}.${property}`, attributes, () => Promise.resolve(value.apply(object, args)));
    },
  });
}
