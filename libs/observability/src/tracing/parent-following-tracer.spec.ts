import { context, propagation, ROOT_CONTEXT, Span, trace, TraceFlags } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { node } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { followParentDecisions } from './parent-following-tracer';
import { RecordingSpan } from './recording-span';
import { samplingFromEnv } from './sampler';
import { newTraceIdWords } from './trace-ids';
import { withSpan } from './with-span';

const exporter = new InMemorySpanExporter();
// Obtained before the SDK is registered, as instrumentations and module constants are.
const earlyTracer = trace.getTracer('early');
/** The runtime switch (tracing-state.ts in the service). */
let tracingOn = true;

// The production default sampler; register() also installs the AsyncLocalStorage context manager.
beforeAll(() => {
  new node.NodeTracerProvider({ sampler: samplingFromEnv({}).sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
  followParentDecisions(() => tracingOn);
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => {
  exporter.reset();
  tracingOn = true;
});

/** Runs `work` under a server span continuing a caller's traceparent with the given sampled flag. */
function under<T>(sampled: boolean, work: (server: Span) => Promise<T>): Promise<T> {
  const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });
  const server = trace.getTracer('astraguard').startSpan('POST /api/v1/telemetry', {}, remote);
  return context.with(trace.setSpan(remote, server), async () => {
    try {
      return await work(server);
    } finally {
      server.end();
    }
  });
}

const exportedNames = () => exporter.getFinishedSpans().map((span) => span.name);

describe('tracing under sampled and unsampled parents', () => {
  it('records children of a sampled parent, ending them with error status when the work fails', async () => {
    await under(true, () => withSpan('anomaly.detect', { 'astra.frame_count': 1 }, async () => 'done'));
    await under(true, () => withSpan('store.writeIngest', {}, async () => Promise.reject(new Error('redis down')))).catch(() => undefined);
    expect(exportedNames().filter((name) => name === 'POST /api/v1/telemetry')).toHaveLength(2);
    const [detect, write] = exporter.getFinishedSpans().filter((span) => span.name !== 'POST /api/v1/telemetry');
    expect(detect).toMatchObject({ name: 'anomaly.detect', attributes: { 'astra.frame_count': 1 } });
    expect(write.status).toMatchObject({ code: 2, message: 'redis down' });
    expect(write.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('makes no span under an unsampled parent, whichever tracer asks: the parent is handed back', async () => {
    const given = await under(false, async (server) => {
      const own = await withSpan('anomaly.detect', {}, async (span) => span);
      const decorated = trace.getTracer('default').startActiveSpan('telemetry.ingest', (span) => span);
      const instrumented = earlyTracer.startSpan('evalsha');
      return { server, own, decorated, instrumented };
    });
    expect(given.own).toBe(given.server);
    expect(given.decorated).toBe(given.server);
    expect(given.instrumented).toBe(given.server);
    expect(given.server.isRecording()).toBe(false);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('still fails like the work when there is no span to record the failure on', async () => {
    await expect(under(false, () => withSpan('store.writeIngest', {}, async () => Promise.reject(new Error('redis down'))))).rejects.toThrow('redis down');
  });

  it('records children of a sampled parent that has ended (work that outlives its request), from a context given explicitly', async () => {
    const endedSampled = await under(true, async (server) => trace.setSpan(context.active(), server));
    exporter.reset();
    await under(false, async () => trace.getTracer('astraguard').startActiveSpan('alert.send', {}, endedSampled, (span) => span.end()));
    expect(exportedNames()).toEqual(['alert.send']);
    expect(exporter.getFinishedSpans()[0].parentSpanContext?.spanId).toBe(trace.getSpan(endedSampled)?.spanContext().spanId);
  });

  it('leaves new root spans to the sampler', async () => {
    await under(false, async () => trace.getTracer('astraguard').startSpan('background', { root: true }).end());
    expect(exportedNames()).toEqual(['background']);
  });

  it('makes no span at all while tracing is switched off, whichever tracer asks, and the work still runs', async () => {
    tracingOn = false;
    // No parent: each of these would be a new, sampled root span with tracing on.
    const own = await withSpan('anomaly.detect', {}, async (span) => span);
    const decorated = trace.getTracer('default').startActiveSpan('telemetry.ingest', (span) => span);
    const instrumented = earlyTracer.startSpan('evalsha');
    for (const span of [own, decorated, instrumented]) {
      expect(span.isRecording()).toBe(false);
      expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
    }
    expect(exportedNames()).toEqual([]);
    tracingOn = true;
    await withSpan('anomaly.detect', {}, async () => undefined);
    expect(exportedNames()).toEqual(['anomaly.detect']);
  });

  it('starts a RecordingSpan under a RecordingSpan without the SDK, in the asking tracer\'s scope; a new root or suppressed tracing goes to the SDK', async () => {
    const limits = { attributeCountLimit: 128, attributeValueLengthLimit: Infinity, eventCountLimit: 128, linkCountLimit: 128, attributePerEventCountLimit: 128, attributePerLinkCountLimit: 128 };
    const settings = { resource: resourceFromAttributes({ 'service.name': 'spec' }), processor: new SimpleSpanProcessor(exporter), limits };
    const server = RecordingSpan.root(settings, newTraceIdWords(), { name: 'POST', scope: { name: 'astraguard' }, context: ROOT_CONTEXT });
    const inside = trace.setSpan(ROOT_CONTEXT, server);
    const [decorated, own] = await context.with(inside, async () => [
      trace.getTracer('default').startActiveSpan('telemetry.ingest', { attributes: { 'astra.frame_count': 2 } }, (span) => {
        span.end();
        return span;
      }),
      await withSpan('anomaly.detect', {}, async (span) => span),
    ]);
    const root = trace.getTracer('default').startSpan('background', { root: true }, inside);
    const suppressed = trace.getTracer('default').startSpan('exporter call', {}, suppressTracing(inside));
    root.end();
    server.end();
    expect([decorated, own].every((span) => span instanceof RecordingSpan)).toBe(true);
    expect([root, suppressed].some((span) => span instanceof RecordingSpan)).toBe(false);
    expect(suppressed.isRecording()).toBe(false);
    const finished = exporter.getFinishedSpans();
    expect(finished.map((span) => span.name)).toEqual(['telemetry.ingest', 'anomaly.detect', 'background', 'POST']);
    const [ingest, detect, background] = finished;
    expect(ingest).toMatchObject({ attributes: { 'astra.frame_count': 2 }, instrumentationScope: { name: 'default' }, resource: settings.resource });
    expect(detect.instrumentationScope.name).toBe('astraguard');
    expect([ingest, detect].map((span) => span.parentSpanContext?.spanId)).toEqual([server.spanContext().spanId, server.spanContext().spanId]);
    expect(background.parentSpanContext).toBeUndefined();
    expect(background.spanContext().traceId).not.toBe(server.spanContext().traceId);
  });
});
