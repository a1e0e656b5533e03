import { context, propagation, ROOT_CONTEXT, Span, trace, TraceFlags } from '@opentelemetry/api';
import { node } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { samplerFromEnv } from './sampler';
import { tracer, withSpan } from './with-span';

const exporter = new InMemorySpanExporter();

// The production default sampler; register() also installs the AsyncLocalStorage context manager.
beforeAll(() => new node.NodeTracerProvider({ sampler: samplerFromEnv({}), spanProcessors: [new SimpleSpanProcessor(exporter)] }).register());
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

/** Runs `work` under a parent span carrying the given sampled flag (a caller's traceparent, as the server span would). */
function under<T>(sampled: boolean, work: (server: Span) => Promise<T>): Promise<T> {
  const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });
  const server = tracer.startSpan('POST /api/v1/telemetry', {}, remote);
  return context.with(trace.setSpan(remote, server), async () => {
    try {
      return await work(server);
    } finally {
      server.end();
    }
  });
}

describe('withSpan', () => {
  it('records a child of a sampled parent, and ends it with error status when the work fails', async () => {
    await under(true, () => withSpan('anomaly.detect', { 'astra.frame_count': 1 }, async () => 'done'));
    await under(true, () => withSpan('store.writeIngest', {}, async () => Promise.reject(new Error('redis down')))).catch(() => undefined);
    const [detect, write] = exporter.getFinishedSpans().filter((span) => span.name !== 'POST /api/v1/telemetry');
    expect(detect).toMatchObject({ name: 'anomaly.detect', attributes: { 'astra.frame_count': 1 } });
    expect(write.status).toMatchObject({ code: 2, message: 'redis down' });
    expect(write.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('makes no span under a parent that is not recorded: the work runs in the parent span', async () => {
    const [server, given] = await under(false, (server) => withSpan('anomaly.detect', {}, async (span) => [server, span] as const));
    expect(given).toBe(server);
    expect(given.isRecording()).toBe(false);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('still fails like the work when there is no span to record the failure on', async () => {
    await expect(under(false, () => withSpan('store.writeIngest', {}, async () => Promise.reject(new Error('redis down'))))).rejects.toThrow('redis down');
  });
});
