import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { loadPipeline } from '@mlserve/pipeline';
import { createRunner } from '@mlserve/runner';

// Every model the exporter's tests wrote (tests/make_parity_fixtures.py) runs in mlserve exactly as
// scikit-learn runs it: the same labels as predict(), probabilities within 1e-6 of predict_proba().

/** reference.json: scikit-learn's answers for synthesised records. */
interface Reference {
  case: string;
  estimator: string;
  classes: Array<string | number>;
  inputs: string[];
  featureNames: string[];
  records: Array<Record<string, unknown>>;
  predict: Array<string | number>;
  label: number[];
  predict_proba: number[][];
  transformed: number[][];
}

const kFixtures = join(__dirname, '..', 'tests', 'fixtures');
const kTolerance = 1e-6;

const kCases = readdirSync(kFixtures)
  .filter((name) => existsSync(join(kFixtures, name, 'reference.json')))
  .sort();

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function maxAbsDiff(actual: number[][], expected: number[][]): number {
  let max = 0;
  actual.forEach((row, i) => row.forEach((p, k) => (max = Math.max(max, Math.abs(p - expected[i]![k]!)))));
  return max;
}

it('finds the exported fixtures', () => {
  expect(kCases.length).toBeGreaterThan(0);
});

describe.each(kCases)('the exported %s', (name) => {
  const dir = join(kFixtures, name);
  const ref = readJson<Reference>(join(dir, 'reference.json'));
  const metadata = readJson<{ classes: Array<string | number>; inputs: string[] }>(join(dir, 'metadata.json'));
  const pipelineFile = join(dir, 'pipeline.json');
  const pipeline = existsSync(pipelineFile) ? loadPipeline(readJson(pipelineFile)) : undefined;
  // Without preprocessing the model takes the raw columns in order, as scikit-learn did.
  const records = pipeline ? ref.records : ref.records.map((record) => metadata.inputs.map((column) => Number(record[column])));

  it('preprocesses records into the same float32 matrix as scikit-learn', () => {
    if (pipeline === undefined) return;
    const { data, shape } = pipeline.transform(ref.records);
    expect(shape).toEqual([ref.transformed.length, ref.featureNames.length]);
    expect(Array.from(data)).toEqual(ref.transformed.flat());
  });

  it('predicts the labels and probabilities of scikit-learn', async () => {
    const runner = createRunner({ modelPath: join(dir, 'model.onnx'), pipeline, classes: metadata.classes, name }, { workers: 1 });
    try {
      const predictions = await runner.predict(records);
      expect(predictions.map((p) => p.label)).toEqual(ref.predict);
      const diff = maxAbsDiff(predictions.map((p) => p.probabilities), ref.predict_proba);
      expect(diff).toBeLessThanOrEqual(kTolerance);
    } finally {
      await runner.close();
    }
  });
});

describe('ModelStore.importModel', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlserve-sklearn-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('takes every exported directory as it is', async () => {
    const store = new ModelStore({ root });
    for (const name of kCases) {
      const dir = join(kFixtures, name);
      const ref = await store.importModel(dir);
      const stored = await store.get(ref.tag);
      expect(stored.name).toBe(name);
      expect(stored.classes).toEqual(readJson<Reference>(join(dir, 'reference.json')).classes);
      expect(stored.pipeline !== undefined).toBe(existsSync(join(dir, 'pipeline.json')));
    }
  });
});
