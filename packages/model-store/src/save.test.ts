import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempStore, kClassifier, readJSON } from '../test/helpers';
import { ModelStore } from './model-store';
import { kVersionPattern } from './version';

describe('store.save()', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, root, cleanup } = await createTempStore()));
  afterEach(() => cleanup());

  it('stores model.onnx and model.json under models/<name>/<version> and points latest at it', async () => {
    const ref = await store.save('iris', { model: kClassifier, classes: ['setosa', 'versicolor', 'virginica'] });
    expect(ref.version).toMatch(kVersionPattern);
    expect(ref.tag).toBe(`iris:${ref.version}`);
    expect(ref.path).toBe(join(root, 'models', 'iris', ref.version));
    expect((await readdir(ref.path)).sort()).toEqual(['model.json', 'model.onnx']);
    expect(await readFile(join(ref.path, 'model.onnx'))).toEqual(await readFile(kClassifier));
    expect((await readFile(join(root, 'models', 'iris', 'latest'), 'utf8')).trim()).toBe(ref.version);
  });

  it('records sizes, sha256s, versions and the signature read from the ONNX graph in model.json', async () => {
    const ref = await store.save('iris', {
      model: await readFile(kClassifier),
      labels: { owner: 'ml-team' },
      metadata: { dataset: 'iris' },
      metrics: { accuracy: 0.95 },
    });
    const manifest = await readJSON(join(ref.path, 'model.json'));
    expect(manifest).toMatchObject({
      format: 'mlserve.model/v1',
      name: 'iris',
      version: ref.version,
      mlserveVersion: '0.1.0',
      onnxruntimeVersion: '1.30.0',
      files: { 'model.onnx': { size: 383, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } },
      labels: { owner: 'ml-team' },
      metadata: { dataset: 'iris' },
      metrics: { accuracy: 0.95 },
    });
    expect(manifest.signature).toEqual({
      inputs: [{ name: 'input', type: 'float32', shape: ['N', 4] }],
      outputs: [
        { name: 'label', type: 'int64', shape: ['N'] },
        { name: 'probabilities', type: 'float32', shape: ['N', 3] },
      ],
      task: { kind: 'classification', label: 'label', probabilities: 'probabilities', labelRule: 'model' },
    });
    expect(Date.parse(manifest.createdAt)).not.toBeNaN();
  });

  it('gives each save a new, greater version and moves latest to the newest', async () => {
    const versions: string[] = [];
    for (let i = 0; i < 5; i++) versions.push((await store.save('iris', { model: kClassifier })).version);
    expect(new Set(versions).size).toBe(5);
    expect([...versions].sort()).toEqual(versions);
    expect((await readFile(join(root, 'models', 'iris', 'latest'), 'utf8')).trim()).toBe(versions[4]);
  });

  it('leaves nothing behind in the staging area', async () => {
    await store.save('iris', { model: kClassifier });
    expect(await readdir(join(root, '.staging'))).toEqual([]);
  });

  it('ignores what a killed save left in .staging, and removes it once an hour old', async () => {
    const leftover = join(root, '.staging', 'killed');
    await mkdir(leftover, { recursive: true });
    await writeFile(join(leftover, 'model.onnx'), 'partial');
    expect(await store.list()).toEqual([]);
    await store.save('iris', { model: kClassifier });
    expect(await readdir(join(root, '.staging'))).toEqual(['killed']);
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(leftover, twoHoursAgo, twoHoursAgo);
    await store.save('iris', { model: kClassifier });
    expect(await readdir(join(root, '.staging'))).toEqual([]);
  });

  it('uses $MLSERVE_HOME when no root is given', async () => {
    const saved = process.env.MLSERVE_HOME;
    process.env.MLSERVE_HOME = root;
    try {
      expect(new ModelStore().root).toBe(root);
    } finally {
      if (saved === undefined) delete process.env.MLSERVE_HOME;
      else process.env.MLSERVE_HOME = saved;
    }
  });
});
