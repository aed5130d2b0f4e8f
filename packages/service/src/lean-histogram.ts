import type { Registry } from 'prom-client';

type Labels<T extends string> = Partial<Record<T, string>>;

/** The counts of one label set. */
interface Series<T extends string> {
  readonly labels: Labels<T>;
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/** One line of the exposition: a bucket, the sum or the count of a series. */
type Value = { labels: Record<string, string | number>; value: number; metricName: string };
/** What a prom-client metric hands its Registry. */
type MetricData<V> = { name: string; help: string; type: string; aggregator: string; values: V[] };

/** One label set of a histogram, bound once: what the service observes per request or batch. */
export interface BoundHistogram {
  observe(value: number): void;
}

/**
 * A Prometheus histogram for the series observed on every request and batch. prom-client's
 * Histogram validates and hashes the label set on every `observe()`, also through a child from
 * `labels()`, and keeps its buckets under string keys: about 1 µs a call, the largest part of what
 * the metrics cost a request (bench/NOTES.md). Here a label set is bound once, with `labels()`,
 * and an observation is a bucket search and three additions. The exposition is prom-client's:
 * registered in a prom-client Registry, it hands it the values a prom-client Histogram would
 * (`getForPromString()` for the text format, `get()` for the cluster aggregator), so `/metrics`
 * reads the same byte for byte (lean-histogram.test.ts compares them).
 */
export class LeanHistogram<T extends string = string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, Series<T>>();
  readonly #labelNames: readonly T[];

  constructor(config: { name: string; help: string; labelNames: readonly T[]; buckets: readonly number[]; registers: Registry[] }) {
    this.name = config.name;
    this.help = config.help;
    this.#labelNames = config.labelNames;
    this.#bounds = [...config.buckets];
    for (const registry of config.registers) registry.registerMetric(this as never);
  }

  /** The series of `labels` (only names given at construction); like prom-client's, listed from its first observation on. */
  labels(labels: Labels<T>): BoundHistogram {
    for (const name of Object.keys(labels)) {
      if (!this.#labelNames.includes(name as T)) throw new Error(`Added label "${name}" is not included in initial labelset: ${JSON.stringify(this.#labelNames)}`);
    }
    const key = this.#labelNames.map((name) => labels[name] ?? '').join('\u0000');
    const bounds = this.#bounds;
    const all = this.#series;
    let series: Series<T> | undefined;
    return {
      observe(value: number): void {
        if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
        if (series === undefined) {
          series = all.get(key) ?? { labels: { ...labels }, buckets: new Float64Array(bounds.length), sum: 0, count: 0 };
          all.set(key, series);
        }
        let i = 0;
        while (i < bounds.length && value > bounds[i]!) i++;
        if (i < bounds.length) series.buckets[i]!++;
        series.sum += value;
        series.count++;
      },
    };
  }

  /** The values of the text exposition, as prom-client's Histogram gives them to its Registry. */
  getForPromString(): MetricData<Value & { sharedLabels: Labels<T> }> {
    const values: Array<Value & { sharedLabels: Labels<T> }> = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.#series.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.#bounds.length; i++) {
        cumulative += s.buckets[i]!;
        values.push({ labels: { le: this.#bounds[i]! }, sharedLabels: s.labels, value: cumulative, metricName: bucket });
      }
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** The values with each series' labels merged in, as prom-client's `get()` (what the cluster aggregator sums). */
  async get(): Promise<MetricData<Value>> {
    const data = this.getForPromString();
    return { ...data, values: data.values.map(({ labels, sharedLabels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })) };
  }
}
