import { Metric, register } from 'prom-client';

/*
 * Counters, gauges and histograms for code that runs on every request. prom-client's own do, on each
 * call, a label check, a string hash of the label set, a lookup in a dictionary object, a closure and
 * two objects per observation, and a bucket found by a number-to-string key: with the four HTTP
 * metrics, about 11 µs per request in the service (docs/benchmarks.md). Here a label set is resolved
 * once (`for`) to plain numbers that each request only adds to. They join prom-client's registry
 * like its own metrics (the registry reads any object with name, help, type and `get`) and render
 * the same text, exemplars included.
 */

type Labels = Record<string, string>;
type MetricType = 'counter' | 'gauge' | 'histogram';

/** What prom-client's registry reads from a metric (its `MetricValue`, plus the fields it renders). */
interface RenderedValue {
  labels: Record<string, string | number>;
  sharedLabels?: Labels;
  value: number;
  metricName?: string;
  exemplar?: Exemplar;
}

interface Exemplar {
  labelSet: Labels;
  value: number;
  /** Seconds since the epoch, as prom-client stamps them. */
  timestamp: number;
}

abstract class HotPathMetric {
  abstract readonly type: MetricType;
  readonly aggregator = 'sum';

  constructor(
    /** Mutable: prom-client renames counters in place while rendering OpenMetrics (see openmetrics.ts). */
    public name: string,
    readonly help: string,
  ) {}

  protected abstract values(): RenderedValue[];

  abstract reset(): void;

  async get(): Promise<{ name: string; help: string; type: MetricType; values: RenderedValue[]; aggregator: string }> {
    return { name: this.name, help: this.help, type: this.type, values: this.values(), aggregator: this.aggregator };
  }
}

/** A metric with one series of plain numbers per label set. */
abstract class LabelledHotPathMetric<S> extends HotPathMetric {
  private readonly series = new Map<string, S>();

  protected abstract newSeries(labels: Labels): S;

  /** The series of `labels` (none for an unlabelled metric); resolve once per label set and keep it. */
  for(labels: Labels = {}): S {
    const key = JSON.stringify(labels);
    let series = this.series.get(key);
    if (!series) this.series.set(key, (series = this.newSeries(labels)));
    return series;
  }

  protected allSeries(): S[] {
    return [...this.series.values()];
  }

  reset(): void {
    this.series.clear();
  }
}

/** A monotonically increasing count per label set. */
export class CounterSeries {
  value = 0;

  constructor(readonly labels: Labels) {}

  inc(): void {
    this.value++;
  }
}

export class HotPathCounter extends LabelledHotPathMetric<CounterSeries> {
  readonly type = 'counter';

  protected newSeries(labels: Labels): CounterSeries {
    return new CounterSeries(labels);
  }

  protected values(): RenderedValue[] {
    return this.allSeries().map((series) => ({ labels: series.labels, value: series.value }));
  }
}

/** A value that goes up and down (no labels). */
export class HotPathGauge extends HotPathMetric {
  readonly type = 'gauge';
  value = 0;

  inc(): void {
    this.value++;
  }

  dec(): void {
    this.value--;
  }

  protected values(): RenderedValue[] {
    return [{ labels: {}, value: this.value }];
  }

  reset(): void {
    this.value = 0;
  }
}

/** One label set's observations: a count per bucket (not cumulative; the last is +Inf), sum, count, latest exemplar per bucket. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  private readonly exemplars: (Exemplar | undefined)[] = [];

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): number {
    let bucket = 0;
    while (bucket < this.bounds.length && value > this.bounds[bucket]) bucket++;
    this.counts[bucket]++;
    this.sum += value;
    this.count++;
    return bucket;
  }

  /** Observes `value` and keeps it as its bucket's exemplar, labelled with the trace it came from. */
  observeWithTrace(value: number, traceId: string): void {
    this.exemplars[this.observe(value)] = { labelSet: { trace_id: traceId }, value, timestamp: Date.now() / 1000 };
  }

  exemplar(bucket: number): Exemplar | undefined {
    return this.exemplars[bucket];
  }
}

export class HotPathHistogram extends LabelledHotPathMetric<HistogramSeries> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
  ) {
    super(name, help);
  }

  protected newSeries(labels: Labels): HistogramSeries {
    return new HistogramSeries(labels, this.bounds);
  }

  /** Cumulative buckets, +Inf, sum and count per series, in prom-client's shape (series labels shared, `le` first). */
  protected values(): RenderedValue[] {
    const bucketName = `${this.name}_bucket`;
    return this.allSeries().flatMap((series) => {
      let cumulative = 0;
      const buckets = [...this.bounds, '+Inf' as const].map((le, i): RenderedValue => {
        cumulative += series.counts[i];
        return { labels: { le }, sharedLabels: series.labels, value: cumulative, metricName: bucketName, exemplar: series.exemplar(i) };
      });
      return [
        ...buckets,
        { labels: {}, sharedLabels: series.labels, value: series.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: series.labels, value: series.count, metricName: `${this.name}_count` },
      ];
    });
  }
}

/**
 * The metric registered in prom-client's default registry under `name`, created and registered if
 * there is none yet (several apps share the registry in one jest process).
 */
export function registeredHotPathMetric<T extends HotPathMetric>(name: string, create: (name: string) => T): T {
  const existing = register.getSingleMetric(name);
  if (existing) return existing as unknown as T;
  const metric = create(name);
  register.registerMetric(metric as unknown as Metric);
  return metric;
}
