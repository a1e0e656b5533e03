import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Writes one JSON log line (the SDK runs before the application logger exists). */
export type LineWriter = (line: Record<string, unknown>) => void;

/**
 * Passes spans on and says once when exporting starts failing (and once when it works again), so a
 * collector that is down costs one log line, not one per batch. Failures never reach the requests.
 */
export class ReportingSpanExporter implements SpanExporter {
  private failing = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly endpoint: string,
    private readonly write: LineWriter,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      const failed = result.code !== ExportResultCode.SUCCESS;
      if (failed && !this.failing) {
        this.write({ level: 'warn', category: 'infrastructure', event: 'trace_export_failed', endpoint: this.endpoint, error: result.error?.message, msg: `trace export to ${this.endpoint} failing; spans are dropped until it recovers (said once)` });
      } else if (!failed && this.failing) {
        this.write({ level: 'info', category: 'infrastructure', event: 'trace_export_recovered', endpoint: this.endpoint, msg: `trace export to ${this.endpoint} recovered` });
      }
      this.failing = failed;
      done(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
