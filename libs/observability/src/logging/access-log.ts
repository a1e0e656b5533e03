import pino, { DestinationStream, Level, Logger } from 'pino';
import { AppConfig } from '@astra/config';
import { isoTime, threeDigits } from './iso-time';

/** What the access line of one request says. */
export interface AccessEntry {
  requestId: string;
  method: string;
  route: string;
  status: number;
  /** Whole microseconds; the line says milliseconds. */
  durationMicros: number;
  requestBytes: number;
  responseBytes: number;
  traceId?: string;
  spanId?: string;
}

/**
 * `1.234` for 1 234 µs: milliseconds to three decimals, put together from integers. Formatting the
 * same value as a double (its shortest representation) took about as long as all the rest of the line.
 */
function milliseconds(micros: number): string {
  return `${Math.floor(micros / 1000)}.${threeDigits(micros % 1000)}`;
}

/**
 * The one log line of every request, in the shape of every other line (`level`, `time`, `service`,
 * `version`, `environment`, `request_id`, `msg`, `category`, …) and on the same destination, but
 * composed directly: it is written for every request, and a pino call with a per-line child logger
 * cost several times as much (docs/benchmarks.md, "Observability overhead"). Every value is either a
 * number or text the service controls: the method (the HTTP parser admits only tokens), the route
 * template, request ids (requestIdFrom admits `[A-Za-z0-9._:-]` only) and hex trace ids; so nothing
 * needs escaping but the settings, which are encoded once.
 */
export class AccessLog {
  private readonly destination: DestinationStream;
  private readonly base: string;

  constructor(
    private readonly logger: Logger,
    config: AppConfig,
  ) {
    this.destination = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
    this.base = `,"service":${JSON.stringify(config.serviceName)},"version":${JSON.stringify(config.serviceVersion)},"environment":${JSON.stringify(config.nodeEnv)}`;
  }

  /** info for answers below 400, warn for 4xx, error for 5xx; written only when the logger's level admits it. */
  write(entry: AccessEntry, now: number): void {
    const level: Level = entry.status >= 500 ? 'error' : entry.status >= 400 ? 'warn' : 'info';
    if (!this.logger.isLevelEnabled(level)) return;
    const trace = entry.traceId ? `,"trace_id":"${entry.traceId}","span_id":"${entry.spanId}"` : '';
    this.destination.write(
      `{"level":"${level}","time":"${isoTime(now)}"${this.base},"request_id":"${entry.requestId}","msg":"${entry.method} ${entry.route} ${entry.status}","category":"access","event":"http_request","method":"${entry.method}","route":"${entry.route}","status":${entry.status},"duration_ms":${milliseconds(entry.durationMicros)},"request_bytes":${entry.requestBytes},"response_bytes":${entry.responseBytes}${trace}}\n`,
    );
  }
}
