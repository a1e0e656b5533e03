import { Injectable } from '@nestjs/common';
import { getToken, InjectMetric, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Gauge, Histogram } from 'prom-client';
import { CounterSeries, HistogramSeries, HotPathCounter, HotPathGauge, HotPathHistogram, registeredHotPathMetric } from './hot-path-metrics';

/** 0.25 s is the latency-SLO threshold the alert rules use. */
export const HTTP_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SIZE_BUCKETS = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216];
/** Fine between 5 and 30 µs, where the request instrumentation's own time lies: a change of a few µs shows. */
const OVERHEAD_BUCKETS = [0.000001, 0.0000025, 0.000005, 0.0000075, 0.00001, 0.0000125, 0.000015, 0.0000175, 0.00002, 0.0000225, 0.000025, 0.00003, 0.00005, 0.0001, 0.00025, 0.001];
const RESOLUTION_BUCKETS = [0.1, 1, 5, 15, 30, 60, 300, 900, 3600];

/**
 * Providers of the HTTP metrics. Those updated on every request are hot-path metrics
 * (hot-path-metrics.ts); the rest are prom-client's. Creation is idempotent (several apps per jest
 * process share the default registry).
 */
export const httpMetricProviders = [
  hotPath('astra_http_requests_total', (name) => new HotPathCounter(name, 'HTTP requests answered, by method, route template and status')),
  hotPath('astra_http_request_duration_seconds', (name) => new HotPathHistogram(name, 'Time from request arrival to response end', HTTP_DURATION_BUCKETS)),
  hotPath('astra_http_requests_in_flight', (name) => new HotPathGauge(name, 'Requests being handled')),
  makeGaugeProvider({ name: 'astra_active_connections', help: 'Open client sockets on the API port' }),
  hotPath('astra_http_request_size_bytes', (name) => new HotPathHistogram(name, 'Request body size (Content-Length)', SIZE_BUCKETS)),
  hotPath('astra_http_response_size_bytes', (name) => new HotPathHistogram(name, 'Response body size (Content-Length)', SIZE_BUCKETS)),
  makeHistogramProvider({ name: 'astra_error_resolution_time_seconds', help: 'From the first 5xx of a route to its next success', buckets: RESOLUTION_BUCKETS }),
  hotPath('astra_observability_overhead_seconds', (name) => new HotPathHistogram(name, 'Time the request instrumentation itself spends per request (request id, request scope, server span, metrics, access line)', OVERHEAD_BUCKETS)),
];

function hotPath(name: string, create: (name: string) => HotPathCounter | HotPathGauge | HotPathHistogram) {
  return { provide: getToken(name), useFactory: () => registeredHotPathMetric(name, create) };
}

/** The series one (method, route, status) records into, resolved once: no per-request allocation or hashing. */
interface RouteSeries {
  requests: CounterSeries;
  duration: HistogramSeries;
  requestSize: HistogramSeries;
  responseSize: HistogramSeries;
}

export interface HttpSample {
  method: string;
  route: string;
  status: number;
  seconds: number;
  requestBytes: number;
  responseBytes: number;
  /** Trace id for the duration exemplar, when exemplars are wanted and the request was sampled. */
  traceId?: string;
}

/** Records the HTTP metrics of one answered request. */
@Injectable()
export class HttpMetrics {
  /** astra_observability_overhead_seconds (unlabelled). */
  readonly overhead: HistogramSeries;
  /** By route, method and status: found with the request's own strings (no key is built per request). */
  private readonly routes = new Map<string, Map<string, Map<number, RouteSeries>>>();
  /** Routes whose last answer was a 5xx, with when the failing streak began. */
  private readonly failingSince = new Map<string, number>();

  constructor(
    @InjectMetric('astra_http_requests_total') private readonly requests: HotPathCounter,
    @InjectMetric('astra_http_request_duration_seconds') private readonly duration: HotPathHistogram,
    @InjectMetric('astra_http_requests_in_flight') readonly inFlight: HotPathGauge,
    @InjectMetric('astra_active_connections') readonly connections: Gauge<string>,
    @InjectMetric('astra_http_request_size_bytes') private readonly requestSize: HotPathHistogram,
    @InjectMetric('astra_http_response_size_bytes') private readonly responseSize: HotPathHistogram,
    @InjectMetric('astra_error_resolution_time_seconds') private readonly resolution: Histogram<string>,
    @InjectMetric('astra_observability_overhead_seconds') overhead: HotPathHistogram,
  ) {
    this.overhead = overhead.for();
  }

  record(sample: HttpSample, now: number): void {
    const series = this.seriesOf(sample.method, sample.route, sample.status);
    series.requests.inc();
    if (sample.traceId) series.duration.observeWithTrace(sample.seconds, sample.traceId);
    else series.duration.observe(sample.seconds);
    series.requestSize.observe(sample.requestBytes);
    series.responseSize.observe(sample.responseBytes);
    this.trackResolution(sample.route, sample.status, now);
  }

  private trackResolution(route: string, status: number, now: number): void {
    if (status >= 500) {
      if (!this.failingSince.has(route)) this.failingSince.set(route, now);
      return;
    }
    const since = this.failingSince.get(route);
    if (since === undefined) return;
    this.failingSince.delete(route);
    this.resolution.observe((now - since) / 1000);
  }

  private seriesOf(method: string, route: string, status: number): RouteSeries {
    let byMethod = this.routes.get(route);
    if (!byMethod) this.routes.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      const full = { method, route, status: String(status) };
      const byRoute = { method, route };
      series = { requests: this.requests.for(full), duration: this.duration.for(full), requestSize: this.requestSize.for(byRoute), responseSize: this.responseSize.for(byRoute) };
      byStatus.set(status, series);
    }
    return series;
  }
}
