import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SpanKind } from '@opentelemetry/api';
import request from 'supertest';
import { startTracing } from '../../../libs/observability/src/tracing/sdk';
import { flushTracing, shutdownTracing } from '../../../libs/observability/src/tracing/tracing-state';
import { freePort, LogCapture } from './observability-harness';

/*
 * The SDK starts before the app is required, as instrumentation.ts does in production. Jest's module
 * registry bypasses Node's require hooks, so ioredis is not patched in-process: its command spans, and
 * the export itself, are proven against the service in a child process (observability-otlp.e2e.spec.ts).
 * Here: the HTTP server span and AstraGuard's own spans, their nesting, error status, W3C trace context
 * in (traceparent) and out (webhook alerts), and the log ↔ trace correlation.
 */
const exporter = new InMemorySpanExporter();
startTracing({ serviceVersion: '0.0.0-test', exporter, env: { NODE_ENV: 'test' } });
/* eslint-disable @typescript-eslint/no-require-imports */
const { loadConfig } = require('@astra/config') as typeof import('@astra/config');
const { createApp } = require('../src/bootstrap') as typeof import('../src/bootstrap');
const { makeTestKeys, nominalFrames } = require('./test-app') as typeof import('./test-app');

async function start(env: Record<string, string>, logs: LogCapture): Promise<NestExpressApplication> {
  const app = await createApp(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', ...env }, '0.0.0-test'), { logDestination: logs });
  await app.init();
  return app;
}

const byName = (spans: ReadableSpan[], name: string) => spans.filter((span) => span.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

afterAll(() => shutdownTracing());
beforeEach(() => exporter.reset());

describe('spans of an ingestion (Redis store)', () => {
  const logs = new LogCapture();
  let app: NestExpressApplication;
  beforeAll(async () => (app = await start({ REDIS_URL: process.env.ASTRA_TEST_REDIS_URL!, REDIS_KEY_PREFIX: `trace-${process.pid}-${Date.now()}:` }, logs)));
  afterAll(() => app.close());

  it('nests detection and store spans under the ingestion span, with detection attributes', async () => {
    await request(app.getHttpServer()).post('/api/v1/telemetry').send(nominalFrames('trace-rover', 1)[0]).expect(200);
    await flushTracing();
    const spans = exporter.getFinishedSpans();
    const [ingest] = byName(spans, 'telemetry.ingest');
    const [detect] = byName(spans, 'anomaly.detect');
    const [write] = byName(spans, 'store.writeIngest');
    expect(ingest.attributes['astra.frame_count']).toBe(1);
    expect(parentOf(detect)).toBe(ingest.spanContext().spanId);
    expect(parentOf(write)).toBe(ingest.spanContext().spanId);
    expect(write.attributes['db.system']).toBe('redis');
    expect(detect.attributes).toMatchObject({ 'astra.frame_count': 1, 'astra.channel_count': 5, 'astra.anomaly_count': 0, 'astra.severity_level': 'LOW', 'astra.anomaly_type': 'normal' });
    expect(typeof detect.attributes['astra.anomaly_score']).toBe('number');
    // The engine state is loaded from the store inside detection.
    const load = byName(spans, 'store.loadDetectorState')[0];
    expect(parentOf(load)).toBe(detect.spanContext().spanId);
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);
  });

  it('puts the trace id of the work into the log lines written during it', async () => {
    const frames = nominalFrames('trace-log-rover', 300);
    await request(app.getHttpServer()).post('/api/v1/telemetry/batch').send({ telemetry: frames }).expect(200);
    exporter.reset();
    const spike = { ...frames[0], timestamp: frames[0].timestamp + 300_000, voltage: 45 };
    const answer = await request(app.getHttpServer()).post('/api/v1/telemetry').send(spike).expect(200);
    await flushTracing();
    const [ingest] = byName(exporter.getFinishedSpans(), 'telemetry.ingest');
    const line = logs.find((entry) => entry.event === 'anomaly_detected' && entry.anomaly_id === answer.body.anomaly_id);
    expect(line).toMatchObject({ trace_id: ingest.spanContext().traceId });
    expect(line!.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('continues a caller\'s traceparent in a server span named after the route, parent of the work', async () => {
    const callerTraceId = '0af7651916cd43dd8448eb211c80319c';
    const callerSpanId = 'b7ad6b7169203331';
    await request(app.getHttpServer()).post('/api/v1/telemetry').set('traceparent', `00-${callerTraceId}-${callerSpanId}-01`).send(nominalFrames('trace-parent-rover', 1)[0]).expect(200);
    await flushTracing();
    const spans = exporter.getFinishedSpans();
    const [server] = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(server.name).toBe('POST /api/v1/telemetry');
    expect(server.spanContext().traceId).toBe(callerTraceId);
    expect(parentOf(server)).toBe(callerSpanId);
    expect(server.attributes).toMatchObject({ 'http.route': '/api/v1/telemetry', 'http.request.method': 'POST', 'http.response.status_code': 200 });
    const [ingest] = byName(spans, 'telemetry.ingest');
    expect(parentOf(ingest)).toBe(server.spanContext().spanId);
  });

  it('names the server span of an unknown path by its method only (no raw path as a name)', async () => {
    await request(app.getHttpServer()).get('/no/such/route/4711').expect(404);
    await flushTracing();
    const [server] = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
    expect(server.name).toBe('GET');
    expect(server.attributes['http.route']).toBeUndefined();
    expect(server.attributes['http.response.status_code']).toBe(404);
  });

  it('keeps /metrics and the probes out of traces', async () => {
    await request(app.getHttpServer()).get('/metrics').expect(200);
    await request(app.getHttpServer()).get('/health/live').expect(200);
    await flushTracing();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('records one detection span per batch, with the frame and anomaly counts', async () => {
    await request(app.getHttpServer()).post('/api/v1/telemetry/batch').send({ telemetry: nominalFrames('trace-batch-rover', 40) }).expect(200);
    await flushTracing();
    const detections = byName(exporter.getFinishedSpans(), 'anomaly.detect');
    expect(detections).toHaveLength(1);
    expect(detections[0].attributes).toMatchObject({ 'astra.frame_count': 40, 'astra.anomaly_count': 0 });
    expect(detections[0].attributes['astra.channel_count']).toBeUndefined();
  });
});

describe('spans of an ingestion (in-memory store)', () => {
  it('has the server, ingestion and detection spans, and none for the in-memory store\'s map operations', async () => {
    const app = await start({}, new LogCapture());
    try {
      await request(app.getHttpServer()).post('/api/v1/telemetry').send(nominalFrames('trace-memory-rover', 1)[0]).expect(200);
      await flushTracing();
      const spans = exporter.getFinishedSpans();
      expect(spans.map((span) => span.name).sort()).toEqual(['POST /api/v1/telemetry', 'anomaly.detect', 'telemetry.ingest']);
      const [server] = byName(spans, 'POST /api/v1/telemetry');
      const [ingest] = byName(spans, 'telemetry.ingest');
      expect(parentOf(ingest)).toBe(server.spanContext().spanId);
      expect(parentOf(byName(spans, 'anomaly.detect')[0])).toBe(ingest.spanContext().spanId);
    } finally {
      await app.close();
    }
  });
});

describe('trace context on outgoing webhook alerts', () => {
  it('sends the alert in the trace of the request that raised it, from a span of its own', async () => {
    const received: (string | undefined)[] = [];
    const receiver = createServer((req, res) => {
      received.push(req.headers.traceparent as string | undefined);
      req.resume().on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const logs = new LogCapture();
    const app = await start({ ALERT_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`, ALERT_MIN_SEVERITY: 'LOW' }, logs);
    try {
      const frames = nominalFrames('trace-alert-rover', 300);
      await request(app.getHttpServer()).post('/api/v1/telemetry/batch').send({ telemetry: frames }).expect(200);
      const spike = { ...frames[299], timestamp: frames[299].timestamp + 60_000, voltage: 45 };
      const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const answer = await request(app.getHttpServer()).post('/api/v1/telemetry').set('traceparent', `00-${callerTraceId}-00f067aa0ba902b7-01`).send(spike).expect(200);
      expect(answer.body.is_anomaly).toBe(true);
      for (let waited = 0; received.length === 0 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received[0]).toMatch(new RegExp(`^00-${callerTraceId}-[0-9a-f]{16}-01$`));
      // The traceparent names the span of the webhook call itself, recorded in the caller's trace (the receiver's parent).
      await flushTracing();
      const call = exporter.getFinishedSpans().find((span) => span.spanContext().spanId === received[0]?.split('-')[2]);
      expect(call?.name).toBe('webhook alert.send');
      expect(call?.spanContext().traceId).toBe(callerTraceId);
    } finally {
      await app.close();
      receiver.close();
    }
  });
});

describe('spans of failing work', () => {
  it('end with error status and the exception recorded when the store is down', async () => {
    const logs = new LogCapture();
    const app = await start({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` }, logs);
    try {
      // Writes go to the journal while Redis is away; reads cannot, so a history query fails with 503.
      await request(app.getHttpServer()).get('/api/v1/history/anomalies').expect(503);
      await flushTracing();
      const [query] = byName(exporter.getFinishedSpans(), 'store.queryAnomalies');
      expect(query.status.code).toBe(2);
      expect(query.events.some((event) => event.name === 'exception')).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe('the tracing switch', () => {
  it('at runtime (admin API): nothing recorded while off, the request path traced again once on', async () => {
    const { keys, env } = makeTestKeys();
    const app = await start(env, new LogCapture());
    const ingest = (instanceId: string) => request(app.getHttpServer()).post('/api/v1/telemetry').set('X-API-Key', keys.admin).send(nominalFrames(instanceId, 1)[0]).expect(200);
    const tracing = (on: boolean) => request(app.getHttpServer()).put('/api/v1/admin/observability').set('X-API-Key', keys.admin).send({ tracing: on }).expect(200);
    try {
      await tracing(false);
      exporter.reset();
      await ingest('switched-off-rover');
      await flushTracing();
      expect(exporter.getFinishedSpans()).toHaveLength(0);
      await tracing(true);
      exporter.reset();
      await ingest('switched-on-rover');
      await flushTracing();
      const names = exporter.getFinishedSpans().map((span) => span.name);
      expect(names).toEqual(expect.arrayContaining(['POST /api/v1/telemetry', 'telemetry.ingest', 'anomaly.detect']));
    } finally {
      await app.close();
    }
  });

  it('stops recording spans while tracing is switched off at start', async () => {
    const logs = new LogCapture();
    const app = await start({ TRACING_ENABLED: 'false' }, logs);
    try {
      await request(app.getHttpServer()).post('/api/v1/telemetry').send(nominalFrames('trace-off-rover', 1)[0]).expect(200);
      await flushTracing();
      expect(exporter.getFinishedSpans()).toHaveLength(0);
      const status = await request(app.getHttpServer()).get('/api/v1/status').expect(200);
      expect(status.body.observability).toMatchObject({ tracing: false, tracing_available: true });
    } finally {
      await app.close();
    }
  });
});
