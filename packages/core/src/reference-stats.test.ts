import { coarsenBins, columnPsi, computeReferenceStats, parseReferenceStats, psi } from './index';

const kValues = [3.5, 1, 7, 2, 2, 9, 4.25, 0, 11, 5, 6, 2, 8];

describe('computeReferenceStats', () => {
  const stats = computeReferenceStats(
    kValues.map((x, i) => ({ x, colour: i % 3 === 0 ? 'red' : i % 3 === 1 ? 'blue' : null })),
    { predictions: kValues.map((x) => (x > 4 ? 'high' : 'low')), task: 'classification', metrics: { accuracy: 0.9 } },
  );

  it('bins numbers at numpy’s deciles, merging equal quantiles', () => {
    const x = stats.features.x!;
    expect(x.kind).toBe('numeric');
    if (x.kind !== 'numeric') return;
    expect(x.edges.map((e) => Number(e.toFixed(10)))).toEqual(PYTHON_EDGES);
    expect(x.proportions.map((p) => Number(p.toFixed(10)))).toEqual(PYTHON_PROPORTIONS.map((p) => Number(p.toFixed(10))));
    expect([x.min, x.max, x.missingRate]).toEqual([0, 11, 0]);
  });

  it('counts categories among the present values and the missing rate among all', () => {
    expect(stats.features.colour).toEqual({ kind: 'categorical', frequencies: { red: 5 / 9, blue: 4 / 9 }, missingRate: 4 / 13 });
  });

  it('describes the predictions and keeps the baseline metrics', () => {
    expect(stats.predictions).toEqual({ kind: 'categorical', frequencies: { high: 7 / 13, low: 6 / 13 }, missingRate: 0 });
    expect(stats.metrics).toEqual({ accuracy: 0.9 });
  });

  it('survives a round trip through parseReferenceStats', () => {
    expect(parseReferenceStats(JSON.parse(JSON.stringify(stats)))).toEqual(stats);
  });

  it('names the field a bad document gets wrong', () => {
    expect(() => parseReferenceStats({ ...stats, rows: 0 })).toThrow(/rows must be a positive integer/);
    expect(() => parseReferenceStats({ ...stats, features: { x: { kind: 'numeric', edges: [2, 1], proportions: [1, 0, 0], min: 0, max: 1, missingRate: 0 } } })).toThrow(
      /features\["x"\]\.edges must be ascending/,
    );
  });
});

describe('PSI', () => {
  it('is zero for equal distributions and grows with the shift', () => {
    expect(psi([0.5, 0.5], [0.5, 0.5])).toBe(0);
    expect(psi([0.5, 0.5], [0.6, 0.4])).toBeCloseTo(0.1 * Math.log(1.5), 10);
  });

  it('coarsens deciles to quintiles by keeping every other edge', () => {
    const edges = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const { edges: kept, proportions } = coarsenBins(edges, new Array(10).fill(0.1), 5);
    expect(kept).toEqual([2, 4, 6, 8]);
    expect(proportions.map((p) => Number(p.toFixed(10)))).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
  });

  it('puts unseen categories in their own bin', () => {
    const reference = { kind: 'categorical' as const, frequencies: { a: 0.5, b: 0.5 }, missingRate: 0 };
    expect(columnPsi(reference, ['a', 'b'])).toBeCloseTo(0, 3);
    expect(columnPsi(reference, ['c', 'c'])!).toBeGreaterThan(1);
    expect(columnPsi(reference, [null])).toBeUndefined();
  });
});

// numpy: np.unique(np.quantile(x, np.linspace(0, 1, 11)[1:-1])) and np.bincount(np.searchsorted(edges, x, side='left')) / len(x)
const PYTHON_EDGES = [1.2, 2, 3.2, 4.25, 5.2, 6.4, 7.6, 8.8];
const PYTHON_PROPORTIONS = [2 / 13, 3 / 13, 0, 2 / 13, 1 / 13, 1 / 13, 1 / 13, 1 / 13, 2 / 13];
