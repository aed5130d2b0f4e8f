import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Pipeline, SimpleImputer, StandardScaler } from '@mlserve/pipeline';
import { createTempStore, kClassifier, readJSON } from '../test/helpers';
import type { ModelStore } from './model-store';

const records = [
  { a: 1, b: 2, c: 3, d: 4 },
  { a: 2, b: null, c: 5, d: 8 },
  { a: 4, b: 6, c: 7, d: 16 },
];

function fittedPipeline(columns = ['a', 'b', 'c', 'd']): Pipeline {
  const rows = records.map((r) => Object.fromEntries(columns.map((c) => [c, r[c as keyof typeof r]])));
  return new Pipeline([
    ['imputer', new SimpleImputer({ strategy: 'median' })],
    ['scaler', new StandardScaler()],
  ]).fit(rows);
}

describe('models saved with a pipeline', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, root, cleanup } = await createTempStore()));
  afterEach(() => cleanup());

  it('store a fitted Pipeline as pipeline.json, and get() loads it back transforming the same', async () => {
    const pipeline = fittedPipeline();
    const ref = await store.save('iris', { model: kClassifier, pipeline });
    expect(await readJSON(join(ref.path, 'pipeline.json'))).toEqual(pipeline.toJSON());
    const loaded = (await store.get('iris')).pipeline!;
    expect(loaded.featureNamesIn).toEqual(['a', 'b', 'c', 'd']);
    const row = { a: 3, b: null, c: 1, d: 2 };
    expect(loaded.transform([row])).toEqual(pipeline.transform([row]));
  });

  it('store a pipeline given as a path to pipeline.json, byte for byte', async () => {
    const file = join(root, 'pipeline.json');
    const text = JSON.stringify(fittedPipeline().toJSON());
    await writeFile(file, text);
    const ref = await store.save('iris', { model: kClassifier, pipeline: file });
    expect(await readFile(join(ref.path, 'pipeline.json'), 'utf8')).toBe(text);
  });

  it('refuse an unfitted Pipeline', async () => {
    const unfitted = new Pipeline([new StandardScaler()]);
    await expect(store.save('iris', { model: kClassifier, pipeline: unfitted })).rejects.toMatchObject({ code: 'MLS_ERR_STORE_INVALID_PIPELINE' });
  });

  it('refuse a pipeline.json the pipeline package refuses, passing on the bad JSON path', async () => {
    const json = { ...fittedPipeline().toJSON(), steps: [{ name: 'x', type: 'Nope' }] };
    const err = await store.save('iris', { model: kClassifier, pipeline: json as never }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MLS_ERR_STORE_INVALID_PIPELINE', statusCode: 422, message: expect.stringContaining('input.pipeline is not a valid pipeline') });
    expect((err as { cause?: { code?: string } }).cause?.code).toMatch(/^MLS_ERR_PIPELINE_/);
  });

  it('refuse a pipeline whose output width differs from the model input', async () => {
    await expect(store.save('iris', { model: kClassifier, pipeline: fittedPipeline(['a', 'b', 'c']) })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_INVALID_PIPELINE',
      message: 'input.pipeline produces 3 columns but the model input "input" expects 4: the pipeline and the model do not belong together',
    });
    expect(await store.list()).toEqual([]);
  });
});
