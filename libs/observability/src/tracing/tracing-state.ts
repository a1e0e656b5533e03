import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RecordingSettings } from './recording-span';
import { waitAtMost } from './wait-at-most';

/**
 * Whether the SDK runs and whether spans are currently recorded. Kept on globalThis because the SDK
 * is started by the `--require`d instrumentation file and read by the Nest module, which may load
 * this file through another path (or, under jest, another module registry).
 */
interface TracingState {
  sdk?: NodeSDK;
  processor?: SpanProcessor;
  /** The runtime switch (PUT /api/v1/admin/observability); honoured by ParentFollowingTracer (every span) and the request observer (the server span). */
  active: boolean;
  /** How new traces are decided and recorded (server-span.ts): the sampler's bound on a trace id's ratio key, and what a kept one's spans share with the SDK's. */
  newTraces?: { bound: number; recording: RecordingSettings };
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

/** How long a flush waits for the collector: a shutdown must not sit through the exporter's retries. */
const FLUSH_LIMIT_MS = 2000;

/**
 * Exports spans still buffered (before shutdown, or before a test reads an exporter), waiting at most
 * FLUSH_LIMIT_MS. A collector that is down or stuck must not fail or hold up the shutdown: its outage
 * is reported by the exporter, and the spans it would not take are dropped.
 */
export async function flushTracing(): Promise<void> {
  const flushing = tracingState().processor?.forceFlush().catch(() => undefined);
  if (flushing) await waitAtMost(flushing, FLUSH_LIMIT_MS);
}

export async function shutdownTracing(): Promise<void> {
  const state = tracingState();
  await state.sdk?.shutdown();
  state.sdk = undefined;
  state.processor = undefined;
  state.newTraces = undefined;
}
