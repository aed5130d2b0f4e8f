import { fixture } from '../test/helpers';
import { createRunner } from './index';

const row = (x: number) => ({ input: { type: 'float32' as const, data: [x, 0], dims: [1, 2] } });

describe('runner.close()', () => {
  it('finishes queued and in-flight requests, then refuses new ones', async () => {
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, maxBatchSize: 2, workerFile: fixture('slow-worker.cjs') });
    await runner.ready();
    const inFlight = runner.run(row(1100));
    await new Promise((r) => setImmediate(r));
    const queued = [runner.run(row(0)), runner.run(row(1)), runner.run(row(0))];
    const closing = runner.close();
    await expect(runner.run(row(0))).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_CLOSED', statusCode: 503 });
    const results = await Promise.all([inFlight, ...queued]);
    expect(results.map((r) => r.probabilities!.dims)).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    await closing;
    expect(runner.stats()).toMatchObject({ state: 'closed', queueRows: 0, inFlightBatches: 0 });
    expect(runner.close()).toBe(closing);
  });

  it('serves callers that were waiting for ready() when close() was called', async () => {
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1 });
    const early = runner.run(row(0));
    const closing = runner.close();
    await expect(early).resolves.toMatchObject({ probabilities: { dims: [1, 2] } });
    await closing;
  });

  it('closes a runner that never started', async () => {
    const runner = createRunner({ modelPath: fixture('tree.onnx') });
    await runner.close();
    await expect(runner.ready()).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_CLOSED' });
    await expect(runner.run(row(0))).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_CLOSED' });
  });
});
