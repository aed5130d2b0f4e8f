import { join } from 'node:path';
import { createTempStore, kClassifier } from '../test/helpers';
import type { ModelStore } from './model-store';

describe('versions a user chooses', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, root, cleanup } = await createTempStore()));
  afterEach(() => cleanup());

  it('are stored as given, resolve as name:version and become latest', async () => {
    const ref = await store.save('iris', { model: kClassifier, version: 'v1.0.0' });
    expect(ref).toMatchObject({ tag: 'iris:v1.0.0', version: 'v1.0.0', path: join(root, 'models', 'iris', 'v1.0.0') });
    await expect(store.get('iris:v1.0.0')).resolves.toMatchObject({ version: 'v1.0.0' });
    await expect(store.get('iris')).resolves.toMatchObject({ version: 'v1.0.0' });
  });

  it('are unique: saving one that exists is a 409 and stores nothing', async () => {
    await store.save('iris', { model: kClassifier, version: 'v1.0.0' });
    await expect(store.save('iris', { model: kClassifier, version: 'v1.0.0' })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_ALREADY_EXISTS',
      statusCode: 409,
      message: expect.stringContaining('iris:v1.0.0 is already in the store'),
    });
    expect(await store.list()).toHaveLength(1);
  });

  it.each(['V1.0.0', '1.0.0.0', 'latest', 'v1..0', 'release', '../v1', '01m80pqsqpeawq2f', 'v1.0.0-'])('refuses %p with the pattern named', async (version) => {
    await expect(store.save('iris', { model: kClassifier, version })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_INVALID_TAG',
      message: expect.stringContaining('a chosen version looks like v1.0.0'),
    });
  });

  it('mix with generated ones: latest is the last saved, list is newest first', async () => {
    const first = await store.save('iris', { model: kClassifier });
    const chosen = await store.save('iris', { model: kClassifier, version: 'v2.0.0' });
    expect((await store.get('iris')).version).toBe('v2.0.0');
    const last = await store.save('iris', { model: kClassifier });
    expect((await store.get('iris')).version).toBe(last.version);
    expect((await store.list('iris')).map((m) => m.version)).toEqual([last.version, chosen.version, first.version]);
    await store.delete(last.tag);
    expect((await store.get('iris')).version).toBe('v2.0.0');
  });

  it('travel in archives, and importModel takes options.version for files and directories', async () => {
    const ref = await store.save('iris', { model: kClassifier, version: 'v1.0.0' });
    const other = await createTempStore();
    try {
      await expect(other.store.importModel(await store.exportModel(ref.tag, root))).resolves.toMatchObject({ tag: 'iris:v1.0.0' });
      await expect(other.store.importModel(kClassifier, { name: 'iris', version: 'v2.0.0-rc.1' })).resolves.toMatchObject({ tag: 'iris:v2.0.0-rc.1' });
      await expect(other.store.importModel(kClassifier, { version: 'v2' as string, name: 'Bad' })).rejects.toMatchObject({ code: 'MLS_ERR_STORE_INVALID_TAG' });
      expect((await other.store.get('iris')).version).toBe('v2.0.0-rc.1');
    } finally {
      await other.cleanup();
    }
  });
});
