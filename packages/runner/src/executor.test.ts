import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixture } from '../test/helpers';
import { PoolExecutor, kInlineLoadCheckMs, resolveWorkerFile } from './executor';

describe('resolveWorkerFile()', () => {
  it('finds the built worker beside the sources', () => {
    expect(resolveWorkerFile()).toBe(join(__dirname, '..', 'dist', 'worker.cjs'));
  });

  it('throws MLS_ERR_RUNNER_MODEL_LOAD naming the missing worker entry when the package is not built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlserve-runner-'));
    try {
      expect(() => resolveWorkerFile(dir)).toThrow(expect.objectContaining({ code: 'MLS_ERR_RUNNER_MODEL_LOAD', message: expect.stringContaining(join(dir, 'worker.cjs')) }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PoolExecutor', () => {
  const executorOf = () =>
    new PoolExecutor({
      workers: 1,
      batchesPerWorker: 1,
      workerFile: resolveWorkerFile(),
      poolKey: 'executor.test',
      modelPath: fixture('forest.onnx'),
      sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 },
      name: 'forest',
      inlineSessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 },
    });
  const inlineReadySoon = async (executor: PoolExecutor): Promise<boolean> => {
    const deadline = Date.now() + 2000;
    while (!executor.inlineReady && Date.now() < deadline) await sleep(kInlineLoadCheckMs / 5);
    return executor.inlineReady;
  };

  it("creates the calling thread's session too, for the idle path", async () => {
    const executor = executorOf();
    try {
      expect((await executor.load()).every((r) => r.ok)).toBe(true);
      expect(await inlineReadySoon(executor)).toBe(true);
    } finally {
      await executor.close();
    }
  });

  it("leaves the calling thread's session for a moment without batches after load(), when the workers had theirs first", async () => {
    const executor = executorOf();
    try {
      const loading = executor.load();
      // This thread busy (a service still being built) while the worker creates its session.
      const until = Date.now() + 1500;
      while (Date.now() < until);
      expect((await loading).every((r) => r.ok)).toBe(true);
      // Not on the next turns either, when the first requests and /readyz are answered.
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(executor.inlineReady).toBe(false);
      expect(await inlineReadySoon(executor)).toBe(true);
    } finally {
      await executor.close();
    }
  });
});
