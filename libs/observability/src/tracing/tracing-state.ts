import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Whether the SDK runs and whether spans are currently recorded. Kept on globalThis because the SDK
 * is started by the `--require`d instrumentation file and read by the Nest module, which may load
 * this file through another path (or, under jest, another module registry).
 */
interface TracingState {
  sdk?: NodeSDK;
  processor?: SpanProcessor;
  /** The runtime switch (PUT /api/v1/admin/observability); honoured by the sampler. */
  active: boolean;
}

const KEY = Symbol.for('astraguard.tracing');

export function tracingState(): TracingState {
  const holder = globalThis as { [KEY]?: TracingState };
  return (holder[KEY] ??= { active: false });
}

/** True when the SDK was started: only then can tracing be switched on at runtime. */
export function tracingAvailable(): boolean {
  return tracingState().sdk !== undefined;
}

export function tracingActive(): boolean {
  const state = tracingState();
  return state.sdk !== undefined && state.active;
}

export function setTracingActive(active: boolean): void {
  tracingState().active = active;
}

/**
 * Exports spans still buffered (before shutdown, or before a test reads an exporter). A collector
 * that is down must not fail the shutdown: its outage was already reported by the exporter.
 */
export async function flushTracing(): Promise<void> {
  await tracingState().processor?.forceFlush().catch(() => undefined);
}

export async function shutdownTracing(): Promise<void> {
  const state = tracingState();
  await state.sdk?.shutdown();
  state.sdk = undefined;
  state.processor = undefined;
}
