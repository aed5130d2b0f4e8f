import { fixture } from '../test/helpers';
import { createRunner } from './index';

const row = (x: number) => ({ input: { type: 'float32' as const, data: [x, 0], dims: [1, 2] } });

describe('a worker that dies mid-batch', () => {
  it("fails that batch's requests with MLS_ERR_RUNNER_WORKER_CRASHED; a new worker serves later requests", async () => {
    // crash-worker.cjs exits its thread when the batch starts with the value 666.
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, workerFile: fixture('crash-worker.cjs') });
    try {
      await runner.ready();
      const batch = await Promise.allSettled([runner.run(row(666)), runner.run(row(1)), runner.run(row(2))]);
      for (const result of batch) {
        expect(result).toMatchObject({ status: 'rejected', reason: { code: 'MLS_ERR_RUNNER_WORKER_CRASHED', statusCode: 500 } });
      }
      const out = await runner.run(row(0));
      expect(Array.from(out.probabilities!.data as Float32Array)).toEqual([Math.fround(0.7), Math.fround(0.3)]);
      expect(runner.stats().counters).toMatchObject({ crashed: 1, failed: 3, completed: 1 });
    } finally {
      await runner.close();
    }
  });
});
