import { fixture, randomRows, referenceRun } from '../test/helpers';
import { type BatchEvent, createRunner } from './index';

describe('the idle path (inlineMaxRows)', () => {
  it('runs a lone small request on the calling thread, with the same result as a worker', async () => {
    const rows = randomRows(3, 10, 11);
    const expected = await referenceRun('forest.onnx', 'input', rows);
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, inlineMaxRows: 8 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    try {
      for (const [i, row] of rows.entries()) {
        const out = await runner.run({ input: { type: 'float32', data: row, dims: [1, 10] } });
        expect(Array.from(out.probabilities!.data as Float32Array)).toEqual(expected[i]!.probabilities);
      }
      expect(events.map((e) => e.inline)).toEqual([true, true, true]);
      expect(runner.stats().counters).toMatchObject({ requests: 3, batches: 3, completed: 3 });
    } finally {
      await runner.close();
    }
  });

  it('still batches the callers of one turn together, and sends more rows than inlineMaxRows to a worker', async () => {
    const rows = randomRows(20, 10, 5);
    const expected = await referenceRun('forest.onnx', 'input', rows);
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, inlineMaxRows: 4 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    try {
      await runner.ready();
      const few = await Promise.all(rows.slice(0, 4).map((row) => runner.run({ input: { type: 'float32', data: row, dims: [1, 10] } })));
      expect(events).toEqual([expect.objectContaining({ size: 4, requests: 4, inline: true })]);
      const many = await Promise.all(rows.map((row) => runner.run({ input: { type: 'float32', data: row, dims: [1, 10] } })));
      expect(events.slice(1).every((e) => e.inline === undefined)).toBe(true);
      expect(events.slice(1).reduce((n, e) => n + e.size, 0)).toBe(20);
      const probabilities = (outs: typeof few) => outs.map((out) => Array.from(out.probabilities!.data as Float32Array));
      expect(probabilities(few)).toEqual(expected.slice(0, 4).map((e) => e.probabilities));
      expect(probabilities(many)).toEqual(expected.map((e) => e.probabilities));
    } finally {
      await runner.close();
    }
  });

  it('is off by default, and with inlineMaxRows: 0', async () => {
    const off = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, inlineMaxRows: 0 });
    const byDefault = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1 });
    const events: BatchEvent[] = [];
    off.on('batch', (e: BatchEvent) => events.push(e));
    byDefault.on('batch', (e: BatchEvent) => events.push(e));
    try {
      expect(byDefault.options.inlineMaxRows).toBe(0);
      await off.run({ input: { type: 'float32', data: [0, 0], dims: [1, 2] } });
      await byDefault.run({ input: { type: 'float32', data: [0, 0], dims: [1, 2] } });
      expect(events).toHaveLength(2);
      expect(events.every((e) => e.inline === undefined)).toBe(true);
    } finally {
      await Promise.all([off.close(), byDefault.close()]);
    }
  });

  it('fails a request that breaks inference inline with the same error, and goes on serving', async () => {
    // gather.onnx looks up rows 0..3 of a table; any other index makes ONNX Runtime fail the run.
    const lookup = (index: number) => ({ index: { type: 'int64' as const, data: [index], dims: [1, 1] } });
    const runner = createRunner({ modelPath: fixture('gather.onnx') }, { workers: 1, inlineMaxRows: 8 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    try {
      await expect(runner.run(lookup(9))).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_INFERENCE', statusCode: 500 });
      const out = await runner.run(lookup(2));
      expect(Array.from(out.value!.data as Float32Array)).toEqual([4, 5]);
      expect(events.map((e) => [e.inline, e.error])).toEqual([
        [true, 'MLS_ERR_RUNNER_INFERENCE'],
        [true, undefined],
      ]);
    } finally {
      await runner.close();
    }
  });
});
