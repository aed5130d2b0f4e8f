import { setTimeout as sleep } from 'node:timers/promises';
import { fixture } from '../test/helpers';
import { resolveWorkerFile } from './executor';
import { createRunner, type RunnerOptions } from './index';
import { hasWarmPool, kOwnWorkerKey, releaseWarmPool, startWarmPool } from './warm-pool';

const row = (x: number) => ({ input: { type: 'float32' as const, data: [x, 0], dims: [1, 2] } });

/**
 * Starts a runner of tree.onnx, checks that once ready no warm pool of `key` is left, runs `before`
 * on it, then checks that it answers the tree's probabilities, and whether the warm pool `warm`
 * ran its batches (it was taken) or none (it was destroyed).
 */
async function servesTree(
  options: RunnerOptions,
  { key = kOwnWorkerKey, warm, took, before }: { key?: string; warm: { completed: number }; took: boolean; before?: (runner: ReturnType<typeof createRunner>) => Promise<void> },
): Promise<void> {
  const runner = createRunner({ modelPath: fixture('tree.onnx') }, options);
  try {
    await runner.ready();
    expect(hasWarmPool(key)).toBe(false);
    await before?.(runner);
    const out = await runner.run(row(0));
    expect(Array.from(out.probabilities!.data as Float32Array)).toEqual([Math.fround(0.7), Math.fround(0.3)]);
    expect(warm.completed > 0).toBe(took);
  } finally {
    await runner.close();
  }
}

describe('a warm pool (worker threads started before the runner, as under mlserve serve)', () => {
  const own = { key: kOwnWorkerKey, workerFile: resolveWorkerFile() };
  afterEach(() => releaseWarmPool(kOwnWorkerKey));

  it('is taken by the first runner with the same pool settings, which serves from its workers', async () => {
    const warm = startWarmPool({ ...own, workers: 1, batchesPerWorker: 2 }).piscina;
    expect(hasWarmPool(kOwnWorkerKey)).toBe(true);
    await servesTree({ workers: 1, batchesPerWorker: 2, inlineMaxRows: 0 }, { warm, took: true });
  });

  it('gives a worker that replaces a crashed one the model, so the runner goes on serving', async () => {
    // crash-worker.cjs is the real worker, except that a batch starting with 666 kills its thread.
    const crashing = fixture('crash-worker.cjs');
    const warm = startWarmPool({ key: crashing, workerFile: crashing, workers: 1, batchesPerWorker: 2 }).piscina;
    await servesTree(
      { workers: 1, workerFile: crashing },
      {
        key: crashing,
        warm,
        took: true,
        before: async (runner) => {
          await expect(runner.run(row(666))).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_WORKER_CRASHED' });
        },
      },
    );
  });

  describe('told which model to expect (MLSERVE_RUNNER_HINT_FILE, see model-hint.ts)', () => {
    const defaults = { intraOpNumThreads: 1, interOpNumThreads: 1 };
    const pool = { ...own, workers: 1, batchesPerWorker: 2 };

    it('serves the model the runner brings when the hint named it', async () => {
      const warm = startWarmPool(pool, { hint: { modelPath: fixture('tree.onnx'), sessionOptions: defaults } }).piscina;
      await sleep(100);
      await servesTree({ workers: 1, batchesPerWorker: 2, inlineMaxRows: 0 }, { warm, took: true });
    });

    it.each([
      ['another model', { modelPath: fixture('forest.onnx'), sessionOptions: defaults }],
      ['the same model with other session options', { modelPath: fixture('tree.onnx'), sessionOptions: { ...defaults, graphOptimizationLevel: 'disabled' } }],
      ['a file that does not exist', { modelPath: fixture('no-such-model.onnx'), sessionOptions: defaults }],
    ])('serves the model the runner brings, not the hinted one, when the hint named %s', async (_what, hint) => {
      const warm = startWarmPool(pool, { hint }).piscina;
      await sleep(100);
      await servesTree({ workers: 1, batchesPerWorker: 2, inlineMaxRows: 0 }, { warm, took: true });
    });
  });

  it('is destroyed, not taken, by a runner of other pool settings, which starts its own workers', async () => {
    const warm = startWarmPool({ ...own, workers: 2, batchesPerWorker: 2 }).piscina;
    await servesTree({ workers: 1, inlineMaxRows: 0 }, { warm, took: false });
  });

  it('is destroyed when no runner takes it in time', async () => {
    startWarmPool({ ...own, workers: 1, batchesPerWorker: 2 }, { releaseAfterMs: 50 });
    await sleep(300);
    expect(hasWarmPool(kOwnWorkerKey)).toBe(false);
  });

  it('starts as the package loads under MLSERVE_RUNNER_START=eager (and not otherwise), for a runner of any copy of the package', async () => {
    const setStart = (value: string | undefined): void => {
      if (value === undefined) delete process.env.MLSERVE_RUNNER_START;
      else process.env.MLSERVE_RUNNER_START = value;
    };
    const load = (value: string | undefined): void => {
      const saved = process.env.MLSERVE_RUNNER_START;
      setStart(value);
      try {
        jest.isolateModules(() => require('./index'));
      } finally {
        setStart(saved);
      }
    };
    load(undefined);
    expect(hasWarmPool(kOwnWorkerKey)).toBe(false);
    load('eager');
    expect(hasWarmPool(kOwnWorkerKey)).toBe(true);
    // The runner's copy is not the one that started the pool, as a bento's code is not the CLI's
    // (startWarmPool returns the pool already waiting under that key).
    const warm = startWarmPool({ ...own, workers: 0, batchesPerWorker: 0 }).piscina;
    await servesTree({ inlineMaxRows: 0 }, { warm, took: true });
  });
});
