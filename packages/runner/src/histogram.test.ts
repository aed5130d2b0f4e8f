import { Histogram } from './histogram';

describe('Histogram', () => {
  it('reports cumulative Prometheus-style buckets, their sum and count', () => {
    const h = new Histogram([1, 10]);
    for (const v of [0.5, 1, 5, 50]) h.observe(v);
    expect(h.snapshot()).toEqual({
      buckets: [
        { le: 1, count: 2 },
        { le: 10, count: 3 },
        { le: Infinity, count: 4 },
      ],
      sum: 56.5,
      count: 4,
    });
  });
});
