import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fixture } from '../test/helpers';
import { createRunner } from './index';

const row = { input: { type: 'float32' as const, data: [1, 2, 3, 4], dims: [1, 4] } };

describe('event listeners that throw', () => {
  it('do not break the runner: what they throw is emitted as an error event, and requests still succeed', async () => {
    const runner = createRunner({ modelPath: fixture('linear.onnx') }, { workers: 1 });
    const errors: unknown[] = [];
    runner.on('error', (err) => errors.push(err));
    runner.on('ready', () => {
      throw new Error('ready listener failed');
    });
    runner.once('batch', () => {
      throw new Error('batch listener failed');
    });
    try {
      await expect(runner.ready()).resolves.toBeUndefined();
      await expect(runner.run(row)).resolves.toMatchObject({ probabilities: { dims: [1, 3] } });
      await expect(runner.run(row)).resolves.toMatchObject({ probabilities: { dims: [1, 3] } });
      await new Promise((r) => setImmediate(r));
      expect(errors).toEqual([new Error('ready listener failed'), new Error('batch listener failed')]);
      expect(runner.stats()).toMatchObject({ state: 'ready', counters: { completed: 2, failed: 0 } });
      runner.on('close', () => {
        throw new Error('close listener failed');
      });
      await expect(runner.close()).resolves.toBeUndefined();
      await new Promise((r) => setImmediate(r));
      expect(errors).toHaveLength(3);
      expect(errors[2]).toEqual(new Error('close listener failed'));
    } finally {
      await runner.close();
    }
  });

  it('surface as an uncaught exception, never an unhandled rejection, when nobody listens for errors', async () => {
    // Jest's own handlers hide both kinds from a test, so a plain Node process runs the built package.
    const script = `
      const { createRunner } = require(${JSON.stringify(join(__dirname, '..', 'dist', 'index.cjs'))});
      process.on('unhandledRejection', (err) => { console.log('unhandledRejection: ' + err.message); process.exit(1); });
      process.on('uncaughtException', (err) => { console.log('uncaughtException: ' + err.message); process.exit(0); });
      const runner = createRunner(${JSON.stringify(fixture('linear.onnx'))}, { inProcess: true });
      runner.on('batch', () => { throw new Error('batch listener failed'); });
      runner.run(${JSON.stringify(row)});
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
    expect(stdout.trim()).toBe('uncaughtException: batch listener failed');
  });
});
