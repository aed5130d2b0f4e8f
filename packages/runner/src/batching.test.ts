import { fixture, randomRows, referenceRun } from '../test/helpers';
import { type BatchEvent, createRunner } from './index';

describe('batching', () => {
  it('gives 64 concurrent single-row callers exactly their unbatched results, in batches of more than one row', async () => {
    const rows = randomRows(64, 10);
    const expected = await referenceRun('forest.onnx', 'input', rows);
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, maxBatchSize: 16 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    try {
      await runner.ready();
      const outputs = await Promise.all(rows.map((row) => runner.run({ input: { type: 'float32', data: row, dims: [1, 10] } })));
      outputs.forEach((out, i) => {
        expect(Array.from(out.probabilities!.data as Float32Array)).toEqual(expected[i]!.probabilities);
        expect(out.probabilities!.dims).toEqual([1, 2]);
        expect(out.label!.data).toEqual(expected[i]!.label);
      });
      const { batchSize, counters, queueRows, inFlightBatches } = runner.stats();
      expect(batchSize.sum / batchSize.count).toBeGreaterThan(1);
      expect(batchSize.count).toBeLessThan(64);
      expect(counters).toMatchObject({ requests: 64, rows: 64, completed: 64, failed: 0 });
      expect({ queueRows, inFlightBatches }).toEqual({ queueRows: 0, inFlightBatches: 0 });
      expect(events.reduce((n, e) => n + e.size, 0)).toBe(64);
      expect(Math.max(...events.map((e) => e.size))).toBeLessThanOrEqual(16);
      expect(events[0]).toEqual({ size: expect.any(Number), requests: expect.any(Number), queueWaitMs: expect.any(Number), inferenceMs: expect.any(Number) });
    } finally {
      await runner.close();
    }
  });

  it('sends the requests of one event-loop turn as one batch, even when promise callbacks separate them', async () => {
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    try {
      await runner.ready();
      const [row1, row2, row3] = randomRows(3, 10);
      const first = runner.run({ input: { type: 'float32', data: row1!, dims: [1, 10] } });
      // What separates two sockets' requests read in one turn: the microtasks of the first one.
      await Promise.resolve();
      const second = runner.run({ input: { type: 'float32', data: row2!, dims: [1, 10] } });
      await new Promise<void>((resolve) => process.nextTick(resolve));
      const third = runner.run({ input: { type: 'float32', data: row3!, dims: [1, 10] } });
      await Promise.all([first, second, third]);
      expect(events.map((e) => e.requests)).toEqual([3]);
    } finally {
      await runner.close();
    }
  });

  it('spreads a burst over the batches a worker may hold, and sends it whole with batchesPerWorker 1', async () => {
    // Requests of 16 rows: smaller ones would go early (see the next test), which depends on timing.
    const requests = [1, 2, 3, 4].map((seed) => randomRows(16, 10, seed).flat());
    const sizes = async (batchesPerWorker: number) => {
      const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, batchesPerWorker });
      const events: BatchEvent[] = [];
      runner.on('batch', (e: BatchEvent) => events.push(e));
      try {
        await runner.ready();
        await Promise.all(requests.map((data) => runner.run({ input: { type: 'float32', data, dims: [16, 10] } })));
        return events.map((e) => e.size);
      } finally {
        await runner.close();
      }
    };
    expect(await sizes(2)).toEqual([32, 32]);
    expect(await sizes(1)).toEqual([64]);
  });

  it('sends the first 16 rows of a busy turn at once while a slot stays free for the rest', async () => {
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, batchesPerWorker: 2 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    try {
      await runner.ready();
      const rows = randomRows(40, 10);
      const first = rows.slice(0, 16).map((row) => runner.run({ input: { type: 'float32', data: row, dims: [1, 10] } }));
      // Still in the same turn: the 16 rows are with the worker already.
      expect(runner.stats()).toMatchObject({ inFlightBatches: 1, queueRows: 0 });
      const rest = rows.slice(16).map((row) => runner.run({ input: { type: 'float32', data: row, dims: [1, 10] } }));
      await Promise.all([...first, ...rest]);
      // The rest goes at the turn's end: in one batch, or two if the first came back already.
      expect(events[0]!.size).toBe(16);
      expect(events.reduce((n, e) => n + e.size, 0)).toBe(40);
    } finally {
      await runner.close();
    }
  });

  it('sends a request larger than its share of a burst whole, alone or among others', async () => {
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, maxBatchSize: 64 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    const request = (rows: number) => runner.run({ input: { type: 'float32', data: randomRows(rows, 10).flat(), dims: [rows, 10] } });
    try {
      await runner.ready();
      await expect(request(40)).resolves.toMatchObject({ probabilities: { dims: [40, 2] } });
      const outputs = await Promise.all([request(40), request(40), request(3)]);
      expect(outputs.map((o) => o.probabilities!.dims[0])).toEqual([40, 40, 3]);
      expect(events.every((e) => e.size <= 64)).toBe(true);
    } finally {
      await runner.close();
    }
  });

  it('merges multi-row string requests and gives each caller its own rows', async () => {
    const runner = createRunner({ modelPath: fixture('string_input.onnx') }, { workers: 1 });
    try {
      await runner.ready();
      const [a, b, c] = await Promise.all([
        runner.run({ category: { type: 'string', data: ['dog'], dims: [1, 1] } }),
        runner.run({ category: { type: 'string', data: ['cat', 'fish'], dims: [2, 1] } }),
        runner.run({ category: { type: 'string', data: ['x'], dims: [1, 1] } }),
      ]);
      expect([a!.code!.data, b!.code!.data, c!.code!.data]).toEqual([[1], [0, 2], [-1]]);
    } finally {
      await runner.close();
    }
  });

  it('waits up to batchWaitMs for more rows when asked to', async () => {
    const runner = createRunner({ modelPath: fixture('linear.onnx') }, { workers: 1, batchWaitMs: 300 });
    try {
      await runner.ready();
      const first = runner.run({ input: { type: 'float32', data: [1, 2, 3, 4], dims: [1, 4] } });
      await new Promise((r) => setTimeout(r, 2));
      const second = runner.run({ input: { type: 'float32', data: [1, 2, 3, 4], dims: [1, 4] } });
      await Promise.all([first, second]);
      expect(runner.stats().batchSize).toMatchObject({ count: 1, sum: 2 });
    } finally {
      await runner.close();
    }
  });
});

describe('batching requests of different shapes', () => {
  it('never merges rows of different widths, and serves them in order', async () => {
    const runner = createRunner({ modelPath: fixture('ragged.onnx') }, { workers: 1 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    try {
      await runner.ready();
      const requests = [
        [1, 2],
        [1, 2, 3],
        [4, 5],
        [4, 5, 6],
        [7, 8],
      ].map((row) => runner.run({ x: { type: 'float32', data: row, dims: [1, row.length] } }));
      const totals = (await Promise.all(requests)).map((out) => Array.from(out.total!.data as Float32Array));
      expect(totals).toEqual([[3], [6], [9], [15], [15]]);
      // Widths 2 (three rows) and 3 (two rows) went in separate batches.
      expect(events.map((e) => e.size).sort()).toEqual([2, 3]);
    } finally {
      await runner.close();
    }
  });
});
