import type { Server } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { ROOT_CONTEXT, TraceFlags } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { HttpMetrics } from '../metrics/http-metrics';
import { AccessLog } from '../logging/access-log';
import { ROOT_LOGGER } from '../logging/root-logger';
import { ObservabilityState } from '../observability-state';
import { isQuietPath } from '../quiet-paths';
import { endServerSpan, ServerSpan, startServerSpan } from '../tracing/server-span';
import { tracingActive } from '../tracing/tracing-state';
import { requestIdFrom } from './request-id';
import { runInRequestScope } from './request-scope';
import { routeLabel, UNMATCHED } from './route-label';

/** Status recorded for a request whose client went away before the response was complete (nginx's convention). */
const CLIENT_CLOSED = 499;

/** What is known about a request from its arrival until its response closes; one small record per request. */
interface Observation {
  observer: RequestObserver;
  started: number;
  requestId: string;
  quiet: boolean;
  /** Whether metrics were on at arrival (the in-flight gauge must be decremented by whoever incremented it). */
  metrics: boolean;
  /** The HTTP server span, when tracing is on and the path is not a quiet one. */
  server?: ServerSpan;
  /** Ids of the server span when it is sampled (for the access line and the duration exemplar). */
  traceId?: string;
  spanId?: string;
  /** Instrumentation time spent at arrival, seconds. */
  overhead: number;
}

const OBSERVATION = Symbol('observation');
type ObservedResponse = Response & { [OBSERVATION]: Observation };
type LoggedRequest = Request & { id?: string; log?: Logger };

/** One shared listener (no closure per request): `this` is the response. */
function onResponseClose(this: ObservedResponse): void {
  const observation = this[OBSERVATION];
  observation.observer.finish(this, observation);
}

/**
 * Runs the rest of the request in its scope (log lines written during it carry its request id) and,
 * when it is traced, with the server span as the active span. Mounted after body parsing (a Nest
 * middleware, see ObservabilityModule): the body's stream events run outside any request's context,
 * so a context entered before parsing would be lost by the time the handler runs.
 */
export function enterRequestContext(_req: Request, res: Response, next: NextFunction): void {
  const observation = (res as Partial<ObservedResponse>)[OBSERVATION];
  if (!observation) return next();
  runInRequestScope(observation, observation.server?.context ?? ROOT_CONTEXT, next);
}

function headerBytes(value: string | number | string[] | undefined): number {
  const bytes = Number(value);
  return Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
}

/**
 * The HTTP instrumentation around every request, mounted before body parsing so it sees everything:
 * handled requests, guard rejections, bodies refused by the parser and unknown routes. At arrival it
 * settles the request id (kept from `x-request-id` or generated, echoed back) and
 * the HTTP server span (continuing a caller's `traceparent`); when the response closes it records the
 * HTTP metrics, names and ends the span and writes one access log line. The route label is Express's
 * matched route template (`unmatched` when no route matched).
 */
@Injectable()
export class RequestObserver {
  constructor(
    private readonly metrics: HttpMetrics,
    private readonly state: ObservabilityState,
    private readonly accessLog: AccessLog,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  readonly middleware = (req: LoggedRequest, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    req.id = requestId;
    // nestjs-pino gives Nest's loggers this app's root logger during the request; the root logger's
    // mixin adds the request id from the request scope, so no child logger is made per request.
    req.log = this.logger;
    // Every field from the start: one object shape for all requests, sampled or not.
    const observation: Observation = { observer: this, started, requestId, quiet: isQuietPath(req.url), metrics: this.state.metricsOn, server: undefined, traceId: undefined, spanId: undefined, overhead: 0 };
    if (tracingActive() && !observation.quiet) {
      const server = (observation.server = startServerSpan(req.method, req.url, req.headers));
      const ids = server.span.spanContext();
      if (ids.traceFlags & TraceFlags.SAMPLED) {
        observation.traceId = ids.traceId;
        observation.spanId = ids.spanId;
      }
    }
    if (observation.metrics) this.metrics.inFlight.inc();
    (res as ObservedResponse)[OBSERVATION] = observation;
    res.on('close', onResponseClose);
    observation.overhead = (performance.now() - started) / 1000;
    next();
  };

  /** Counts the open client sockets of the API server. */
  watchConnections(server: Server): void {
    server.on('connection', (socket) => {
      this.metrics.connections.inc();
      socket.once('close', () => this.metrics.connections.dec());
    });
  }

  finish(res: Response, observation: Observation): void {
    const closing = performance.now();
    const req = res.req as LoggedRequest;
    const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
    const route = routeLabel(req);
    const seconds = (closing - observation.started) / 1000;
    const requestBytes = headerBytes(req.headers['content-length']);
    const responseBytes = headerBytes(res.getHeader('content-length'));
    const now = Date.now();
    if (observation.server) endServerSpan(observation.server.span, req.method, route === UNMATCHED ? undefined : route, status);
    if (observation.metrics) {
      this.metrics.inFlight.dec();
      const exemplarTraceId = this.state.exemplarsWanted ? observation.traceId : undefined;
      this.metrics.record({ method: req.method, route, status, seconds, requestBytes, responseBytes, traceId: exemplarTraceId }, now);
    }
    if (!observation.quiet) {
      const durationMicros = Math.round(seconds * 1e6);
      this.accessLog.write({ requestId: observation.requestId, method: req.method, route, status, durationMicros, requestBytes, responseBytes, traceId: observation.traceId, spanId: observation.spanId }, now);
    }
    if (observation.metrics) this.metrics.overhead.observe(observation.overhead + (performance.now() - closing) / 1000);
  }
}
