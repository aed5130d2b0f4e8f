import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createTempStore, kClassifier, kSequenceOutput, makePipelineJSON } from '../test/helpers';
import { ModelStore } from './model-store';

describe('save refuses what it cannot serve, and stores nothing', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, root, cleanup } = await createTempStore()));
  afterEach(async () => {
    expect(await store.list()).toEqual([]);
    await cleanup();
  });

  it('refuses a non-tensor output that is no ZipMap and says how to export without it', async () => {
    const err = await store.save('seq', { model: kSequenceOutput }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MLS_ERR_STORE_NON_TENSOR_OUTPUT', statusCode: 422, details: { output: 'parts' } });
    expect((err as Error).message).toContain('sequence_output.onnx: output "parts" is not a tensor');
    expect((err as Error).message).toContain("options={'zipmap': False}");
    expect((err as Error).message).toContain('python3 -m mlserve_sklearn export');
  });

  it('refuses a truncated model naming the file and the reason', async () => {
    const file = join(root, 'truncated.onnx');
    await writeFile(file, (await readFile(kClassifier)).subarray(0, 200));
    await expect(store.save('iris', { model: file })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_INVALID_MODEL',
      message: expect.stringMatching(/truncated\.onnx is not a loadable ONNX model: .*protobuf parsing failed/),
    });
  });

  it('refuses a missing model file', async () => {
    await expect(store.save('iris', { model: join(root, 'nope.onnx') })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_INVALID_MODEL',
      message: expect.stringContaining('no such file'),
    });
  });

  it.each(['model.pkl', 'model.joblib', 'model.pickle'])('refuses %s without reading it, pointing to the exporter', async (name) => {
    const err = await store.save('iris', { model: join(root, name) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MLS_ERR_STORE_PICKLE_REFUSED', statusCode: 422 });
    expect((err as Error).message).toContain('unpickling runs arbitrary code');
    expect((err as Error).message).toContain(`/usr/bin/python3 -m mlserve_sklearn export ${name} --out DIR`);
  });

  it('refuses pickle bytes whatever the file is called', async () => {
    const file = join(root, 'model.onnx');
    await writeFile(file, Buffer.from([0x80, 0x04, 0x95, 0x00]));
    await expect(store.save('iris', { model: file })).rejects.toMatchObject({ code: 'MLS_ERR_STORE_PICKLE_REFUSED' });
  });

  it('refuses a pickle given to importModel, file or directory', async () => {
    await expect(store.importModel(join(root, 'clf.joblib'))).rejects.toMatchObject({ code: 'MLS_ERR_STORE_PICKLE_REFUSED' });
    await mkdir(join(root, 'out'));
    await writeFile(join(root, 'out', 'model.pkl'), 'x');
    await expect(store.importModel(join(root, 'out'))).rejects.toMatchObject({ code: 'MLS_ERR_STORE_PICKLE_REFUSED' });
  });

  it('refuses a malformed pipeline.json', async () => {
    const file = join(root, 'pipeline.json');
    await writeFile(file, '{"format": "mlserve.pipeline/v1", ');
    await expect(store.save('iris', { model: kClassifier, pipeline: file })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_INVALID_PIPELINE',
      message: expect.stringContaining('pipeline.json is not valid JSON'),
    });
    await expect(store.save('iris', { model: kClassifier, pipeline: { ...makePipelineJSON(), format: 'mlserve.pipeline/v0' } as never })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_INVALID_PIPELINE',
      message: expect.stringContaining('input.pipeline is not a valid pipeline'),
    });
  });

  it('refuses classes that do not match the probability columns', async () => {
    await expect(store.save('iris', { model: kClassifier, classes: [0, 1] })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_INVALID_INPUT',
      message: 'input.classes has 2 entries but the model output "probabilities" has 3 columns',
    });
  });

  it.each([
    [{ labels: { owner: 1 } }, 'input.labels'],
    [{ metrics: { accuracy: Number.NaN } }, 'input.metrics'],
    [{ metadata: [] }, 'input.metadata'],
  ])('refuses bad extras %p', async (extra, option) => {
    await expect(store.save('iris', { model: kClassifier, ...(extra as object) })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_INVALID_INPUT',
      message: expect.stringContaining(option),
    });
  });

  it('refuses invalid names and rejects instead of throwing', async () => {
    const pending = store.save('../evil', { model: kClassifier });
    await expect(pending).rejects.toMatchObject({ code: 'MLS_ERR_STORE_INVALID_TAG' });
    expect(await readdir(root)).toEqual([]);
  });
});

describe('new ModelStore(options)', () => {
  it('names the bad option', () => {
    expect(() => new ModelStore({ root: '' })).toThrow(new TypeError('options.root must be a non-empty string'));
    expect(() => new ModelStore({ lockTimeoutMs: 0 })).toThrow(new RangeError('options.lockTimeoutMs must be a positive integer'));
  });

  it('defaults to ~/.mlserve without $MLSERVE_HOME', () => {
    const saved = process.env.MLSERVE_HOME;
    delete process.env.MLSERVE_HOME;
    try {
      expect(new ModelStore().root).toBe(join(homedir(), '.mlserve'));
    } finally {
      if (saved !== undefined) process.env.MLSERVE_HOME = saved;
    }
  });
});
