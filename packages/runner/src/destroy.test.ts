import { fixture } from '../test/helpers';
import { createRunner } from './index';

const row = (x: number) => ({ input: { type: 'float32' as const, data: [x, 0], dims: [1, 2] } });

describe('runner.destroy()', () => {
  it('rejects queued and in-flight requests with MLS_ERR_RUNNER_CLOSED and ends the workers', async () => {
    const runner = createRunner({ modelPath: fixture('tree.onnx') }, { workers: 1, workerFile: fixture('slow-worker.cjs') });
    await runner.ready();
    const inFlight = runner.run(row(3000)).catch((e: unknown) => e);
    await new Promise((r) => setImmediate(r));
    const queued = runner.run(row(0)).catch((e: unknown) => e);
    const started = Date.now();
    await runner.destroy();
    expect(await inFlight).toMatchObject({ code: 'MLS_ERR_RUNNER_CLOSED' });
    expect(await queued).toMatchObject({ code: 'MLS_ERR_RUNNER_CLOSED' });
    // It did not wait for the 3 s batch to finish.
    expect(Date.now() - started).toBeLessThan(2500);
    expect(runner.stats()).toMatchObject({ state: 'closed', queueRows: 0 });
    await expect(runner.run(row(0))).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_CLOSED' });
  });
});
