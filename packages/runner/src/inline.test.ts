import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixture, randomRows, referenceRun } from '../test/helpers';
import { kOverlapHoldMs } from './idle-path';
import { kInlineLoadCheckMs } from './executor';
import { type BatchEvent, createRunner } from './index';

const row = (data: number[]) => ({ input: { type: 'float32' as const, data, dims: [1, data.length] } });

/**
 * Sends lone requests until one runs inline, for at most 2 s: the first goes to a worker, which
 * measures the model; the calling thread's session is created once the runner is ready and its
 * workers idle; and a session's first runs are slow (tens of ms for a forest) until one fits the budget.
 */
async function warmUp(send: () => Promise<unknown>, events: BatchEvent[]): Promise<number> {
  const deadline = Date.now() + 2000;
  for (let sent = 1; Date.now() < deadline; sent++) {
    await send();
    if (events.at(-1)?.inline) return sent;
    await sleep(kInlineLoadCheckMs / 5);
  }
  throw new Error('no lone request ran inline');
}

describe('the idle path (inlineMaxRows)', () => {
  it('runs lone small requests on the calling thread, with the same results as a worker (bit for bit with one inline thread), once a worker has measured the model', async () => {
    const rows = randomRows(3, 10, 11);
    const expected = await referenceRun('forest.onnx', 'input', rows);
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, inlineThreads: 1 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    try {
      expect(runner.options.inlineMaxRows).toBe(8);
      const sent = await warmUp(() => runner.run(row(rows[0]!)), events);
      expect(sent).toBeGreaterThan(1);
      expect(events[0]!.inline).toBeUndefined();
      for (const [i, data] of rows.entries()) {
        const out = await runner.run(row(data));
        expect(Array.from(out.probabilities!.data as Float32Array)).toEqual(expected[i]!.probabilities);
      }
      expect(events.slice(sent).map((e) => e.inline)).toEqual([true, true, true]);
      expect(runner.stats().counters).toMatchObject({ requests: sent + 3, batches: sent + 3, completed: sent + 3 });
    } finally {
      await runner.close();
    }
  });

  it('sends callers that overlap to the workers as batches, and returns to the calling thread once they have stopped', async () => {
    const rows = randomRows(20, 10, 5);
    const expected = await referenceRun('forest.onnx', 'input', rows);
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, inlineMaxRows: 4 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    const probabilities = (outs: Array<Awaited<ReturnType<typeof runner.run>>>) => outs.map((out) => Array.from(out.probabilities!.data as Float32Array));
    try {
      const sent = await warmUp(() => runner.run(row(rows[0]!)), events);
      // Four callers of one turn fit inlineMaxRows, but they overlap: they batch to the worker.
      const few = await Promise.all(rows.slice(0, 4).map((data) => runner.run(row(data))));
      expect(events.slice(sent)).toEqual([expect.objectContaining({ size: 4, requests: 4 })]);
      expect(events[sent]!.inline).toBeUndefined();
      // Right after, even a lone caller still goes to the worker: more callers may be on their way.
      await runner.run(row(rows[4]!));
      expect(events[sent + 1]!.inline).toBeUndefined();
      const many = await Promise.all(rows.map((data) => runner.run(row(data))));
      expect(events.slice(sent + 2).every((e) => e.inline === undefined)).toBe(true);
      expect(events.slice(sent + 2).reduce((n, e) => n + e.size, 0)).toBe(20);
      expect(probabilities(few)).toEqual(expected.slice(0, 4).map((e) => e.probabilities));
      expect(probabilities(many)).toEqual(expected.map((e) => e.probabilities));
      await sleep(kOverlapHoldMs + 20);
      const lone = await runner.run(row(rows[7]!));
      expect(events.at(-1)).toEqual(expect.objectContaining({ size: 1, inline: true }));
      expect(probabilities([lone])).toEqual([expected[7]!.probabilities]);
    } finally {
      await runner.close();
    }
  });

  it('sends a lone request of more than inlineMaxRows rows to a worker', async () => {
    // A single tree: its runs stay far below the inline budget even on a loaded machine (a forest's
    // 4 rows, bounded by 4x a lone row's run, could exceed it there and rightly go to the worker).
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, inlineMaxRows: 4 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    try {
      const sent = await warmUp(() => runner.run(row(randomRows(1, 2)[0]!)), events);
      const five = await runner.run({ input: { type: 'float32', data: randomRows(5, 2).flat(), dims: [5, 2] } });
      const four = await runner.run({ input: { type: 'float32', data: randomRows(4, 2).flat(), dims: [4, 2] } });
      expect([five.probabilities!.dims, four.probabilities!.dims]).toEqual([
        [5, 2],
        [4, 2],
      ]);
      expect(events.slice(sent).map((e) => [e.size, e.inline])).toEqual([
        [5, undefined],
        [4, true],
      ]);
    } finally {
      await runner.close();
    }
  });

  (process.platform === 'linux' ? it : it.skip)("gives the idle path's session inlineThreads - 1 threads of its own beside the calling thread", async () => {
    const rows = randomRows(8, 10, 3);
    const expected = await referenceRun('forest.onnx', 'input', rows);
    const threads = () => readdirSync('/proc/self/task').length;
    /** Threads of the process once a runner with this many inline threads answers inline, and its answers. */
    const measure = async (inlineThreads: number) => {
      const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, inlineThreads });
      const events: BatchEvent[] = [];
      runner.on('batch', (e: BatchEvent) => events.push(e));
      try {
        await warmUp(() => runner.run(row(rows[0]!)), events);
        const outs = [];
        for (const data of rows) outs.push(Array.from((await runner.run(row(data))).probabilities!.data as Float32Array));
        expect(events.slice(-rows.length).every((e) => e.inline)).toBe(true);
        return { threads: threads(), outs };
      } finally {
        await runner.close();
      }
    };
    // The first runner starts what any runner's start leaves behind (libuv's pool, for one).
    await measure(1);
    const one = await measure(1);
    const three = await measure(3);
    expect(three.threads - one.threads).toBe(2);
    expect(one.outs).toEqual(expected.map((e) => e.probabilities));
    // ONNX Runtime splits the trees between the threads and adds up the parts: the same sums, rounded differently.
    const want = expected.flatMap((e) => e.probabilities);
    const got = three.outs.flat();
    expect(got).toHaveLength(want.length);
    expect(Math.max(...got.map((p, i) => Math.abs(p - want[i]!)))).toBeLessThan(1e-6);
  });

  it('never runs a model on the calling thread when its batches take longer than the budget', async () => {
    // The slow worker blocks for (value - 1000) ms, as a model that takes 3 ms a row would.
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, inlineMaxRows: 8, workerFile: fixture('slow-worker.cjs') });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    try {
      for (let i = 0; i < 4; i++) await runner.run(row([1003, 0]));
      expect(events.map((e) => e.inline)).toEqual([undefined, undefined, undefined, undefined]);
    } finally {
      await runner.close();
    }
  });

  it('is off with inlineMaxRows: 0, and by default with a custom workerFile', async () => {
    const off = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, inlineMaxRows: 0 });
    const custom = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, workerFile: fixture('slow-worker.cjs') });
    const events: BatchEvent[] = [];
    off.on('batch', (e: BatchEvent) => events.push(e));
    custom.on('batch', (e: BatchEvent) => events.push(e));
    try {
      expect(custom.options.inlineMaxRows).toBe(0);
      for (let i = 0; i < 3; i++) {
        await off.run(row([0, 0]));
        await custom.run(row([0, 0]));
      }
      expect(events).toHaveLength(6);
      expect(events.every((e) => e.inline === undefined)).toBe(true);
    } finally {
      await Promise.all([off.close(), custom.close()]);
    }
  });

  it('fails a request that breaks inference inline with the same error, and goes on serving', async () => {
    // gather.onnx looks up rows 0..3 of a table; any other index makes ONNX Runtime fail the run.
    const lookup = (index: number) => ({ index: { type: 'int64' as const, data: [index], dims: [1, 1] } });
    const runner = createRunner({ modelPath: fixture('gather.onnx') }, { workers: 1 });
    const events: BatchEvent[] = [];
    runner.on('batch', (e: BatchEvent) => events.push(e));
    try {
      const sent = await warmUp(() => runner.run(lookup(0)), events);
      await expect(runner.run(lookup(9))).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_INFERENCE', statusCode: 500 });
      const out = await runner.run(lookup(2));
      expect(Array.from(out.value!.data as Float32Array)).toEqual([4, 5]);
      expect(events.slice(sent).map((e) => [e.inline, e.error])).toEqual([
        [true, 'MLS_ERR_RUNNER_INFERENCE'],
        [true, undefined],
      ]);
    } finally {
      await runner.close();
    }
  });
});
