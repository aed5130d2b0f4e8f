import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../test/helpers';
import { createRunner } from './index';

describe('runner.ready()', () => {
  it('resolves once the session exists and exposes the model signature', async () => {
    const runner = createRunner({ modelPath: fixture('two_inputs.onnx') }, { workers: 2 });
    try {
      await runner.ready();
      expect(runner.isReady).toBe(true);
      expect(runner.model.signature).toEqual({
        inputs: [
          { name: 'a', type: 'float32', shape: ['N', 2] },
          { name: 'b', type: 'float32', shape: ['N', 2] },
        ],
        outputs: [
          { name: 'sum', type: 'float32', shape: ['N', 2] },
          { name: 'dot', type: 'float32', shape: ['N'] },
        ],
      });
      expect(runner.stats()).toMatchObject({ state: 'ready', workers: 2 });
    } finally {
      await runner.close();
    }
  });

  it('rejects a model with a non-tensor output that is no ZipMap, saying why', async () => {
    const runner = createRunner({ modelPath: fixture('sequence_output.onnx') }, { workers: 2 });
    const err = await runner.ready().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MLS_ERR_RUNNER_MODEL_LOAD', statusCode: 500 });
    expect((err as Error).message).toMatch(/sequence_output\.onnx/);
    expect((err as Error).message).toMatch(/"parts" is not a tensor \(a ZipMap or a sequence/);
    await expect(runner.run({})).rejects.toBe(err);
    expect(runner.stats().state).toBe('failed');
    await runner.close();
  });

  it('serves a ZipMap classifier as the probability tensor feeding its ZipMap', async () => {
    const runner = createRunner({ modelPath: fixture('zipmap.onnx') }, { workers: 1 });
    try {
      await runner.ready();
      expect(runner.model.signature?.outputs.map((o) => o.name)).toEqual(['label', 'probability_tensor']);
      expect(runner.model.signature?.zipMaps).toEqual([{ output: 'probabilities', probabilities: 'probability_tensor', classes: [0, 1, 2] }]);
      const out = await runner.run({ input: { type: 'float32', data: [1, 2, 3, 4], dims: [1, 4] } });
      expect(out.probability_tensor!.dims).toEqual([1, 3]);
    } finally {
      await runner.close();
    }
  });

  it('rejects a missing model file, naming it', async () => {
    const runner = createRunner({ modelPath: fixture('no-such-model.onnx') });
    await expect(runner.ready()).rejects.toMatchObject({
      code: 'MLS_ERR_RUNNER_MODEL_LOAD',
      message: expect.stringContaining(`file not found: ${fixture('no-such-model.onnx')}`),
      details: { modelPath: fixture('no-such-model.onnx') },
    });
    await runner.close();
  });

  it('loads model.onnx from the directory a model-store ModelRef names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlserve-runner-'));
    copyFileSync(fixture('linear.onnx'), join(dir, 'model.onnx'));
    const runner = createRunner({ name: 'linear', version: 'v1', tag: 'linear:v1', path: dir }, { workers: 1 });
    try {
      await runner.ready();
      await expect(runner.run({ input: { type: 'float32', data: [1, 2, 3, 4], dims: [1, 4] } })).resolves.toMatchObject({ probabilities: { dims: [1, 3] } });
    } finally {
      await runner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a missing worker file with MLS_ERR_RUNNER_MODEL_LOAD, naming it', async () => {
    const workerFile = fixture('no-such-worker.cjs');
    const runner = createRunner({ modelPath: fixture('linear.onnx') }, { workers: 1, workerFile });
    try {
      await expect(runner.ready()).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_MODEL_LOAD', message: expect.stringContaining(workerFile), details: { workerFile } });
    } finally {
      await runner.close();
    }
  });

  it('rejects a file that is not an ONNX model, naming it and ONNX Runtime’s reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlserve-runner-'));
    const file = join(dir, 'broken.onnx');
    writeFileSync(file, 'not a model');
    const runner = createRunner(file, { workers: 1 });
    try {
      const err = await runner.ready().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'MLS_ERR_RUNNER_MODEL_LOAD' });
      expect((err as Error).message).toContain(file);
    } finally {
      await runner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
