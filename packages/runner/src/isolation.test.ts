import { fixture } from '../test/helpers';
import { createRunner } from './index';

// gather.onnx looks up rows 0..3 of a table; any other index makes ONNX Runtime fail the run.
const lookup = (index: number) => ({ index: { type: 'int64' as const, data: [index], dims: [1, 1] } });

describe('a request that makes inference fail', () => {
  it('fails alone: the requests merged into its batch are answered', async () => {
    const runner = createRunner({ modelPath: fixture('gather.onnx') }, { workers: 1, maxBatchSize: 64 });
    try {
      await runner.ready();
      const indices = Array.from({ length: 40 }, (_, i) => (i === 5 || i === 17 || i === 33 ? 9 : i % 4));
      const settled = await Promise.allSettled(indices.map((i) => runner.run(lookup(i))));
      settled.forEach((result, i) => {
        if (indices[i] === 9) {
          expect(result).toMatchObject({ status: 'rejected', reason: { code: 'MLS_ERR_RUNNER_INFERENCE', statusCode: 500 } });
        } else {
          expect(result.status).toBe('fulfilled');
          const value = (result as PromiseFulfilledResult<Awaited<ReturnType<typeof runner.run>>>).value.value!;
          expect(Array.from(value.data as Float32Array)).toEqual([indices[i]! * 2, indices[i]! * 2 + 1]);
        }
      });
      const { counters } = runner.stats();
      expect(counters).toMatchObject({ completed: 37, failed: 3 });
      // The 40 requests were merged, then the failing batches split: far fewer runs than requests.
      expect(counters.reruns).toBeGreaterThan(0);
      expect(counters.batches).toBeLessThan(40);
    } finally {
      await runner.close();
    }
  });

  it('fails every request when every one of them breaks inference, after a bounded number of runs', async () => {
    const runner = createRunner({ modelPath: fixture('gather.onnx') }, { workers: 1, maxBatchSize: 64 });
    try {
      await runner.ready();
      const settled = await Promise.allSettled(Array.from({ length: 16 }, () => runner.run(lookup(-7))));
      for (const result of settled) expect(result).toMatchObject({ status: 'rejected', reason: { code: 'MLS_ERR_RUNNER_INFERENCE' } });
      // Bisection of n requests runs at most 2n - 1 batches.
      expect(runner.stats().counters.batches).toBeLessThanOrEqual(31);
    } finally {
      await runner.close();
    }
  });

  it('costs no innocent request under sustained load with poisoned requests mixed in', async () => {
    const runner = createRunner({ modelPath: fixture('gather.onnx') }, { workers: 1, maxBatchSize: 64, maxQueue: 100_000 });
    try {
      await runner.ready();
      // 2,000 requests in waves of 64 in flight, 50 of them poisoned, spread through the run.
      const poisoned = new Set(Array.from({ length: 50 }, (_, i) => i * 40 + 7));
      let innocentFailures = 0;
      let poisonFailures = 0;
      let next = 0;
      const worker = async () => {
        while (next < 2000) {
          const i = next++;
          try {
            await runner.run(lookup(poisoned.has(i) ? 99 : i % 4));
          } catch {
            if (poisoned.has(i)) poisonFailures++;
            else innocentFailures++;
          }
        }
      };
      await Promise.all(Array.from({ length: 64 }, worker));
      expect({ innocentFailures, poisonFailures }).toEqual({ innocentFailures: 0, poisonFailures: 50 });
    } finally {
      await runner.close();
    }
  });
});
