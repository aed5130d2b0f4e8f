import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempStore, kClassifier, makePipelineJSON } from '../test/helpers';
import type { ModelStore } from './model-store';

describe('importModel() with ifChanged', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  let dir: string;

  beforeEach(async () => {
    ({ store, root, cleanup } = await createTempStore());
    dir = join(root, 'export');
    await mkdir(dir);
    await writeFile(join(dir, 'model.onnx'), await readFile(kClassifier));
    // pretty-printed, as the exporter writes it: the store keeps it compact
    await writeFile(join(dir, 'pipeline.json'), JSON.stringify(makePipelineJSON(), null, 2));
    await writeFile(join(dir, 'metadata.json'), JSON.stringify({ format: 'mlserve.export/v1', name: 'iris_model', classes: [0, 1, 2] }));
  });
  afterEach(() => cleanup());

  it('saves the first import and reports saved: true', async () => {
    const first = await store.importModel(dir, { ifChanged: true });
    expect(first).toMatchObject({ name: 'iris_model', saved: true });
    expect((await store.get('iris_model')).version).toBe(first.version);
  });

  it('resolves to the latest version with saved: false when model.onnx and the pipeline are unchanged', async () => {
    const first = await store.importModel(dir);
    const again = await store.importModel(dir, { ifChanged: true });
    expect(again).toEqual({ ...first, saved: false });
    expect(await store.list('iris_model')).toHaveLength(1);
  });

  it('compares pipelines as JSON values, not bytes', async () => {
    const first = await store.importModel(dir);
    const { steps, inputs, format } = makePipelineJSON() as unknown as Record<string, unknown>;
    await writeFile(join(dir, 'pipeline.json'), JSON.stringify({ steps, inputs, format }));
    expect(await store.importModel(dir, { ifChanged: true })).toEqual({ ...first, saved: false });
  });

  it('saves a new version when the pipeline changed', async () => {
    const first = await store.importModel(dir);
    const pipeline = makePipelineJSON() as unknown as { steps: Array<{ mean: number[] }> };
    pipeline.steps[0]!.mean = [0, 0, 0, 0];
    await writeFile(join(dir, 'pipeline.json'), JSON.stringify(pipeline));
    const second = await store.importModel(dir, { ifChanged: true });
    expect(second.saved).toBe(true);
    expect(second.version > first.version).toBe(true);
    expect((await store.get('iris_model')).version).toBe(second.version);
  });

  it('saves a new version when model.onnx changed', async () => {
    await store.importModel(dir);
    // a doc_string (ModelProto field 6) appended: the same graph with a different sha256
    await writeFile(join(dir, 'model.onnx'), Buffer.concat([await readFile(kClassifier), Buffer.from([0x32, 2, 0x68, 0x69])]));
    expect((await store.importModel(dir, { ifChanged: true })).saved).toBe(true);
    expect(await store.list('iris_model')).toHaveLength(2);
  });

  it('saves a new version when the latest has no pipeline and the import has one', async () => {
    await store.save('iris_model', { model: kClassifier });
    expect((await store.importModel(dir, { ifChanged: true })).saved).toBe(true);
  });

  it('saves a new version and repoints latest when latest is dangling', async () => {
    const first = await store.importModel(dir);
    await writeFile(join(root, 'models', 'iris_model', 'latest'), 'nonexistent\n');
    const second = await store.importModel(dir, { ifChanged: true });
    expect(second.saved).toBe(true);
    expect(second.version > first.version).toBe(true);
    expect((await store.get('iris_model')).version).toBe(second.version);
  });

  it('saves without ifChanged even when nothing changed', async () => {
    await store.importModel(dir);
    expect((await store.importModel(dir)).saved).toBe(true);
    expect(await store.list('iris_model')).toHaveLength(2);
  });

  it('works for a bare .onnx file', async () => {
    const first = await store.importModel(kClassifier, { ifChanged: true });
    expect(first).toMatchObject({ name: 'classifier', saved: true });
    expect(await store.importModel(kClassifier, { ifChanged: true })).toEqual({ ...first, saved: false });
  });

  it('saves once when two imports of the same files race', async () => {
    const results = await Promise.all([store.importModel(dir, { ifChanged: true }), store.importModel(dir, { ifChanged: true })]);
    expect(results.map((r) => r.saved).sort()).toEqual([false, true]);
    expect(await store.list('iris_model')).toHaveLength(1);
  });

  it('refuses ifChanged for an archive and a non-boolean ifChanged with a TypeError', async () => {
    await store.importModel(dir);
    const archive = await store.exportModel('iris_model', root);
    await expect(store.importModel(archive, { name: 'copy', ifChanged: true })).rejects.toThrow(
      new TypeError('options.ifChanged cannot be used when importing a .mlmodel archive'),
    );
    await expect(store.importModel(dir, { ifChanged: 'yes' as never })).rejects.toThrow(new TypeError('options.ifChanged must be a boolean'));
  });
});

describe('importModel() with input options', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, root, cleanup } = await createTempStore()));
  afterEach(() => cleanup());

  it('replaces classes and merges labels and metadata over a directory metadata.json', async () => {
    const dir = join(root, 'export');
    await mkdir(dir);
    await writeFile(join(dir, 'model.onnx'), await readFile(kClassifier));
    await writeFile(
      join(dir, 'metadata.json'),
      JSON.stringify({ name: 'iris_model', classes: [0, 1, 2], labels: { team: 'ml', stage: 'dev' }, metadata: { dataset: 'iris' }, estimator: 'LogisticRegression' }),
    );
    const ref = await store.importModel(dir, { classes: ['a', 'b', 'c'], labels: { stage: 'prod' }, metadata: { run: '7' } });
    const { manifest } = await store.get(ref.tag);
    expect(manifest.classes).toEqual(['a', 'b', 'c']);
    expect(manifest.labels).toEqual({ team: 'ml', stage: 'prod' });
    expect(manifest.metadata).toEqual({ dataset: 'iris', estimator: 'LogisticRegression', run: '7' });
  });

  it('stores a pipeline and classes with a bare .onnx file', async () => {
    const ref = await store.importModel(kClassifier, { name: 'bare', pipeline: makePipelineJSON(), classes: [0, 1, 2] });
    const model = await store.get(ref.tag);
    expect(model.pipeline).toBeDefined();
    expect(model.classes).toEqual([0, 1, 2]);
  });

  it('refuses them for an archive, which keeps its stored files', async () => {
    const ref = await store.save('iris', { model: kClassifier });
    const archive = await store.exportModel(ref.tag, root);
    await expect(store.importModel(archive, { name: 'copy', classes: [0, 1, 2] })).rejects.toThrow(
      new TypeError('options.classes cannot be used when importing a .mlmodel archive'),
    );
  });
});
