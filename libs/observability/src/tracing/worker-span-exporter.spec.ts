import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { WorkerSpanExporter } from './worker-span-exporter';

// The worker loads this TypeScript file; under jest it needs the same loader the bench and e2e tests use.
const WORKER_OPTIONS = { execArgv: ['--require', path.resolve(__dirname, '../../../../scripts/register-ts.js')] };

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An OTLP/HTTP receiver that keeps the bodies it gets, answering each with `answer`. */
async function receiver(answer: (res: ServerResponse) => void = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), port = 0) {
  const bodies: unknown[] = [];
  const encodings: (string | undefined)[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
      const body = Buffer.concat(chunks);
      encodings.push(req.headers['content-encoding']);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString();
      // A body that is not JSON is kept as text, so the test comparing it fails at once instead of waiting for the exporter's timeout.
      bodies.push(parsedOrText(text));
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, bodies, encodings, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces` };
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

/** The body the OTLP/HTTP exporter would send for `spans` (it serialises with JsonTraceSerializer). */
function directBody(spans: ReadableSpan[]): unknown {
  return JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(spans)!).toString());
}

/** The bodies (and their content encodings) a collector gets when one worker exports each of `batches` in turn, with `env` set. */
async function exportThroughWorker(batches: ReadableSpan[][], env: Record<string, string> = {}): Promise<{ bodies: unknown[]; encodings: (string | undefined)[] }> {
  const collector = await receiver();
  Object.assign(process.env, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url, ...env });
  const worker = new WorkerSpanExporter(WORKER_OPTIONS);
  try {
    for (const spans of batches) expect(await exportWith(worker, spans)).toMatchObject({ code: ExportResultCode.SUCCESS });
    expect(collector.bodies).toHaveLength(batches.length);
    return collector;
  } finally {
    await worker.shutdown();
    for (const name of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ...Object.keys(env)]) delete process.env[name];
    await close(collector.server);
  }
}

describe('WorkerSpanExporter', () => {
  it('sends the collector exactly what the OTLP/HTTP exporter sends from the request thread', async () => {
    const spans = sampleSpans();
    const {
      bodies: [sent],
    } = await exportThroughWorker([spans]);
    expect(sent).toEqual(directBody(spans));
    // The comparison is worth something only if the body carries what the spans did.
    expect(JSON.stringify(sent)).toEqual(expect.stringContaining('detector failed'));
    expect(JSON.stringify(sent)).toEqual(expect.stringContaining('vendor=a,other=b'));
  });

  it('sends a batch of more spans than one piece holds as one request carrying every span', async () => {
    const spans = manySpans(150);
    const {
      bodies: [sent],
    } = await exportThroughWorker([spans]);
    // One resourceSpans entry per piece of 64 spans.
    expect((sent as OtlpBody).resourceSpans).toHaveLength(3);
    expect(spansOf(sent as OtlpBody)).toHaveLength(150);
    expect(spansOf(sent as OtlpBody)).toEqual(spansOf(directBody(spans) as OtlpBody));
  });

  it('sends each of consecutive batches whole, larger and smaller, as body memory is reused', async () => {
    // The third batch outgrows the default body buffer (about 650 bytes a span).
    const batches = [manySpans(150), sampleSpans(), manySpans(1200), manySpans(3)];
    const { bodies, encodings } = await exportThroughWorker(batches);
    expect(encodings).toEqual([undefined, undefined, undefined, undefined]);
    bodies.forEach((body, index) => expect(spansOf(body as OtlpBody)).toEqual(spansOf(directBody(batches[index]) as OtlpBody)));
  });

  it('sends gzip-compressed bodies when OTEL_EXPORTER_OTLP_COMPRESSION asks for it', async () => {
    const spans = manySpans(100);
    const { bodies, encodings } = await exportThroughWorker([spans], { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' });
    expect(encodings).toEqual(['gzip']);
    expect(spansOf(bodies[0] as OtlpBody)).toEqual(spansOf(directBody(spans) as OtlpBody));
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
