import { OpenMetricsContentType, Registry } from 'prom-client';

export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;

/** Prometheus asks for OpenMetrics (the format that carries exemplars) in its Accept header. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('application/openmetrics-text');
}

/**
 * The registry's metrics in OpenMetrics text. prom-client 15 renders OpenMetrics counters by renaming
 * the metric objects in place (dropping `_total`), which would leak into later Prometheus-format
 * scrapes; the names are read synchronously while rendering starts, so they are restored right after.
 */
export function renderOpenMetrics(source: Registry): Promise<string> {
  const metrics = source.getMetricsAsArray() as unknown as Array<{ name: string }>;
  const names = metrics.map((metric) => metric.name);
  const openMetrics = new Registry<OpenMetricsContentType>();
  openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  for (const metric of metrics) openMetrics.registerMetric(metric as never);
  const rendering = openMetrics.metrics();
  metrics.forEach((metric, i) => (metric.name = names[i]));
  return rendering;
}
