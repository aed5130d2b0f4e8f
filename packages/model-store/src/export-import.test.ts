import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempStore, kClassifier, makePipelineJSON, makeTarGz, paxRecord, readJSON, type TarEntry } from '../test/helpers';
import type { ModelStore } from './model-store';
import type { ModelRef } from './types';

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('exportModel() and importModel()', () => {
  let store: ModelStore;
  let other: ModelStore;
  let root: string;
  let otherRoot: string;
  const cleanups: Array<() => Promise<void>> = [];
  let ref: ModelRef;

  beforeEach(async () => {
    const a = await createTempStore();
    const b = await createTempStore();
    ({ store, root } = a);
    ({ store: other, root: otherRoot } = b);
    cleanups.push(a.cleanup, b.cleanup);
    ref = await store.save('iris', { model: kClassifier, pipeline: makePipelineJSON(), classes: [0, 1, 2], labels: { owner: 'me' } });
  });
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((fn) => fn()));
  });

  it('moves a version to another store with the same version and identical files', async () => {
    const file = await store.exportModel('iris', join(root, 'iris.mlmodel'));
    expect(file).toBe(join(root, 'iris.mlmodel'));
    const imported = await other.importModel(file);
    expect(imported).toEqual({ ...ref, path: join(otherRoot, 'models', 'iris', ref.version), saved: true });
    for (const name of ['model.json', 'model.onnx', 'pipeline.json']) {
      expect(await readFile(join(imported.path, name))).toEqual(await readFile(join(ref.path, name)));
    }
    await expect(other.verify('iris')).resolves.toEqual({ ...ref, path: imported.path });
    expect((await other.get('iris')).classes).toEqual([0, 1, 2]);
  });

  it('names the archive <name>-<version>.mlmodel when given a directory', async () => {
    expect(await store.exportModel(ref.tag, root)).toBe(join(root, `iris-${ref.version}.mlmodel`));
  });

  it('refuses to export into a missing directory, naming it', async () => {
    const missing = join(root, 'no', 'such', 'dir');
    await expect(store.exportModel('iris', join(missing, 'iris.mlmodel'))).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_NOT_FOUND',
      statusCode: 404,
      message: expect.stringContaining(`the directory ${missing} does not exist`),
    });
  });

  it('refuses to import a version that already exists, unless renamed', async () => {
    const file = await store.exportModel('iris', root);
    await expect(store.importModel(file)).rejects.toMatchObject({ code: 'MLS_ERR_STORE_ALREADY_EXISTS', statusCode: 409 });
    const renamed = await store.importModel(file, { name: 'iris-copy' });
    expect(renamed.tag).toBe(`iris-copy:${ref.version}`);
    expect((await readJSON(join(renamed.path, 'model.json'))).name).toBe('iris-copy');
    await expect(store.verify(renamed.tag)).resolves.toEqual({ name: renamed.name, version: renamed.version, tag: renamed.tag, path: renamed.path });
  });

  it('never moves latest backwards when importing an older version', async () => {
    const file = await store.exportModel('iris', root);
    const newer = await other.save('iris', { model: kClassifier });
    await other.importModel(file);
    expect((await other.get('iris')).version).toBe(newer.version);
    expect((await other.list('iris')).map((m) => m.version)).toEqual([newer.version, ref.version]);
  });

  it('imports an exporter output directory with its metadata', async () => {
    const dir = join(root, 'export');
    await mkdir(dir);
    await writeFile(join(dir, 'model.onnx'), await readFile(kClassifier));
    await writeFile(join(dir, 'pipeline.json'), JSON.stringify(makePipelineJSON()));
    await writeFile(
      join(dir, 'metadata.json'),
      JSON.stringify({
        format: 'mlserve.export/v1',
        name: 'iris_model',
        classes: ['setosa', 'versicolor', 'virginica'],
        featureNames: ['a', 'b', 'c', 'd'],
        inputs: ['a', 'b', 'c', 'd'],
        estimator: 'LogisticRegression',
        framework: { name: 'scikit-learn', version: '1.2.1' },
        metrics: { test_accuracy: 0.97 },
        labels: { team: 'ml' },
        metadata: { dataset: 'iris' },
      }),
    );
    const imported = await other.importModel(dir);
    const model = await other.get(imported.tag);
    expect(model.name).toBe('iris_model');
    expect(model.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(model.pipeline).toBeDefined();
    expect(model.manifest).toMatchObject({
      labels: { team: 'ml' },
      metrics: { test_accuracy: 0.97 },
      metadata: { dataset: 'iris', estimator: 'LogisticRegression', framework: { name: 'scikit-learn', version: '1.2.1' }, featureNames: ['a', 'b', 'c', 'd'] },
    });
    expect((await other.importModel(dir, { name: 'renamed' })).name).toBe('renamed');
  });

  it('imports a bare .onnx file under its file name', async () => {
    expect((await other.importModel(kClassifier)).name).toBe('classifier');
  });

  describe('refuses unsafe or inconsistent archives', () => {
    const good = async (): Promise<Record<string, Buffer>> => ({
      'model.json': await readFile(join(ref.path, 'model.json')),
      'model.onnx': await readFile(join(ref.path, 'model.onnx')),
      'pipeline.json': await readFile(join(ref.path, 'pipeline.json')),
    });
    const importEntries = async (entries: TarEntry[]) => {
      const file = join(root, 'crafted.mlmodel');
      await writeFile(file, makeTarGz(entries));
      return other.importModel(file);
    };
    afterEach(async () => {
      expect(await other.list()).toEqual([]);
      expect(await readdir(join(otherRoot, '.staging')).catch(() => [])).toEqual([]);
    });

    it('accepts the hand-made archive when nothing is wrong (control)', async () => {
      const files = await good();
      await expect(importEntries(Object.entries(files).map(([name, data]) => ({ name, data })))).resolves.toMatchObject({ tag: 'iris:' + ref.version });
      await other.delete('iris');
    });

    it.each<[string, (f: Record<string, Buffer>, escaped: string) => TarEntry[], RegExp]>([
      [
        'an absolute path',
        (f, escaped) => [
          { name: 'model.json', data: f['model.json'] },
          { name: escaped, data: 'pwned' },
        ],
        /has an absolute path/,
      ],
      [
        'a ".." path',
        (f) => [
          { name: 'model.json', data: f['model.json'] },
          { name: '../../escaped', data: 'pwned' },
        ],
        /contains "\.\."/,
      ],
      [
        'a pax header renaming an entry to ".."',
        (f) => [
          { name: 'model.json', data: f['model.json'] },
          { name: 'PaxHeader', type: 'pax', data: paxRecord('path', '../escaped') },
          { name: 'model.onnx', data: 'pwned' },
        ],
        /contains "\.\."/,
      ],
      [
        'a symbolic link',
        (f) => [
          { name: 'model.json', data: f['model.json'] },
          { name: 'model.onnx', type: 'symlink', linkname: '/etc/passwd' },
        ],
        /is a symbolic link/,
      ],
      [
        'a hard link',
        (f) => [
          { name: 'model.json', data: f['model.json'] },
          { name: 'model.onnx', type: 'hardlink', linkname: 'model.json' },
        ],
        /is a hard link/,
      ],
      [
        'a directory',
        (f) => [
          { name: 'model.json', data: f['model.json'] },
          { name: 'sub/', type: 'dir' },
        ],
        /is a Directory/,
      ],
      [
        'an unexpected file',
        (f) => [
          { name: 'model.json', data: f['model.json'] },
          { name: 'run.sh', data: 'rm -rf /' },
        ],
        /unexpected entry "run.sh"/,
      ],
      [
        'a duplicate entry',
        (f) => [
          { name: 'model.json', data: f['model.json'] },
          { name: 'model.json', data: f['model.json'] },
        ],
        /appears twice/,
      ],
      ['no model.json', (f) => [{ name: 'model.onnx', data: f['model.onnx'] }], /holds no model\.json/],
      ['a missing model.onnx', (f) => [{ name: 'model.json', data: f['model.json'] }], /model\.onnx is listed in model\.json but missing/],
    ])('with %s', async (_what, build, message) => {
      const escaped = join(root, 'escaped');
      await expect(importEntries(build(await good(), escaped))).rejects.toMatchObject({
        code: 'MLS_ERR_STORE_INVALID_ARCHIVE',
        statusCode: 422,
        message: expect.stringMatching(message),
      });
      expect(await exists(escaped)).toBe(false);
      expect(await exists(join(otherRoot, 'escaped'))).toBe(false);
    });

    it('with a version the store does not generate, which would sort above every later save', async () => {
      const files = await good();
      const manifest = { ...JSON.parse(files['model.json']!.toString('utf8')), version: 'zz-handmade' };
      const entries = Object.entries({ ...files, 'model.json': JSON.stringify(manifest) }).map(([name, data]) => ({ name, data }));
      await expect(importEntries(entries)).rejects.toMatchObject({
        code: 'MLS_ERR_STORE_INVALID_ARCHIVE',
        message: expect.stringContaining('version "zz-handmade" is not a version the store generates'),
      });
    });

    it('with a model.onnx whose sha256 differs from model.json', async () => {
      const files = await good();
      const tampered = Buffer.from(files['model.onnx']!);
      tampered.writeUInt8(tampered.at(-1)! ^ 0xff, tampered.length - 1); // same size, different bytes
      await expect(
        importEntries([
          { name: 'model.json', data: files['model.json'] },
          { name: 'model.onnx', data: tampered },
        ]),
      ).rejects.toMatchObject({
        code: 'MLS_ERR_STORE_INVALID_ARCHIVE',
        message: expect.stringContaining('model.onnx does not match model.json'),
      });
    });

    it('that is not a tar.gz at all', async () => {
      const file = join(root, 'text.mlmodel');
      await writeFile(file, 'just some text');
      await expect(other.importModel(file)).rejects.toMatchObject({ code: 'MLS_ERR_STORE_INVALID_ARCHIVE' });
    });
  });
});
