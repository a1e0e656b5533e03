import { ChildProcess, spawn } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { LOG_CATEGORIES } from '@astra/observability';
import { version } from '../../../package.json';
import { freePort } from './observability-harness';
import { nominalFrames } from './test-app';

/*
 * The real service in a child process, started like `npm start` (instrumentation first via --require,
 * then main), exporting OTLP/HTTP to a receiver in this test. The TypeScript sources run through
 * scripts/register-ts.js so no build is needed.
 */
const root = path.resolve(__dirname, '../../..');

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status?: { code?: number };
  service: Record<string, unknown>;
  scope: string;
}

type OtlpAttribute = { key: string; value: Record<string, unknown> };
const attributeMap = (attributes: OtlpAttribute[] = []) => Object.fromEntries(attributes.map(({ key, value }) => [key, Object.values(value)[0]]));

/** A minimal OTLP/HTTP JSON trace receiver. */
class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  private server?: Server;

  async start(port: number): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { resourceSpans: Array<{ resource: { attributes: OtlpAttribute[] }; scopeSpans: Array<{ scope: { name: string }; spans: Array<Omit<OtlpSpan, 'attributes' | 'service' | 'scope'> & { attributes: OtlpAttribute[] }> }> }> };
        for (const resourceSpans of body.resourceSpans) {
          const service = attributeMap(resourceSpans.resource.attributes);
          for (const scopeSpans of resourceSpans.scopeSpans) {
            for (const span of scopeSpans.spans) this.spans.push({ ...span, attributes: attributeMap(span.attributes), service, scope: scopeSpans.scope.name });
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', () => resolve()));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** The service as a child process; its stdout log lines parsed as they come. */
class ServiceProcess {
  readonly lines: Record<string, unknown>[] = [];
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  async start(env: Record<string, string>): Promise<void> {
    this.child = spawn(process.execPath, ['--require', './scripts/register-ts.js', '--require', './apps/api/src/instrumentation.ts', 'apps/api/src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.exited = new Promise((resolve) => this.child!.once('exit', (code) => resolve(code)));
    let pending = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const complete = pending.split('\n');
      pending = complete.pop()!;
      for (const line of complete.filter(Boolean)) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    await waitFor(() => this.lines.some((line) => String(line.msg).includes('listening on')), 30_000, 'the service to listen');
  }

  /** SIGTERM, as an orchestrator stops it; resolves with the exit code. */
  async stop(): Promise<number | null> {
    this.child?.kill('SIGTERM');
    return (await this.exited) ?? null;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('OTLP export from the running service', () => {
  const receiver = new OtlpReceiver();
  const service = new ServiceProcess();
  let apiPort: number;
  const callerTraceId = hex(16);
  const callerSpanId = hex(8);
  let exitCode: number | null;
  let ingestResponse: Response;
  let openMetrics: string;

  beforeAll(async () => {
    const receiverPort = await freePort();
    apiPort = await freePort();
    await receiver.start(receiverPort);
    await service.start({
      PORT: String(apiPort),
      SERVICE_NAME: 'astraguard-otlp-test',
      REDIS_URL: process.env.ASTRA_TEST_REDIS_URL!,
      REDIS_KEY_PREFIX: `otlp-${process.pid}-${Date.now()}:`,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`,
      // Long enough that nothing is exported before shutdown: the test proves pending spans are flushed then.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    const base = `http://127.0.0.1:${apiPort}`;
    ingestResponse = await fetch(`${base}/api/v1/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${callerTraceId}-${callerSpanId}-01`, 'x-request-id': 'otlp-request-1' },
      body: JSON.stringify(nominalFrames('otlp-rover', 1)[0]),
    });
    // Asking once for OpenMetrics turns exemplars on; the next request's latency carries its trace id.
    await fetch(`${base}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    await fetch(`${base}/api/v1/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: `00-${callerTraceId}-${callerSpanId}-01` }, body: JSON.stringify(nominalFrames('otlp-rover', 2)[1]) });
    openMetrics = await (await fetch(`${base}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } })).text();
    exitCode = await service.stop();
  }, 60_000);

  afterAll(() => receiver.stop());

  const traceSpans = () => receiver.spans.filter((span) => span.traceId === callerTraceId);

  it('shuts down cleanly and flushes the pending spans on the way out', () => {
    expect(ingestResponse.status).toBe(200);
    expect(exitCode).toBe(0);
    expect(traceSpans().length).toBeGreaterThan(0);
  });

  it('continues the caller\'s trace: the server span is the child of the traceparent span', () => {
    const servers = traceSpans().filter((span) => span.kind === 2);
    expect(servers).toHaveLength(2);
    for (const server of servers) {
      expect(server.parentSpanId).toBe(callerSpanId);
      expect(server.name).toBe('POST /api/v1/telemetry');
      expect(server.attributes['http.route']).toBe('/api/v1/telemetry');
    }
  });

  it('exports with the service name, version and environment as resource attributes', () => {
    for (const span of receiver.spans) {
      expect(span.service).toMatchObject({ 'service.name': 'astraguard-otlp-test', 'service.version': version, 'deployment.environment': 'test' });
    }
  });

  it('makes the HTTP server span the ancestor of the detection and store spans (and ioredis commands under store spans)', () => {
    const spans = traceSpans();
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const ancestors = (span: OtlpSpan) => {
      const chain: OtlpSpan[] = [];
      for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? '')) chain.push(parent);
      return chain;
    };
    const serverIds = new Set(spans.filter((span) => span.kind === 2).map((span) => span.spanId));
    for (const name of ['telemetry.ingest', 'anomaly.detect', 'store.writeIngest']) {
      const found = spans.filter((span) => span.name === name);
      expect(found).toHaveLength(2);
      for (const span of found) expect(ancestors(span).some((ancestor) => serverIds.has(ancestor.spanId))).toBe(true);
    }
    const detect = spans.find((span) => span.name === 'anomaly.detect')!;
    expect(detect.attributes).toMatchObject({ 'astra.frame_count': 1, 'astra.channel_count': 5, 'astra.severity_level': 'LOW' });
    const commands = spans.filter((span) => span.scope.includes('ioredis'));
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(ancestors(command).some((ancestor) => ancestor.name.startsWith('store.'))).toBe(true);
  });

  it('echoes x-request-id and logs it with the trace and server span ids', () => {
    expect(ingestResponse.headers.get('x-request-id')).toBe('otlp-request-1');
    const access = service.lines.find((line) => line.request_id === 'otlp-request-1' && line.event === 'http_request');
    const server = traceSpans().find((span) => span.kind === 2 && span.attributes['http.request.header.x-request-id'] === undefined && span.spanId === access?.span_id);
    expect(access).toMatchObject({ trace_id: callerTraceId, category: 'access', service: 'astraguard-otlp-test', environment: 'test', status: 200 });
    expect(server).toBeDefined();
  });

  it("gives every stdout line a category of the agreed set, Nest's own start-up lines included", () => {
    expect(service.lines.find((line) => String(line.msg).startsWith('Mapped {/api/v1/telemetry, POST}'))).toMatchObject({ category: 'application', context: 'RouterExplorer' });
    expect(service.lines.filter((line) => !(LOG_CATEGORIES as readonly unknown[]).includes(line.category))).toEqual([]);
  });

  it('carries exemplars with the trace id on the latency histogram when scraped as OpenMetrics', () => {
    const exemplarLine = openMetrics.split('\n').find((line) => line.startsWith('astra_http_request_duration_seconds_bucket{') && line.includes('route="/api/v1/telemetry"') && line.includes(' # {trace_id="'));
    expect(exemplarLine).toContain(`trace_id="${callerTraceId}"`);
  });

  it('keeps /metrics out of traces', () => {
    expect(receiver.spans.some((span) => String(span.attributes['http.route'] ?? span.name).includes('/metrics'))).toBe(false);
  });
});

describe('with the trace collector down', () => {
  it('keeps serving and says so once in the log', async () => {
    const service = new ServiceProcess();
    const apiPort = await freePort();
    await service.start({ PORT: String(apiPort), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`, OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_EXPORTER_OTLP_TIMEOUT: '1000' });
    try {
      for (let i = 0; i < 6; i++) {
        const response = await fetch(`http://127.0.0.1:${apiPort}/api/v1/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(nominalFrames('no-collector-rover', 6)[i]) });
        expect(response.status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      await waitFor(() => service.lines.some((line) => line.event === 'trace_export_failed'), 20_000, 'the export failure to be reported');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(service.lines.filter((line) => line.event === 'trace_export_failed')).toHaveLength(1);
    } finally {
      expect(await service.stop()).toBe(0);
    }
  }, 60_000);

  it('stops without sitting through the exporter\'s retries when the collector never answers', async () => {
    const silent = createServer(() => undefined);
    const collectorPort = await freePort();
    await new Promise<void>((resolve) => silent.listen(collectorPort, '127.0.0.1', () => resolve()));
    const service = new ServiceProcess();
    const apiPort = await freePort();
    // Export timeout far past the test's own: only the shutdown's flush limit can end the wait. A long
    // batch delay keeps the request's spans pending until shutdown flushes them into the silent collector.
    await service.start({ PORT: String(apiPort), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`, OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_EXPORTER_OTLP_TIMEOUT: '600000' });
    try {
      const response = await fetch(`http://127.0.0.1:${apiPort}/api/v1/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(nominalFrames('silent-collector-rover', 1)[0]) });
      expect(response.status).toBe(200);
      expect(await service.stop()).toBe(0);
      expect(service.lines.some((line) => line.msg === 'stopped')).toBe(true);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
