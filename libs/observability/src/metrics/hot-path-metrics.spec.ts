import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { renderOpenMetrics } from './openmetrics';
import { HotPathCounter, HotPathGauge, HotPathHistogram } from './hot-path-metrics';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const GET_OK = { method: 'GET', route: '/a', status: '200' };
const POST_FAILED = { method: 'POST', route: '/b/:id', status: '500' };

/** Exemplar timestamps are the clock at observation: equal in shape, not in value. */
const withoutTimestamps = (text: string) => text.replace(/(# \{[^}]*\} \S+) \d+(\.\d+)?/g, '$1 <ts>');

/** The same observations through prom-client's own metrics and through the hot-path ones, each in its own registry. */
function recordBoth() {
  const reference = new Registry();
  const hot = new Registry();
  const counter = new Counter({ name: 'spec_requests_total', help: 'requests', labelNames: ['method', 'route', 'status'], registers: [reference] });
  // prom-client creates exemplar histograms only outside a Prometheus-format registry (see http-metrics.ts).
  const histogram: Histogram<string> = new Histogram({ name: 'spec_duration_seconds', help: 'duration', labelNames: ['method', 'route', 'status'], buckets: BUCKETS, enableExemplars: true, registers: [] });
  reference.registerMetric(histogram);
  const gauge = new Gauge({ name: 'spec_in_flight', help: 'in flight', registers: [reference] });

  const hotCounter = new HotPathCounter('spec_requests_total', 'requests');
  const hotHistogram = new HotPathHistogram('spec_duration_seconds', 'duration', BUCKETS);
  const hotGauge = new HotPathGauge('spec_in_flight', 'in flight');
  for (const metric of [hotCounter, hotHistogram, hotGauge]) hot.registerMetric(metric as never);

  const observations: [typeof GET_OK, number, string?][] = [
    [GET_OK, 0.0004],
    [GET_OK, 0.02, 'aaaa1111aaaa1111aaaa1111aaaa1111'],
    [GET_OK, 0.02],
    [POST_FAILED, 5, 'bbbb2222bbbb2222bbbb2222bbbb2222'],
    [POST_FAILED, 0.001],
  ];
  for (const [labels, seconds, traceId] of observations) {
    counter.inc(labels);
    histogram.observe({ labels, value: seconds, exemplarLabels: traceId ? { trace_id: traceId } : {} });
    hotCounter.for(labels).inc();
    if (traceId) hotHistogram.for(labels).observeWithTrace(seconds, traceId);
    else hotHistogram.for(labels).observe(seconds);
  }
  gauge.inc();
  gauge.inc();
  gauge.dec();
  hotGauge.inc();
  hotGauge.inc();
  hotGauge.dec();
  return { reference, hot, hotHistogram };
}

describe('hot-path metrics', () => {
  it('render the same Prometheus text as prom-client given the same observations', async () => {
    const { reference, hot } = recordBoth();
    const text = await hot.metrics();
    expect(text).toBe(await reference.metrics());
    expect(text).toContain('spec_duration_seconds_bucket{le="+Inf",method="POST",route="/b/:id",status="500"} 2');
    expect(text).toContain('spec_requests_total{method="GET",route="/a",status="200"} 3');
    expect(text).toContain('spec_in_flight 1');
  });

  it('render the same OpenMetrics text, exemplars with their trace ids on the buckets they fell in', async () => {
    const { reference, hot } = recordBoth();
    const text = withoutTimestamps(await renderOpenMetrics(hot));
    expect(text).toBe(withoutTimestamps(await renderOpenMetrics(reference)));
    expect(text).toContain('spec_duration_seconds_bucket{le="0.1",method="GET",route="/a",status="200"} 3 # {trace_id="aaaa1111aaaa1111aaaa1111aaaa1111"} 0.02 <ts>');
    expect(text).toContain('spec_duration_seconds_bucket{le="+Inf",method="POST",route="/b/:id",status="500"} 2 # {trace_id="bbbb2222bbbb2222bbbb2222bbbb2222"} 5 <ts>');
  });

  it('give one series per label set, and forget all of them on reset', async () => {
    const { hot, hotHistogram } = recordBoth();
    expect(hotHistogram.for({ ...GET_OK })).toBe(hotHistogram.for(GET_OK));
    expect(hotHistogram.for(GET_OK)).not.toBe(hotHistogram.for(POST_FAILED));
    hot.resetMetrics();
    const text = await hot.metrics();
    expect(text).not.toContain('spec_duration_seconds_bucket');
    expect(text).toContain('spec_in_flight 0');
  });
});
