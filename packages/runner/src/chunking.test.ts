import { fixture, randomRows, referenceRun } from '../test/helpers';
import { type BatchEvent, createRunner } from './index';

describe('requests larger than maxBatchSize', () => {
  it('are split into chunks and put back together in order', async () => {
    const rows = randomRows(50, 10, 7);
    const expected = await referenceRun('forest.onnx', 'input', rows);
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 2, maxBatchSize: 8 });
    const sizes: number[] = [];
    runner.on('batch', (e: BatchEvent) => sizes.push(e.size));
    try {
      const [big, small] = await Promise.all([
        runner.run({ input: { type: 'float32', data: new Float32Array(rows.flat()), dims: [50, 10] } }),
        runner.run({ input: { type: 'float32', data: rows[0]!, dims: [1, 10] } }),
      ]);
      expect(big.probabilities!.dims).toEqual([50, 2]);
      expect(Array.from(big.probabilities!.data as Float32Array)).toEqual(expected.flatMap((e) => e.probabilities));
      expect(big.label).toEqual({ type: 'int64', data: expected.flatMap((e) => e.label), dims: [50] });
      expect(Array.from(small.probabilities!.data as Float32Array)).toEqual(expected[0]!.probabilities);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(51);
    } finally {
      await runner.close();
    }
  });

  it('are not refused for maxLatencyMs once their first chunk runs, however long the others take', async () => {
    const rows = randomRows(2000, 10, 3);
    const expected = await referenceRun('forest.onnx', 'input', rows);
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, maxBatchSize: 4, maxLatencyMs: 10 });
    try {
      await runner.ready();
      const out = await runner.run({ input: { type: 'float32', data: new Float32Array(rows.flat()), dims: [2000, 10] } });
      expect(Array.from(out.probabilities!.data as Float32Array)).toEqual(expected.flatMap((e) => e.probabilities));
      expect(out.label!.data).toEqual(expected.flatMap((e) => e.label));
      expect(runner.stats().counters).toMatchObject({ batches: 500, completed: 1, failed: 0, overloaded: 0 });
    } finally {
      await runner.close();
    }
  });

  it('still hold back a later request, which is refused once it waited maxLatencyMs without starting', async () => {
    // The slow fixture worker blocks 30 ms on each chunk (first value 1030): 120 ms in all.
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, maxBatchSize: 1, maxLatencyMs: 50, workerFile: fixture('slow-worker.cjs') });
    try {
      await runner.ready();
      const big = runner.run({ input: { type: 'float32', data: [1030, 0, 1030, 0, 1030, 0, 1030, 0], dims: [4, 2] } });
      const late = runner.run({ input: { type: 'float32', data: [0, 0], dims: [1, 2] } });
      await expect(late).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_OVERLOADED', message: expect.stringMatching(/maxLatencyMs/) });
      await expect(big).resolves.toMatchObject({ probabilities: { dims: [4, 2] } });
      expect(runner.stats().counters).toMatchObject({ batches: 4, completed: 1, overloaded: 1 });
    } finally {
      await runner.close();
    }
  });

  it('are chunked for string inputs too', async () => {
    const runner = createRunner({ modelPath: fixture('string_input.onnx') }, { workers: 1, maxBatchSize: 2 });
    try {
      const out = await runner.run({ category: { type: 'string', data: ['cat', 'dog', 'fish', 'cow', 'dog'], dims: [5, 1] } });
      expect(out.code).toEqual({ type: 'int64', data: [0, 1, 2, -1, 1], dims: [5, 1] });
    } finally {
      await runner.close();
    }
  });
});

describe('a model whose batch dimension is fixed', () => {
  it('gets batches of that size, and larger requests in chunks', async () => {
    const runner = createRunner({ modelPath: fixture('fixed_batch.onnx') }, { workers: 1 });
    const sizes: number[] = [];
    runner.on('batch', (e: BatchEvent) => sizes.push(e.size));
    try {
      const [three, one] = await Promise.all([
        runner.run({ x: { type: 'float32', data: [1, 2, 3, 4, 5, 6, 7, 8, 9], dims: [3, 3] } }),
        runner.run({ x: { type: 'float32', data: [1, 1, 1], dims: [1, 3] } }),
      ]);
      expect(three.y).toEqual({ type: 'float32', data: new Float32Array([2, 4, 6, 8, 10, 12, 14, 16, 18]), dims: [3, 3] });
      expect(one.y).toEqual({ type: 'float32', data: new Float32Array([2, 2, 2]), dims: [1, 3] });
      expect(sizes).toEqual([1, 1, 1, 1]);
    } finally {
      await runner.close();
    }
  });
});
