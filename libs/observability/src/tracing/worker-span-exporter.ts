import { once } from 'node:events';
import { isMainThread, MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import { Attributes, createTraceState, HrTime, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import { ExportResult, ExportResultCode, InstrumentationScope } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { waitAtMost } from './wait-at-most';

/*
 * OTLP export on a worker thread. Exporting on the request thread cost about 13 µs per request at a
 * 10 % sample rate (docs/benchmarks.md), far more than the profile showed in the exporter itself: its
 * HTTP client runs through the same Node internals as the server (streams, sockets, OutgoingMessage)
 * with other object shapes, and every batch knocked the server's optimised code back a tier. The
 * worker has its own V8 isolate; the request thread only copies finished spans into plain records.
 */

/** Marks the worker this file starts (the same file, loaded again on the worker thread). */
const WORKER_ROLE = 'astraguard.span-export';
/** How long shutdown waits for the last batches to reach the collector before dropping them. */
const SHUTDOWN_GRACE_MS = 2000;

/** A span context as plain data (TraceState is a class: it travels serialised). */
interface ContextRecord {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
  traceState?: string;
}

/** A finished span as plain data: what the worker gets, in JSON. */
export interface SpanRecord {
  context: ContextRecord;
  parent?: ContextRecord;
  name: string;
  kind: SpanKind;
  startTime: HrTime;
  endTime: HrTime;
  duration: HrTime;
  status: SpanStatus;
  attributes: Attributes;
  events: TimedEvent[];
  links: { context: ContextRecord; attributes?: Attributes; droppedAttributesCount?: number }[];
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  scope: InstrumentationScope;
}

interface ExportBatch {
  resource: Attributes;
  spans: SpanRecord[];
}

/**
 * A batch travels as one JSON string (an ExportBatch): structured cloning the records took about
 * 7 µs per span on the request thread, JSON.stringify about 1.6 (docs/benchmarks.md).
 */
type ToWorker = { kind: 'export'; id: number; batch: string } | { kind: 'shutdown' };
interface FromWorker {
  id: number;
  code: ExportResultCode;
  error?: string;
}

function contextRecord(context: SpanContext): ContextRecord {
  return { traceId: context.traceId, spanId: context.spanId, traceFlags: context.traceFlags, isRemote: context.isRemote, traceState: context.traceState?.serialize() };
}

function spanContext(record: ContextRecord): SpanContext {
  const { traceState, ...ids } = record;
  return { ...ids, traceState: traceState === undefined ? undefined : createTraceState(traceState) };
}

export function toSpanRecord(span: ReadableSpan): SpanRecord {
  return {
    context: contextRecord(span.spanContext()),
    parent: span.parentSpanContext && contextRecord(span.parentSpanContext),
    name: span.name,
    kind: span.kind,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status,
    attributes: span.attributes,
    events: span.events,
    links: span.links.map((link) => ({ context: contextRecord(link.context), attributes: link.attributes, droppedAttributesCount: link.droppedAttributesCount })),
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version, schemaUrl: span.instrumentationScope.schemaUrl },
  };
}

export function fromSpanRecord(record: SpanRecord, resource: Resource): ReadableSpan {
  const context = spanContext(record.context);
  return {
    name: record.name,
    kind: record.kind,
    spanContext: () => context,
    parentSpanContext: record.parent && spanContext(record.parent),
    startTime: record.startTime,
    endTime: record.endTime,
    duration: record.duration,
    ended: true,
    status: record.status,
    attributes: record.attributes,
    events: record.events,
    links: record.links.map((link) => ({ ...link, context: spanContext(link.context) })),
    droppedAttributesCount: record.droppedAttributesCount,
    droppedEventsCount: record.droppedEventsCount,
    droppedLinksCount: record.droppedLinksCount,
    resource,
    instrumentationScope: record.scope,
  };
}

/**
 * A SpanExporter that hands batches to an OTLP/HTTP exporter on a worker thread (configured, like
 * any OTLPTraceExporter, by the OTEL_EXPORTER_OTLP_* variables). The worker starts with the first
 * batch and again after a crash; it holds the process open only while a batch is on its way.
 */
export class WorkerSpanExporter implements SpanExporter {
  /** Node options of the worker; by default the process's own, so a TypeScript loader given with --require loads this file there too. */
  private readonly execArgv?: string[];
  private worker?: Worker;
  private readonly pending = new Map<number, (result: ExportResult) => void>();
  private lastId = 0;

  constructor(options: { execArgv?: string[] } = {}) {
    this.execArgv = options.execArgv;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const worker = this.worker ?? this.startWorker();
    const id = ++this.lastId;
    this.pending.set(id, done);
    worker.ref();
    // The SDK gives every span of a process the same resource.
    const batch: ExportBatch = { resource: spans[0]?.resource.attributes ?? {}, spans: spans.map(toSpanRecord) };
    worker.postMessage({ kind: 'export', id, batch: JSON.stringify(batch) } satisfies ToWorker);
  }

  /** Batches already handed over are settled by the worker; nothing is buffered here. */
  async forceFlush(): Promise<void> {}

  /** Lets the worker finish what it holds (at most SHUTDOWN_GRACE_MS), then stops it. */
  async shutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    worker.ref();
    const exited = once(worker, 'exit');
    worker.postMessage({ kind: 'shutdown' } satisfies ToWorker);
    await waitAtMost(exited, SHUTDOWN_GRACE_MS);
    await worker.terminate();
  }

  private startWorker(): Worker {
    const worker = new Worker(__filename, {
      workerData: { role: WORKER_ROLE },
      execArgv: this.execArgv,
      // The OTLP exporter reads its settings from the environment as this module sees it (under jest, a sandboxed copy).
      env: process.env,
    });
    worker.unref();
    worker.on('message', (reply: FromWorker) => this.settle(reply.id, { code: reply.code, error: reply.error === undefined ? undefined : new Error(reply.error) }));
    // An exit or crash fails what was in flight; the next batch starts a new worker.
    const lost = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const id of [...this.pending.keys()]) this.settle(id, { code: ExportResultCode.FAILED, error });
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`span export worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle(id: number, result: ExportResult): void {
    const done = this.pending.get(id);
    if (!done) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    done(result);
  }
}

/** The worker's side: export each batch with the OTLP/HTTP exporter and report how it went. */
function serveExports(port: MessagePort): void {
  const exporter = new OTLPTraceExporter();
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'shutdown') {
      void exporter.shutdown().finally(() => port.close());
      return;
    }
    const batch = JSON.parse(message.batch) as ExportBatch;
    const resource = resourceFromAttributes(batch.resource);
    exporter.export(
      batch.spans.map((record) => fromSpanRecord(record, resource)),
      (result) => port.postMessage({ id: message.id, code: result.code, error: result.error?.message } satisfies FromWorker),
    );
  });
}

if (!isMainThread && parentPort && (workerData as { role?: unknown } | null)?.role === WORKER_ROLE) serveExports(parentPort);
