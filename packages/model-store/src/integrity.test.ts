import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempStore, kClassifier, makePipelineJSON, readJSON } from '../test/helpers';
import { ModelStore } from './model-store';
import type { ModelRef } from './types';

describe('damaged stores give clear errors', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  let ref: ModelRef;
  beforeEach(async () => {
    ({ store, root, cleanup } = await createTempStore());
    ref = await store.save('iris', { model: kClassifier, pipeline: makePipelineJSON() });
  });
  afterEach(() => cleanup());

  it('verify() accepts an untouched version', async () => {
    await expect(store.verify('iris')).resolves.toEqual(ref);
  });

  it('a truncated model.onnx fails get() on its size and verify() on its size', async () => {
    await truncate(join(ref.path, 'model.onnx'), 100);
    const expected = { code: 'MLS_ERR_STORE_CORRUPT', statusCode: 500, message: expect.stringContaining('model.onnx is 100 bytes but model.json records 383') };
    await expect(store.get('iris')).rejects.toMatchObject(expected);
    await expect(store.verify('iris')).rejects.toMatchObject(expected);
  });

  it('a model.onnx changed in place (same size) is refused by get() and verify() on its sha256, even by a new store object', async () => {
    const bytes = await readFile(join(ref.path, 'model.onnx'));
    bytes.writeUInt8(bytes.at(-1)! ^ 0xff, bytes.length - 1); // same size, different bytes
    await writeFile(join(ref.path, 'model.onnx'), bytes);
    const restarted = new ModelStore({ root });
    await expect(restarted.get('iris')).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_CORRUPT',
      statusCode: 500,
      message: expect.stringContaining('model.onnx has sha256'),
      details: { file: 'model.onnx' },
    });
    await expect(restarted.get('iris', { verify: false })).resolves.toMatchObject({ tag: ref.tag });
    await expect(store.verify('iris')).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_CORRUPT',
      message: expect.stringContaining('model.onnx has sha256'),
      details: { file: 'model.onnx' },
    });
  });

  it('an edited pipeline.json fails get() on its sha256', async () => {
    const text = await readFile(join(ref.path, 'pipeline.json'), 'utf8');
    await writeFile(join(ref.path, 'pipeline.json'), text.replace('"mean":[1,', '"mean":[7,'));
    await expect(store.get('iris')).rejects.toMatchObject({ code: 'MLS_ERR_STORE_CORRUPT', message: expect.stringContaining('pipeline.json does not match its sha256') });
  });

  it('a model.json that is not JSON names the file', async () => {
    await writeFile(join(ref.path, 'model.json'), '{ "format": ');
    await expect(store.get('iris')).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_CORRUPT',
      message: expect.stringContaining(`${join(ref.path, 'model.json')} is not valid JSON`),
    });
    await expect(store.list('iris')).rejects.toMatchObject({ code: 'MLS_ERR_STORE_CORRUPT' });
  });

  it.each([
    ['a wrong format', (m: any) => ({ ...m, format: 'other/v9' }), 'format must be "mlserve.model/v1"'],
    ['a missing sha256', (m: any) => ({ ...m, files: { 'model.onnx': { size: 383 } } }), 'files["model.onnx"].sha256'],
    ['a file outside the model', (m: any) => ({ ...m, files: { ...m.files, '../../x': m.files['model.onnx'] } }), 'files.../../x is not a file'],
    ['another version', (m: any) => ({ ...m, version: '0000000000000000' }), 'describes iris:0000000000000000'],
    ['a hand-made version', (m: any) => ({ ...m, version: 'zz-handmade' }), 'version "zz-handmade" is not a version the store generates'],
    ['non-numeric metrics', (m: any) => ({ ...m, metrics: { accuracy: 'high' } }), 'metrics must be an object of numbers'],
  ])('a model.json with %s is refused with the field named', async (_what, edit, message) => {
    const manifest = await readJSON(join(ref.path, 'model.json'));
    await writeFile(join(ref.path, 'model.json'), JSON.stringify(edit(manifest)));
    await expect(store.get('iris')).rejects.toMatchObject({ code: 'MLS_ERR_STORE_CORRUPT', message: expect.stringContaining(message) });
  });

  it('a dangling latest names the missing version', async () => {
    await writeFile(join(root, 'models', 'iris', 'latest'), '0000000000000000\n');
    await expect(store.get('iris')).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_DANGLING_LATEST',
      message: expect.stringContaining('iris:latest points to version "0000000000000000"'),
    });
    await expect(store.get(ref.tag)).resolves.toMatchObject({ tag: ref.tag });
  });

  it('saving again repairs a dangling latest', async () => {
    await writeFile(join(root, 'models', 'iris', 'latest'), '0000000000000000\n');
    const next = await store.save('iris', { model: kClassifier });
    expect((await store.get('iris')).version).toBe(next.version);
  });

  it('a damaged version can still be deleted', async () => {
    await writeFile(join(ref.path, 'model.json'), 'garbage');
    await expect(store.delete(ref.tag)).resolves.toMatchObject({ tag: ref.tag });
    expect(await store.list()).toEqual([]);
  });
});
