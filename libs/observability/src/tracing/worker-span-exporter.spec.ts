import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { WorkerSpanExporter } from './worker-span-exporter';

// The worker loads this TypeScript file; under jest it needs the same loader the bench and e2e tests use.
const WORKER_OPTIONS = { execArgv: ['--require', path.resolve(__dirname, '../../../../scripts/register-ts.js')] };

/** An OTLP/HTTP receiver that keeps the bodies it gets, answering each with `answer`. */
async function receiver(answer: (res: ServerResponse) => void = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), port = 0) {
  const bodies: unknown[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk)).on('end', () => {
      bodies.push(JSON.parse(body));
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, bodies, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function exportWith(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** Finished spans with everything a span can carry: kinds, attributes of each type, events, an exception, links, a remote parent with trace state. */
function sampleSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'worker-spec', 'service.version': '1.2.3' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('spec-scope', '0.1.0');
  const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true, traceState: createTraceState('vendor=a,other=b') });
  const server = tracer.startSpan('POST /api/v1/telemetry', { kind: SpanKind.SERVER, attributes: { 'http.route': '/api/v1/telemetry', 'http.response.status_code': 200, retried: false, channels: ['voltage', 'gyro'] } }, remote);
  const child = tracer.startSpan('anomaly.detect', { links: [{ context: server.spanContext(), attributes: { reason: 'same frame' } }] }, trace.setSpan(remote, server));
  child.addEvent('window full', { size: 300 });
  child.recordException(new Error('detector failed'));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'detector failed' });
  child.end();
  server.end();
  return memory.getFinishedSpans();
}

/** `count` finished spans from two instrumentation scopes, alternating. */
function manySpans(count: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'worker-spec' }), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracers = [provider.getTracer('astraguard'), provider.getTracer('@opentelemetry/instrumentation-ioredis', '0.71.0')];
  for (let index = 0; index < count; index++) tracers[index % 2].startSpan(`span ${index}`, { attributes: { index } }, ROOT_CONTEXT).end();
  return memory.getFinishedSpans();
}

interface OtlpBody {
  resourceSpans: { resource: unknown; scopeSpans: { scope: unknown; spans: { spanId: string }[] }[] }[];
}

/** Every span of a body with its resource and scope, in span id order (the grouping may differ, the content may not). */
function spansOf(body: OtlpBody) {
  const spans = body.resourceSpans.flatMap(({ resource, scopeSpans }) => scopeSpans.flatMap(({ scope, spans }) => spans.map((span) => ({ resource, scope, span }))));
  return spans.sort((a, b) => a.span.spanId.localeCompare(b.span.spanId));
}

/** The body a collector gets when a worker exports `spans` in one batch, and the body the OTLP/HTTP exporter would have sent for them (it serialises with JsonTraceSerializer). */
async function exportThroughWorker(spans: ReadableSpan[]): Promise<{ sent: unknown; direct: unknown }> {
  const collector = await receiver();
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = collector.url;
  const worker = new WorkerSpanExporter(WORKER_OPTIONS);
  try {
    expect(await exportWith(worker, spans)).toMatchObject({ code: ExportResultCode.SUCCESS });
    expect(collector.bodies).toHaveLength(1);
    return { sent: collector.bodies[0], direct: JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(spans)!).toString()) };
  } finally {
    await worker.shutdown();
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    await close(collector.server);
  }
}

describe('WorkerSpanExporter', () => {
  it('sends the collector exactly what the OTLP/HTTP exporter sends from the request thread', async () => {
    const { sent, direct } = await exportThroughWorker(sampleSpans());
    expect(sent).toEqual(direct);
    // The comparison is worth something only if the body carries what the spans did.
    expect(JSON.stringify(sent)).toEqual(expect.stringContaining('detector failed'));
    expect(JSON.stringify(sent)).toEqual(expect.stringContaining('vendor=a,other=b'));
  });

  it('sends a batch of more spans than one piece holds as one request carrying every span', async () => {
    const { sent, direct } = await exportThroughWorker(manySpans(150));
    // One resourceSpans entry per piece of 64 spans.
    expect((sent as OtlpBody).resourceSpans).toHaveLength(3);
    expect(spansOf(sent as OtlpBody)).toHaveLength(150);
    expect(spansOf(sent as OtlpBody)).toEqual(spansOf(direct as OtlpBody));
  });

  it('reports a failed batch and exports the next one once the collector is back', async () => {
    const spans = sampleSpans();
    const probe = await receiver();
    const port = (probe.server.address() as AddressInfo).port;
    await close(probe.server);
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `http://127.0.0.1:${port}/v1/traces`;
    // Gives up on the refused batch after a second of retries instead of ten.
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = '1000';
    const worker = new WorkerSpanExporter(WORKER_OPTIONS);
    try {
      const failed = await exportWith(worker, spans);
      expect(failed.code).toBe(ExportResultCode.FAILED);
      expect(failed.error?.message).toBeTruthy();
      const collector = await receiver(undefined, port);
      try {
        expect(await exportWith(worker, spans)).toMatchObject({ code: ExportResultCode.SUCCESS });
        expect(collector.bodies).toHaveLength(1);
      } finally {
        await close(collector.server);
      }
    } finally {
      await worker.shutdown();
      delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
      delete process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
    }
  });

  it('shuts down without waiting for a collector that never answers, failing the batch it held', async () => {
    const silent = await receiver(() => undefined);
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = silent.url;
    // Longer than the test's own timeout: only shutdown's grace period can end the wait.
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = '600000';
    const worker = new WorkerSpanExporter(WORKER_OPTIONS);
    try {
      const held = exportWith(worker, sampleSpans());
      while (silent.bodies.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await worker.shutdown();
      expect((await held).code).toBe(ExportResultCode.FAILED);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
      delete process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
      await close(silent.server);
    }
  });
});
