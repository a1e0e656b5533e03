import { Injectable } from '@nestjs/common';
import { getToken, InjectMetric, makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, Histogram, register } from 'prom-client';

/** 0.25 s is the latency-SLO threshold the alert rules use. */
export const HTTP_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SIZE_BUCKETS = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216];
/** Fine between 5 and 30 µs, where the request instrumentation's own time lies: a change of a few µs shows. */
const OVERHEAD_BUCKETS = [0.000001, 0.0000025, 0.000005, 0.0000075, 0.00001, 0.0000125, 0.000015, 0.0000175, 0.00002, 0.0000225, 0.000025, 0.00003, 0.00005, 0.0001, 0.00025, 0.001];
const RESOLUTION_BUCKETS = [0.1, 1, 5, 15, 30, 60, 300, 900, 3600];

const ROUTE_STATUS = ['method', 'route', 'status'] as const;
const ROUTE = ['method', 'route'] as const;

/**
 * prom-client refuses to create an exemplar-carrying metric in a Prometheus-format registry, yet
 * registering one afterwards is fine (exemplars are printed only in OpenMetrics renderings): so it
 * is created unregistered and added to the default registry by hand.
 */
function durationHistogram(): Histogram<string> {
  const name = 'astra_http_request_duration_seconds';
  const existing = register.getSingleMetric(name);
  if (existing) return existing as Histogram<string>;
  const histogram = new Histogram({ name, help: 'Time from request arrival to response end', labelNames: ROUTE_STATUS, buckets: HTTP_DURATION_BUCKETS, enableExemplars: true, registers: [] });
  register.registerMetric(histogram);
  return histogram;
}

/** Metric providers; creation is idempotent (several apps per jest process share the default registry). */
export const httpMetricProviders = [
  makeCounterProvider({ name: 'astra_http_requests_total', help: 'HTTP requests answered, by method, route template and status', labelNames: ROUTE_STATUS }),
  {
    provide: getToken('astra_http_request_duration_seconds'),
    useFactory: () => durationHistogram(),
  },
  makeGaugeProvider({ name: 'astra_http_requests_in_flight', help: 'Requests being handled' }),
  makeGaugeProvider({ name: 'astra_active_connections', help: 'Open client sockets on the API port' }),
  makeHistogramProvider({ name: 'astra_http_request_size_bytes', help: 'Request body size (Content-Length)', labelNames: ROUTE, buckets: SIZE_BUCKETS }),
  makeHistogramProvider({ name: 'astra_http_response_size_bytes', help: 'Response body size (Content-Length)', labelNames: ROUTE, buckets: SIZE_BUCKETS }),
  makeHistogramProvider({ name: 'astra_error_resolution_time_seconds', help: 'From the first 5xx of a route to its next success', buckets: RESOLUTION_BUCKETS }),
  makeHistogramProvider({ name: 'astra_observability_overhead_seconds', help: 'Time the request instrumentation itself spends per request (request id, request scope, server span, metrics, access line)', buckets: OVERHEAD_BUCKETS }),
];

type RouteStatusLabels = Record<(typeof ROUTE_STATUS)[number], string>;
type RouteLabels = Record<(typeof ROUTE)[number], string>;

/** Label objects are reused per (method, route, status): no per-request allocation for them. */
interface LabelSet {
  full: RouteStatusLabels;
  route: RouteLabels;
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
  private readonly labelSets = new Map<string, LabelSet>();
  /** Routes whose last answer was a 5xx, with when the failing streak began. */
  private readonly failingSince = new Map<string, number>();

  constructor(
    @InjectMetric('astra_http_requests_total') private readonly requests: Counter<string>,
    @InjectMetric('astra_http_request_duration_seconds') private readonly duration: Histogram<string>,
    @InjectMetric('astra_http_requests_in_flight') readonly inFlight: Gauge<string>,
    @InjectMetric('astra_active_connections') readonly connections: Gauge<string>,
    @InjectMetric('astra_http_request_size_bytes') private readonly requestSize: Histogram<string>,
    @InjectMetric('astra_http_response_size_bytes') private readonly responseSize: Histogram<string>,
    @InjectMetric('astra_error_resolution_time_seconds') private readonly resolution: Histogram<string>,
    @InjectMetric('astra_observability_overhead_seconds') readonly overhead: Histogram<string>,
  ) {}

  record(sample: HttpSample, now: number): void {
    const labels = this.labels(sample.method, sample.route, sample.status);
    this.requests.inc(labels.full);
    if (sample.traceId) this.duration.observe({ labels: labels.full, value: sample.seconds, exemplarLabels: { trace_id: sample.traceId } });
    else this.duration.observe({ labels: labels.full, value: sample.seconds });
    this.requestSize.observe(labels.route, sample.requestBytes);
    this.responseSize.observe(labels.route, sample.responseBytes);
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

  private labels(method: string, route: string, status: number): LabelSet {
    const key = `${method} ${status} ${route}`;
    let set = this.labelSets.get(key);
    if (!set) {
      set = { full: { method, route, status: String(status) }, route: { method, route } };
      this.labelSets.set(key, set);
    }
    return set;
  }
}
