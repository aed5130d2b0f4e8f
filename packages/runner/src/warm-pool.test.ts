import { setTimeout as sleep } from 'node:timers/promises';
import { fixture } from '../test/helpers';
import { resolveWorkerFile } from './executor';
import { createRunner } from './index';
import { hasWarmPool, releaseWarmPool, startWarmPool } from './warm-pool';

const row = (x: number) => ({ input: { type: 'float32' as const, data: [x, 0], dims: [1, 2] } });
const probabilities = async (runner: ReturnType<typeof createRunner>, x: number) => Array.from((await runner.run(row(x))).probabilities!.data as Float32Array);

describe('a warm pool (worker threads started before the runner, as under mlserve serve)', () => {
  const workerFile = resolveWorkerFile();
  afterEach(() => releaseWarmPool(workerFile));

  it('is taken by the first runner with the same pool settings, which serves from its workers', async () => {
    startWarmPool({ workerFile, workers: 1, batchesPerWorker: 2 });
    expect(hasWarmPool(workerFile)).toBe(true);
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, batchesPerWorker: 2, inlineMaxRows: 0 });
    try {
      await runner.ready();
      expect(hasWarmPool(workerFile)).toBe(false);
      expect(await probabilities(runner, 0)).toEqual([Math.fround(0.7), Math.fround(0.3)]);
    } finally {
      await runner.close();
    }
  });

  it('gives a worker that replaces a crashed one the model, so the runner goes on serving', async () => {
    // crash-worker.cjs is the real worker, except that a batch starting with 666 kills its thread.
    const crashing = fixture('crash-worker.cjs');
    startWarmPool({ workerFile: crashing, workers: 1, batchesPerWorker: 2 });
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, workerFile: crashing });
    try {
      await runner.ready();
      expect(hasWarmPool(crashing)).toBe(false);
      await expect(runner.run(row(666))).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_WORKER_CRASHED' });
      expect(await probabilities(runner, 0)).toEqual([Math.fround(0.7), Math.fround(0.3)]);
    } finally {
      await runner.close();
    }
  });

  it('is destroyed, not taken, by a runner of other pool settings, which starts its own workers', async () => {
    startWarmPool({ workerFile, workers: 2, batchesPerWorker: 2 });
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, inlineMaxRows: 0 });
    try {
      await runner.ready();
      expect(hasWarmPool(workerFile)).toBe(false);
      expect(await probabilities(runner, 0)).toEqual([Math.fround(0.7), Math.fround(0.3)]);
    } finally {
      await runner.close();
    }
  });

  it('is destroyed when no runner takes it in time', async () => {
    startWarmPool({ workerFile, workers: 1, batchesPerWorker: 2 }, 50);
    await sleep(300);
    expect(hasWarmPool(workerFile)).toBe(false);
  });

  it('starts as the package loads under MLSERVE_RUNNER_START=eager, and not otherwise', () => {
    const load = (value: string | undefined): void => {
      const saved = process.env.MLSERVE_RUNNER_START;
      if (value === undefined) delete process.env.MLSERVE_RUNNER_START;
      else process.env.MLSERVE_RUNNER_START = value;
      try {
        jest.isolateModules(() => require('./index'));
      } finally {
        process.env.MLSERVE_RUNNER_START = saved;
      }
    };
    load(undefined);
    expect(hasWarmPool(workerFile)).toBe(false);
    load('eager');
    expect(hasWarmPool(workerFile)).toBe(true);
  });
});
