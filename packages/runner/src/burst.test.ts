import { fixture, randomRows, referenceRun, rowsTensor } from '../test/helpers';
import { kBurstIdleMs } from './burst-policy';
import { type BatchEvent, type Runner, createRunner } from './index';

const rows = randomRows(1000, 10, 7);

/**
 * Eight callers sending the same 1000-row request until `until()` holds or `ms` pass: the worker
 * is busy all the time while this thread only waits. Resolves with every answer's probabilities
 * and the most threads and batches in flight seen.
 */
async function largeRequests(runner: Runner, ms: number, until: () => boolean = () => false) {
  const end = performance.now() + ms;
  const answers: number[][] = [];
  let threads = 0;
  let inFlight = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < end && !until()) {
        const out = await runner.run({ input: rowsTensor(rows) });
        answers.push(Array.from(out.probabilities!.data as Float32Array));
        const stats = runner.stats();
        threads = Math.max(threads, stats.workers);
        inFlight = Math.max(inFlight, stats.inFlightBatches);
      }
    }),
  );
  return { answers, threads, inFlight };
}

/**
 * Reads the calling thread as idle (event-loop utilization 0.2) while `body` runs. Its utilization
 * is wall-clock time, so on a machine loaded by other processes it reads busy however little this
 * thread does, and the policy rightly keeps the extra workers off (burst-policy.test.ts covers
 * that verdict); these tests are of what the workers do once the policy says start.
 */
async function withIdleCallingThread<T>(body: () => Promise<T>): Promise<T> {
  const spy = jest.spyOn(performance, 'eventLoopUtilization').mockImplementation(() => ({ idle: 0.8, active: 0.2, utilization: 0.2 }));
  try {
    return await body();
  } finally {
    spy.mockRestore();
  }
}

describe('extra workers (maxWorkers)', () => {
  let expected: number[];
  beforeAll(async () => {
    expected = (await referenceRun('forest.onnx', 'input', rows)).flatMap((r) => r.probabilities!);
  });

  it('start while large requests keep the workers busy and the calling thread idle, and answer the same', async () => {
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, maxWorkers: 2, inlineMaxRows: 0 });
    try {
      await runner.ready();
      expect(runner.stats().workers).toBe(1);
      let extraBatches = 0;
      runner.on('batch', (e: BatchEvent) => {
        if (e.extraWorker) extraBatches++;
      });
      let grownAt = Infinity;
      const seen = await withIdleCallingThread(() =>
        largeRequests(runner, 15_000, () => {
          if (grownAt === Infinity && runner.stats().workers === 2) grownAt = performance.now();
          return performance.now() - grownAt > 1000;
        }),
      );
      expect(seen.threads).toBe(2);
      // More batches in flight than one worker's batchesPerWorker, and some ran on the extra one.
      expect(seen.inFlight).toBeGreaterThan(2);
      expect(extraBatches).toBeGreaterThan(0);
      for (const answer of seen.answers) expect(answer).toEqual(expected);
    } finally {
      await runner.close();
    }
  }, 30_000);

  it('stop once they ran nothing for a while', async () => {
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, maxWorkers: 2, inlineMaxRows: 0 });
    try {
      await runner.ready();
      const grown = await withIdleCallingThread(async () => {
        const seen = await largeRequests(runner, 15_000, () => runner.stats().workers === 2);
        expect(seen.threads).toBe(2);
        const at = performance.now();
        while (runner.stats().workers === 2 && performance.now() - at < kBurstIdleMs + 5000) await new Promise((r) => setTimeout(r, 250));
        return at;
      });
      expect(runner.stats().workers).toBe(1);
      expect(performance.now() - grown).toBeGreaterThanOrEqual(kBurstIdleMs - 100);
      // The workers still answer.
      const out = await runner.run({ input: rowsTensor(rows.slice(0, 2)) });
      expect(Array.from(out.probabilities!.data as Float32Array)).toEqual(expected.slice(0, 4));
    } finally {
      await runner.close();
    }
  }, 40_000);

  it('never start when the worker count was given', async () => {
    const runner = createRunner({ modelPath: fixture('forest.onnx') }, { workers: 1, inlineMaxRows: 0 });
    try {
      await runner.ready();
      expect(runner.options.maxWorkers).toBe(1);
      const seen = await largeRequests(runner, 3000);
      expect(seen.threads).toBe(1);
      expect(seen.inFlight).toBeLessThanOrEqual(2);
    } finally {
      await runner.close();
    }
  }, 20_000);
});
