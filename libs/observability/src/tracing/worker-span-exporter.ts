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
 * worker has its own V8 isolate. The request thread turns each batch into its OTLP/JSON request body
 * (the exporter's own transformer and one JSON.stringify, about as dear as copying the spans into
 * plain records was) and the worker only sends it: rebuilding spans from records, transforming and
 * serialising them again had cost the worker about 13 µs of CPU per span, now about 8 (docs/decisions.md).
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

/** A batch on its way to the collector: its OTLP/JSON request body, and how many spans it holds (for the exporter's own metrics). */
interface ExportBatch {
  body: string;
  spans: number;
}

/** Sends bodies as they come: the request thread wrote them. */
const PRE_ENCODED: ISerializer<ExportBatch, IExportTraceServiceResponse> = {
  serializeRequest: (batch) => Buffer.from(batch.body),
  deserializeResponse: (response) => JsonTraceSerializer.deserializeResponse(response),
};

/**
 * A SpanExporter that turns each batch into an OTLP/JSON request body and hands it to the OTLP/HTTP
 * exporter's transport on a worker thread (configured, like any OTLPTraceExporter, by the
 * OTEL_EXPORTER_OTLP_* variables). The worker starts with the first batch and again after a crash;
 * it holds the process open only while a batch is on its way.
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
    const body = JSON.stringify(createExportTraceServiceRequest(spans, JSON_ENCODER));
    worker.postMessage({ kind: 'export', id, batch: { body, spans: spans.length } } satisfies ToWorker);
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
