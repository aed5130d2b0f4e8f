import { fixture } from '../test/helpers';
import { createRunner } from './index';

const row = (x: number) => ({ input: { type: 'float32' as const, data: [x, 0], dims: [1, 2] } });

describe('a worker that dies mid-batch', () => {
  it('fails only the request that kills its worker; its batch-mates run again on a fresh worker', async () => {
    // crash-worker.cjs exits its thread when the batch starts with the value 666.
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, workerFile: fixture('crash-worker.cjs') });
    try {
      await runner.ready();
      const [poison, ...innocent] = await Promise.allSettled([runner.run(row(666)), runner.run(row(1)), runner.run(row(2))]);
      expect(poison).toMatchObject({ status: 'rejected', reason: { code: 'MLS_ERR_RUNNER_WORKER_CRASHED', statusCode: 500 } });
      for (const result of innocent) expect(result).toMatchObject({ status: 'fulfilled' });
      const out = await runner.run(row(0));
      expect(Array.from(out.probabilities!.data as Float32Array)).toEqual([Math.fround(0.7), Math.fround(0.3)]);
      const { counters } = runner.stats();
      expect(counters).toMatchObject({ failed: 1, completed: 3 });
      expect(counters.crashed).toBeGreaterThanOrEqual(2);
    } finally {
      await runner.close();
    }
  });
});
