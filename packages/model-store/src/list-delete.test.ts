import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempStore, kClassifier } from '../test/helpers';
import type { ModelStore } from './model-store';

describe('store.list() and store.delete()', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, root, cleanup } = await createTempStore()));
  afterEach(() => cleanup());

  const latestOf = async (name: string) => (await readFile(join(root, 'models', name, 'latest'), 'utf8')).trim();

  it('lists nothing in an empty store', async () => {
    expect(await store.list()).toEqual([]);
    expect(await store.list('iris')).toEqual([]);
  });

  it('lists the versions of one name, newest first, with sizes and manifests', async () => {
    const a = await store.save('iris', { model: kClassifier });
    const b = await store.save('iris', { model: kClassifier, metrics: { accuracy: 1 } });
    await store.save('titanic', { model: kClassifier });
    const listed = await store.list('iris');
    expect(listed.map((m) => m.tag)).toEqual([b.tag, a.tag]);
    expect(listed[0]).toMatchObject({ size: 383, manifest: { metrics: { accuracy: 1 } } });
  });

  it('lists every name when given none, newest first', async () => {
    const a = await store.save('iris', { model: kClassifier });
    const b = await store.save('titanic', { model: kClassifier });
    expect((await store.list()).map((m) => m.tag)).toEqual([b.tag, a.tag]);
  });

  it('deleting the latest version repoints latest at the newest remaining one', async () => {
    const a = await store.save('iris', { model: kClassifier });
    const b = await store.save('iris', { model: kClassifier });
    expect(await store.delete('iris:latest')).toMatchObject({ tag: b.tag });
    expect(await latestOf('iris')).toBe(a.version);
    expect((await store.get('iris')).version).toBe(a.version);
  });

  it('deleting an older version leaves latest alone', async () => {
    const a = await store.save('iris', { model: kClassifier });
    const b = await store.save('iris', { model: kClassifier });
    await store.delete(a.tag);
    expect(await latestOf('iris')).toBe(b.version);
    expect((await store.list('iris')).map((m) => m.version)).toEqual([b.version]);
  });

  it('deleting the last version removes the name directory', async () => {
    const a = await store.save('iris', { model: kClassifier });
    await store.delete(a.tag);
    expect(await readdir(join(root, 'models'))).toEqual([]);
    await expect(store.get('iris')).rejects.toMatchObject({ code: 'MLS_ERR_STORE_NOT_FOUND' });
  });

  it('refuses to delete what does not exist', async () => {
    await expect(store.delete('iris:0000')).rejects.toMatchObject({ code: 'MLS_ERR_STORE_NOT_FOUND' });
  });
});

describe('delete() and a concurrent reader', () => {
  it('never lets the reader see latest name a missing version', async () => {
    const { store, cleanup } = await createTempStore();
    try {
      for (let i = 0; i < 20; i++) await store.save('iris', { model: kClassifier });
      let deleting = true;
      const seen: string[] = [];
      const reader = (async () => {
        while (deleting) {
          await store.get('iris', { verify: false }).then(
            () => seen.push('ok'),
            (err: { code?: string }) => seen.push(err.code ?? 'error'),
          );
        }
      })();
      for (let i = 0; i < 19; i++) await store.delete('iris');
      deleting = false;
      await reader;
      expect(seen.filter((s) => s !== 'ok' && s !== 'MLS_ERR_STORE_NOT_FOUND')).toEqual([]);
      expect(seen.length).toBeGreaterThan(19);
    } finally {
      await cleanup();
    }
  });
});
