import { fixture } from '../test/helpers';
import { createRunner } from './index';

// The slow fixture worker blocks for (first value - 1000) ms, so a 1-worker runner stays busy.
const slow = (ms: number) => ({ input: { type: 'float32' as const, data: [1000 + ms, 0], dims: [1, 2] } });
const fast = () => ({ input: { type: 'float32' as const, data: [0, 0], dims: [1, 2] } });

describe('overload', () => {
  it('refuses at once a request that would push the queue past maxQueue rows', async () => {
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, maxQueue: 3, workerFile: fixture('slow-worker.cjs') });
    try {
      await runner.ready();
      const busy = runner.run(slow(300));
      await new Promise((r) => setImmediate(r));
      expect(runner.stats().inFlightBatches).toBe(1);
      const queued = [runner.run(fast()), runner.run(fast()), runner.run(fast())];
      expect(runner.stats().queueRows).toBe(3);
      await expect(runner.run(fast())).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_OVERLOADED', statusCode: 503, message: expect.stringMatching(/maxQueue 3/) });
      await expect(Promise.all([busy, ...queued])).resolves.toHaveLength(4);
      expect(runner.stats().counters).toMatchObject({ overloaded: 1, completed: 4 });
    } finally {
      await runner.close();
    }
  });

  it('refuses a request of more rows than maxQueue as too large (413), not as a retryable overload, even when idle', async () => {
    const runner = createRunner({ modelPath: fixture('linear.onnx') }, { workers: 1, maxQueue: 4, maxBatchSize: 2 });
    const rows = (n: number) => ({ input: { type: 'float32' as const, data: new Float32Array(n * 4), dims: [n, 4] } });
    try {
      await runner.ready();
      await expect(runner.run(rows(5))).rejects.toMatchObject({
        code: 'MLS_ERR_RUNNER_TOO_LARGE',
        statusCode: 413,
        message: expect.stringMatching(/5 rows.*maxQueue 4/),
        details: { rows: 5, maxQueue: 4 },
      });
      await expect(runner.run(rows(4))).resolves.toMatchObject({ probabilities: { dims: [4, 3] } });
      expect(runner.stats().counters).toMatchObject({ requests: 2, rows: 4, failed: 1, overloaded: 0, completed: 1 });
    } finally {
      await runner.close();
    }
  });

  it('does not refuse a request that found a worker free, however late the event loop gets to it', async () => {
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, maxLatencyMs: 10 });
    try {
      await runner.ready();
      const result = runner.run(fast());
      // A long garbage collection or a busy caller, before the runner sends the batch.
      const until = performance.now() + 30;
      while (performance.now() < until);
      await expect(result).resolves.toMatchObject({ probabilities: { dims: [1, 2] } });
      expect(runner.stats().counters).toMatchObject({ overloaded: 0, completed: 1 });
    } finally {
      await runner.close();
    }
  });

  it('refuses a request that waited in the queue longer than maxLatencyMs', async () => {
    // One batch per worker: a second one would wait in the worker, not in the queue.
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, batchesPerWorker: 1, maxLatencyMs: 50, workerFile: fixture('slow-worker.cjs') });
    try {
      await runner.ready();
      const busy = runner.run(slow(1000));
      await new Promise((r) => setImmediate(r));
      const err = await runner.run(fast()).catch((e: unknown) => ({ e, inFlight: runner.stats().inFlightBatches }));
      expect(err).toMatchObject({ e: { code: 'MLS_ERR_RUNNER_OVERLOADED', statusCode: 503, message: expect.stringMatching(/maxLatencyMs/) } });
      // Refused while the worker was still busy, not when it freed up.
      expect(err).toMatchObject({ inFlight: 1 });
      await expect(busy).resolves.toBeDefined();
      await expect(runner.run(fast())).resolves.toBeDefined();
      expect(runner.stats().queueRows).toBe(0);
    } finally {
      await runner.close();
    }
  });
});
