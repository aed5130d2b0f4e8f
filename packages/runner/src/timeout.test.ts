import { once } from 'node:events';
import { fixture } from '../test/helpers';
import { createRunner } from './index';

describe('timeoutMs', () => {
  it('rejects with MLS_ERR_RUNNER_TIMEOUT (504) and the runner keeps working', async () => {
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, timeoutMs: 100, workerFile: fixture('slow-worker.cjs') });
    try {
      await runner.ready();
      const err = await runner.run({ input: { type: 'float32', data: [1400, 0], dims: [1, 2] } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'MLS_ERR_RUNNER_TIMEOUT', statusCode: 504, details: { timeoutMs: 100 } });
      // ONNX Runtime cannot be interrupted: the worker finishes the abandoned batch first.
      await once(runner, 'batch');
      const out = await runner.run({ input: { type: 'float32', data: [0, 0], dims: [1, 2] } });
      expect(out.probabilities!.dims).toEqual([1, 2]);
      expect(runner.stats().counters).toMatchObject({ timedOut: 1, completed: 1 });
    } finally {
      await runner.close();
    }
  });
});
