import { once } from 'node:events';
import { isMainThread, MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { IExportTraceServiceResponse, ISerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
// What JsonTraceSerializer runs before its JSON.stringify and UTF-8 encoding (not in the package's index; the version is pinned in package.json).
import { JSON_ENCODER } from '@opentelemetry/otlp-transformer/build/src/common/utils';
import { createExportTraceServiceRequest } from '@opentelemetry/otlp-transformer/build/src/trace/internal';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { waitAtMost } from './wait-at-most';

/*
 * OTLP export on a worker thread. Exporting on the request thread cost about 13 µs per request at a
 * 10 % sample rate (docs/benchmarks.md), far more than the profile showed in the exporter itself: its
 * HTTP client runs through the same Node internals as the server (streams, sockets, OutgoingMessage)
 * with other object shapes, and every batch knocked the server's optimised code back a tier. The
 * worker has its own V8 isolate. The request thread turns each batch into OTLP/JSON with the
 * exporter's own transformer, in pieces of SPANS_PER_PIECE spans, writes the pieces as one request
 * body into memory the worker shares (BodyBuffers), and the worker sends it: rebuilding spans from
 * plain records, transforming and serialising them again, as it did before, had cost the worker about
 * 13 µs of CPU per span (docs/decisions.md).
 */

/** Marks the worker this file starts (the same file, loaded again on the worker thread). */
const WORKER_ROLE = 'astraguard.span-export';
/** How long shutdown waits for the last batches to reach the collector before dropping them. */
const SHUTDOWN_GRACE_MS = 2000;

type ToWorker = { kind: 'export'; id: number; batch: ExportBatch } | { kind: 'shutdown' };
interface FromWorker {
  id: number;
  code: ExportResultCode;
  error?: string;
}

/**
 * Spans per piece of a batch's JSON. A piece of 64 usual spans is about 45 KB, below V8's large-object
 * size (128 KB); the SDK's 512-span batch as one string was about 330 KB, and JSON.stringify of that cost
 * 3–11 µs per span on this project's host against 1–2 in pieces (docs/benchmarks.md): every large string
 * lands in fresh memory pages.
 */
const SPANS_PER_PIECE = 64;

/** A batch's request body in memory both threads see, and how many spans it holds (for the exporter's own metrics). */
interface ExportBatch {
  memory: SharedArrayBuffer;
  length: number;
  spans: number;
}

/** Room of a new body buffer: a usual 512-span batch (~330 KB) fits, so the pool's buffers are reused, not regrown. */
const BODY_BUFFER_BYTES = 512 * 1024;
/** Free body buffers kept: one batch is exported at a time, the second is for a flush that overlaps it. */
const FREE_BODY_BUFFERS = 2;

/**
 * Memory for request bodies, handed to the worker without a copy. Posting the batch's JSON as strings
 * cost about 1.8 µs per span on the request thread (the structured clone writes every string into a
 * new message buffer) and as much again in the worker to read it back and encode it: each time into
 * fresh memory pages, which on this project's host cost about 15 µs each (docs/benchmarks.md). A
 * buffer is reused once the worker has settled the batch it carried.
 */
class BodyBuffers {
  private readonly free: SharedArrayBuffer[] = [];

  take(bytes: number): SharedArrayBuffer {
    const reused = this.free.pop();
    return reused && reused.byteLength >= bytes ? reused : new SharedArrayBuffer(Math.max(bytes, BODY_BUFFER_BYTES));
  }

  give(memory: SharedArrayBuffer): void {
    if (this.free.length < FREE_BODY_BUFFERS) this.free.push(memory);
  }
}

/** `{"resourceSpans":[…]}` from pieces that are each the JSON of a resourceSpans array, written into a body buffer. */
function writeBody(pieces: readonly string[], buffers: BodyBuffers): { memory: SharedArrayBuffer; length: number } {
  // Each piece holds at least one span, so no piece's array is empty.
  const inner = pieces.map((piece) => piece.slice(1, -1));
  const open = '{"resourceSpans":[';
  const close = ']}';
  let length = open.length + close.length + Math.max(inner.length - 1, 0);
  for (const entries of inner) length += Buffer.byteLength(entries);
  const memory = buffers.take(length);
  const body = Buffer.from(memory, 0, length);
  let at = body.write(open);
  inner.forEach((entries, index) => {
    if (index > 0) at += body.write(',', at);
    at += body.write(entries, at);
  });
  body.write(close, at);
  return { memory, length };
}

/** Sends the body the request thread wrote: one request per batch, whose resourceSpans entries are the pieces' (one resource may appear once per piece, as OTLP allows). */
const PRE_ENCODED: ISerializer<ExportBatch, IExportTraceServiceResponse> = {
  serializeRequest: (batch) => new Uint8Array(batch.memory, 0, batch.length),
  deserializeResponse: (response) => JsonTraceSerializer.deserializeResponse(response),
};

/**
 * A SpanExporter that turns each batch into OTLP/JSON and hands it to the OTLP/HTTP
 * exporter's transport on a worker thread (configured, like any OTLPTraceExporter, by the
 * OTEL_EXPORTER_OTLP_* variables). The worker starts with the first batch and again after a crash;
 * it holds the process open only while a batch is on its way.
 */
export class WorkerSpanExporter implements SpanExporter {
  /** Node options of the worker; by default the process's own, so a TypeScript loader given with --require loads this file there too. */
  private readonly execArgv?: string[];
  private worker?: Worker;
  /** Batches handed to the worker: who waits for each, and the body buffer it holds until settled. */
  private readonly pending = new Map<number, { done: (result: ExportResult) => void; memory: SharedArrayBuffer }>();
  private readonly bodies = new BodyBuffers();
  private lastId = 0;

  constructor(options: { execArgv?: string[] } = {}) {
    this.execArgv = options.execArgv;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const worker = this.worker ?? this.startWorker();
    const id = ++this.lastId;
    const pieces: string[] = [];
    for (let start = 0; start < spans.length; start += SPANS_PER_PIECE) {
      pieces.push(JSON.stringify(createExportTraceServiceRequest(spans.slice(start, start + SPANS_PER_PIECE), JSON_ENCODER).resourceSpans));
    }
    const { memory, length } = writeBody(pieces, this.bodies);
    this.pending.set(id, { done, memory });
    worker.ref();
    // A SharedArrayBuffer is shared by postMessage, not copied.
    worker.postMessage({ kind: 'export', id, batch: { memory, length, spans: spans.length } } satisfies ToWorker);
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
    const batch = this.pending.get(id);
    if (!batch) return;
    this.pending.delete(id);
    // The worker is done with the body: sent, given up on (its request destroyed) or the worker gone.
    this.bodies.give(batch.memory);
    if (this.pending.size === 0) this.worker?.unref();
    batch.done(result);
  }
}

/**
 * The worker's side: sends each body the way OTLPTraceExporter sends the one it serialises (the same
 * options from the OTEL_EXPORTER_OTLP_* variables: endpoint, headers, timeout, compression; the same
 * retrying transport and concurrency limit), and reports how it went.
 */
function serveExports(port: MessagePort): void {
  const delegate = createOtlpHttpExportDelegate(
    convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': 'application/json' }),
    PRE_ENCODED,
    'otlp_http_span_exporter',
    { name: 'span', countItems: (batch: ExportBatch) => batch.spans },
    undefined,
  );
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'shutdown') {
      void delegate.shutdown().finally(() => port.close());
      return;
    }
    delegate.export(message.batch, (result) => port.postMessage({ id: message.id, code: result.code, error: result.error?.message } satisfies FromWorker));
  });
}

if (!isMainThread && parentPort && (workerData as { role?: unknown } | null)?.role === WORKER_ROLE) serveExports(parentPort);
