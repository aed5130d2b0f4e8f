import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { loadPipeline } from '@mlserve/pipeline';
import { type AnyPrediction, type LabelPrediction, type Prediction, type RegressionPrediction, createRunner } from '@mlserve/runner';
import * as ort from 'onnxruntime-node';

// Every model the exporter's tests wrote (tests/make_parity_fixtures.py) runs as scikit-learn runs it:
// model.onnx in onnxruntime-node gives the labels of predict() exactly, and probabilities, decision
// scores and regression values within 1e-5 relative; and so does mlserve's runner, on the stored model.

/** reference.json: scikit-learn's answers for synthesised records. */
interface Reference {
  case: string;
  estimator: string;
  task: 'classification' | 'regression';
  classes?: Array<string | number>;
  targets?: string[];
  inputs: string[];
  featureNames: string[];
  records: Array<Record<string, unknown>>;
  predict: Array<string | number> | number[][];
  label?: number[];
  predict_proba?: number[][];
  decision_function?: number[][];
  transformed: number[][];
}

const kFixtures = join(__dirname, '..', 'tests', 'fixtures');
const kRunnerTolerance = 1e-6;
const kRelativeTolerance = 1e-5;

const kCases = readdirSync(kFixtures)
  .filter((name) => existsSync(join(kFixtures, name, 'reference.json')))
  .sort();

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

const kReferences = new Map(kCases.map((name) => [name, readJson<Reference>(join(kFixtures, name, 'reference.json'))]));
function maxAbsDiff(actual: number[][], expected: number[][]): number {
  let max = 0;
  actual.forEach((row, i) => row.forEach((p, k) => (max = Math.max(max, Math.abs(p - expected[i]![k]!)))));
  return max;
}

/** max over cells of |actual - expected| / max(1, |expected|): relative for large values, absolute below 1. */
function maxRelativeDiff(actual: Float32Array, expected: number[][]): number {
  const width = expected[0]!.length;
  let max = 0;
  expected.forEach((row, i) => row.forEach((e, k) => (max = Math.max(max, Math.abs(actual[i * width + k]! - e) / Math.max(1, Math.abs(e))))));
  return max;
}

/** The float32 matrix model.onnx takes: @mlserve/pipeline's output, or the raw columns in order. */
function modelInput(dir: string, ref: Reference): Float32Array {
  const pipelineFile = join(dir, 'pipeline.json');
  if (existsSync(pipelineFile)) return loadPipeline(readJson(pipelineFile)).transform(ref.records).data;
  return Float32Array.from(ref.records.flatMap((record) => ref.inputs.map((column) => (record[column] == null ? NaN : Number(record[column])))));
}

it('finds the exported fixtures', () => {
  expect(kCases.length).toBeGreaterThan(0);
});

describe.each(kCases)('model.onnx of %s in onnxruntime-node', (name) => {
  const dir = join(kFixtures, name);
  const ref = kReferences.get(name)!;

  it('answers what scikit-learn answers', async () => {
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    try {
      const input = new ort.Tensor('float32', modelInput(dir, ref), [ref.records.length, ref.featureNames.length]);
      const out = await session.run({ input });
      if (ref.task === 'regression') {
        expect(session.outputNames).toEqual(['variable']);
        expect(out.variable!.dims).toEqual([ref.records.length, ref.targets!.length]);
        expect(maxRelativeDiff(out.variable!.data as Float32Array, ref.predict as number[][])).toBeLessThanOrEqual(kRelativeTolerance);
        return;
      }
      expect(Array.from(out.label!.data as BigInt64Array, Number)).toEqual(ref.label);
      const [output, expected] = ref.predict_proba ? ['probabilities', ref.predict_proba] : ['scores', ref.decision_function!];
      expect([...session.outputNames].sort()).toEqual(['label', output].sort());
      expect(maxRelativeDiff(out[output]!.data as Float32Array, expected)).toBeLessThanOrEqual(kRelativeTolerance);
    } finally {
      await session.release();
    }
  });
});

describe.each(kCases)('the exported %s', (name) => {
  it('is preprocessed into the same float32 matrix as scikit-learn', () => {
    const ref = kReferences.get(name)!;
    const pipelineFile = join(kFixtures, name, 'pipeline.json');
    if (!existsSync(pipelineFile)) return;
    const { data, shape } = loadPipeline(readJson(pipelineFile)).transform(ref.records);
    expect(shape).toEqual([ref.transformed.length, ref.featureNames.length]);
    expect(Array.from(data)).toEqual(ref.transformed.flat());
  });
});

describe('every exported model, stored and served by a runner', () => {
  let root: string;
  let store: ModelStore;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlserve-sklearn-runner-'));
    store = new ModelStore({ root });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  // Records go in by column name, through the stored pipeline (or the stored feature names when
  // there is none); the task, classes and label rule come from what the store recorded at import.
  it.each(kCases)('%s predicts what scikit-learn predicts', async (name) => {
    const ref = kReferences.get(name)!;
    const stored = await store.get((await store.importModel(join(kFixtures, name))).tag);
    const runner = createRunner(stored, { workers: 1 });
    try {
      const predictions = (await runner.predict(ref.records)) as AnyPrediction[];
      if (ref.task === 'regression') {
        const rows = predictions.map((p) => (p as RegressionPrediction).value).map((v) => (Array.isArray(v) ? v : [v]));
        expect(maxRelativeDiff(Float32Array.from(rows.flat()), ref.predict as number[][])).toBeLessThanOrEqual(kRelativeTolerance);
        return;
      }
      expect(predictions.map((p) => (p as LabelPrediction).label)).toEqual(ref.predict);
      if (ref.predict_proba)
        expect(
          maxAbsDiff(
            predictions.map((p) => (p as Prediction).probabilities),
            ref.predict_proba,
          ),
        ).toBeLessThanOrEqual(kRunnerTolerance);
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
      expect(stored.classes).toEqual(kReferences.get(name)!.classes);
      expect(stored.pipeline !== undefined).toBe(existsSync(join(dir, 'pipeline.json')));
    }
  });
});
