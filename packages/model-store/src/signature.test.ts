import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTempStore, kClassifier, kSklRegressor, kSklZipMap, kZipMap } from '../test/helpers';
import type { ModelStore } from './model-store';

describe('the stored signature says the task', () => {
  let store: ModelStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, cleanup } = await createTempStore()));
  afterEach(() => cleanup());

  it('accepts a skl2onnx ZipMap classifier: serves the tensor feeding the ZipMap and reads the class names from the graph', async () => {
    const ref = await store.save('cancer', { model: kSklZipMap });
    const model = await store.get(ref.tag);
    expect(model.signature.outputs.map((o) => o.name)).toEqual(['output_label', 'probabilities']);
    expect(model.signature.zipMaps).toEqual([{ output: 'output_probability', probabilities: 'probabilities', classes: ['benign', 'malignant'] }]);
    expect(model.signature.task).toEqual({ kind: 'classification', classes: ['benign', 'malignant'], label: 'output_label', probabilities: 'probabilities', labelRule: 'model' });
  });

  it('accepts the classic ZipMap fixture too, with its int64 class labels', async () => {
    const model = await store.get((await store.save('iris', { model: kZipMap })).tag);
    expect(model.signature.task).toMatchObject({ kind: 'classification', classes: [0, 1, 2] });
  });

  it('records a regressor with its value output', async () => {
    const model = await store.get((await store.save('price', { model: kSklRegressor })).tag);
    expect(model.signature.task).toEqual({ kind: 'regression', outputs: ['variable'] });
  });

  it('prefers the classes the caller gives over the graph', async () => {
    const model = await store.get((await store.save('iris', { model: kClassifier, classes: ['a', 'b', 'c'] })).tag);
    expect(model.signature.task).toMatchObject({ kind: 'classification', classes: ['a', 'b', 'c'], probabilities: 'probabilities', label: 'label' });
  });

  it('takes task and feature names from an exporter directory’s metadata.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlserve-export-'));
    try {
      await copyFile(kSklRegressor, join(dir, 'model.onnx'));
      await writeFile(join(dir, 'metadata.json'), JSON.stringify({ format: 'mlserve.export/v1', name: 'price', task: 'regression', featureNames: ['rooms', 'area', 'age'] }));
      const imported = await store.importModel(dir);
      const model = await store.get(imported.tag);
      expect(model.signature.task).toEqual({ kind: 'regression', outputs: ['variable'] });
      expect(model.signature.featureNames).toEqual(['rooms', 'area', 'age']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ignores feature names that do not fit the input width', async () => {
    const model = await store.get((await store.save('price', { model: kSklRegressor, metadata: { featureNames: ['a', 'b'] } })).tag);
    expect(model.signature.featureNames).toBeUndefined();
  });
});
