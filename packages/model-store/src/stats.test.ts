import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeReferenceStats } from '@mlserve/core';
import { createTempStore, kClassifier } from '../test/helpers';
import { ModelStore } from './model-store';

const kStats = computeReferenceStats([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }], { predictions: ['x', 'y', 'x', 'y'], task: 'classification', metrics: { accuracy: 0.75 } });

describe('reference statistics in the store', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, root, cleanup } = await createTempStore()));
  afterEach(() => cleanup());

  it('keeps the stats given to save and answers them from get', async () => {
    const ref = await store.save('m', { model: kClassifier, stats: kStats });
    const model = await store.get(ref.tag);
    expect(model.stats).toEqual(kStats);
    expect(model.manifest.files['stats.json']?.size).toBeGreaterThan(0);
  });

  it('adds stats to a version saved without, and carries them through an archive', async () => {
    const ref = await store.save('m', { model: kClassifier });
    expect((await store.get(ref.tag)).stats).toBeUndefined();
    await store.setStats(ref.tag, kStats);
    expect((await store.get(ref.tag)).stats).toEqual(kStats);
    const archive = await store.exportModel(ref.tag, join(root, 'm.mlmodel'));
    const other = new ModelStore({ root: join(root, 'other') });
    const imported = await other.importModel(archive);
    expect((await other.get(imported.tag)).stats).toEqual(kStats);
  });

  it('reads stats.json from an exporter directory', async () => {
    const dir = join(root, 'export');
    await mkdir(dir);
    await copyFile(kClassifier, join(dir, 'model.onnx'));
    await writeFile(join(dir, 'stats.json'), JSON.stringify(kStats));
    const ref = await store.importModel(dir, { name: 'm' });
    expect((await store.get(ref.tag)).stats).toEqual(kStats);
  });

  it('refuses an invalid document, naming the field, and stores nothing', async () => {
    const ref = await store.save('m', { model: kClassifier });
    await expect(store.setStats(ref.tag, { ...kStats, rows: -1 })).rejects.toMatchObject({ code: 'MLS_ERR_STORE_INVALID_STATS', message: expect.stringMatching(/rows/) });
    await expect(store.save('m', { model: kClassifier, stats: { ...kStats, format: 'x' } as never })).rejects.toMatchObject({ code: 'MLS_ERR_STORE_INVALID_STATS' });
    expect((await store.get(ref.tag)).stats).toBeUndefined();
  });

  it('refuses a stats.json changed after it was stored', async () => {
    const ref = await store.save('m', { model: kClassifier, stats: kStats });
    const file = join(ref.path, 'stats.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('0.75', '0.99'));
    await expect(store.get(ref.tag)).rejects.toMatchObject({ code: 'MLS_ERR_STORE_CORRUPT' });
  });
});
