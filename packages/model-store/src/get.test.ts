import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempStore, kClassifier } from '../test/helpers';
import type { ModelStore } from './model-store';

describe('store.get(tag)', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, root, cleanup } = await createTempStore()));
  afterEach(() => cleanup());

  it('returns the model path, signature, classes and manifest of a version', async () => {
    const ref = await store.save('iris', { model: kClassifier, classes: ['a', 'b', 'c'] });
    const model = await store.get(ref.tag);
    expect(model).toMatchObject({ name: 'iris', version: ref.version, tag: ref.tag, path: ref.path, size: 383 });
    expect(model.modelPath).toBe(join(ref.path, 'model.onnx'));
    expect(model.classes).toEqual(['a', 'b', 'c']);
    expect(model.signature.outputs.map((o) => o.name)).toEqual(['label', 'probabilities']);
    expect(model.manifest.version).toBe(ref.version);
    expect(model.pipeline).toBeUndefined();
  });

  it('reads "name" and "name:latest" as the latest version', async () => {
    await store.save('iris', { model: kClassifier });
    const newest = await store.save('iris', { model: kClassifier });
    expect((await store.get('iris')).version).toBe(newest.version);
    expect((await store.get('iris:latest')).version).toBe(newest.version);
  });

  it('finds a version by a unique prefix', async () => {
    const ref = await store.save('iris', { model: kClassifier });
    expect((await store.get(`iris:${ref.version.slice(0, 12)}`)).version).toBe(ref.version);
  });

  it('refuses a prefix shared by several versions as ambiguous', async () => {
    const a = await store.save('iris', { model: kClassifier });
    const b = await store.save('iris', { model: kClassifier });
    let common = 0;
    while (a.version[common] === b.version[common]) common++;
    await expect(store.get(`iris:${a.version.slice(0, common)}`)).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_AMBIGUOUS_TAG',
      statusCode: 409,
      message: expect.stringContaining('matches 2 versions'),
    });
  });

  it('answers NOT_FOUND for an unknown name or version', async () => {
    await store.save('iris', { model: kClassifier });
    await expect(store.get('titanic')).rejects.toMatchObject({ code: 'MLS_ERR_STORE_NOT_FOUND', statusCode: 404 });
    await expect(store.get('iris:zzzz')).rejects.toMatchObject({ code: 'MLS_ERR_STORE_NOT_FOUND', message: expect.stringContaining('zzzz') });
  });

  it.each(['', 'Iris', 'a/b', '../etc', 'iris:..', 'iris:a:b', '.hidden', 'x'.repeat(64), 'iris:', 'iris:UPPER', 'a..b'])(
    'refuses the tag %p before touching the disk',
    async (tag) => {
      await expect(store.get(tag)).rejects.toMatchObject({ code: 'MLS_ERR_STORE_INVALID_TAG', statusCode: 400 });
    },
  );

  it('falls back to the newest version when latest is missing (a save killed before updating it)', async () => {
    const ref = await store.save('iris', { model: kClassifier });
    await rm(join(root, 'models', 'iris', 'latest'));
    expect((await store.get('iris')).version).toBe(ref.version);
  });

  it('ignores files that are not version directories', async () => {
    const ref = await store.save('iris', { model: kClassifier });
    await writeFile(join(root, 'models', 'iris', '.something.tmp'), 'x');
    expect((await store.list('iris')).map((m) => m.version)).toEqual([ref.version]);
  });
});
