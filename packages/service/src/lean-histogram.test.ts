import { AggregatorRegistry, Histogram } from 'prom-client';
import { LeanHistogram } from './lean-histogram';
import { Registry } from './prom-client-lite';

/** The same histogram twice, prom-client's and the lean one, each in a registry of its own. */
function pair() {
  const config = { name: 'req_seconds', help: 'Time to "answer"\nper request.', labelNames: ['api', 'status', 'model'] as const, buckets: [0.001, 0.01, 0.1, 1] };
  const theirs = new Registry();
  const ours = new Registry();
  return { theirs, ours, prom: new Histogram({ ...config, labelNames: [...config.labelNames], registers: [theirs] }), lean: new LeanHistogram({ ...config, registers: [ours] }) };
}

describe('LeanHistogram', () => {
  it("exposes what prom-client's Histogram exposes for the same observations, byte for byte", async () => {
    const { theirs, ours, prom, lean } = pair();
    const sets = [
      { api: 'predict', status: '200' },
      { api: 'predict', status: '400', model: 'titanic' },
      { api: 'v2 "infer"\\', status: '200' },
    ];
    const bound = sets.map((labels) => lean.labels(labels));
    const values = [0, 0.0005, 0.001, 0.0010001, 0.05, 0.1, 0.7, 1, 3.5, 1e-9];
    for (const [i, v] of values.entries()) {
      for (const [k, labels] of sets.entries()) {
        if ((i + k) % 3 === 0) continue;
        prom.observe(labels, v * (k + 1));
        bound[k]!.observe(v * (k + 1));
      }
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('req_seconds_bucket{le="0.001",api="predict",status="200"}');
    // prom-client's JSON also carries `exemplar: null` per bucket (exemplars are never enabled here).
    const withoutExemplars = (json: unknown): unknown => JSON.parse(JSON.stringify(json, (key, value: unknown) => (key === 'exemplar' ? undefined : value)));
    expect(await ours.getMetricsAsJSON()).toEqual(withoutExemplars(await theirs.getMetricsAsJSON()));
  });

  it('lists a series from its first observation on, and aggregates over cluster workers like a prom-client Histogram', async () => {
    const { theirs, ours, prom, lean } = pair();
    const series = lean.labels({ api: 'predict', status: '200' });
    expect(await ours.metrics()).toBe(await theirs.metrics());
    series.observe(0.02);
    series.observe(2);
    prom.observe({ api: 'predict', status: '200' }, 0.02);
    prom.observe({ api: 'predict', status: '200' }, 2);
    const aggregate = async (r: InstanceType<typeof Registry>) => AggregatorRegistry.aggregate([await r.getMetricsAsJSON(), await r.getMetricsAsJSON()]).metrics();
    expect(await aggregate(ours)).toBe(await aggregate(theirs));
    expect(await aggregate(ours)).toContain('req_seconds_count{api="predict",status="200"} 4');
  });

  it('refuses a label it was not given and a value that is not a finite number, as prom-client does', () => {
    const { lean } = pair();
    expect(() => lean.labels({ route: '/' } as never)).toThrow('Added label "route" is not included in initial labelset');
    expect(() => lean.labels({ api: 'predict' }).observe(Number.NaN)).toThrow(TypeError);
  });
});
