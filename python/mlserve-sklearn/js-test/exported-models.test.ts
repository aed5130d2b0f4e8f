import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { loadPipeline } from '@mlserve/pipeline';
import { createRunner } from '@mlserve/runner';
import * as ort from 'onnxruntime-node';

// Every model the exporter's tests wrote (tests/make_parity_fixtures.py) runs as scikit-learn runs it:
// model.onnx in onnxruntime-node gives the labels of predict() exactly, and probabilities, decision
// scores and regression values within 1e-5 relative; the classifiers with probabilities also through
// mlserve's runner.

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
/**
 * The runner serves classifiers with probabilities; regressors and score-only classifiers are checked in onnxruntime-node
 * only. SVC too: the runner takes labels from argmax of the probabilities, which is not SVC's predict.
 */
const kRunnerCases = kCases.filter((name) => kReferences.get(name)!.predict_proba !== undefined && kReferences.get(name)!.estimator !== 'SVC');

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
  expect(kRunnerCases.length).toBeGreaterThan(0);
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

describe.each(kRunnerCases)('the exported %s in the runner', (name) => {
  const dir = join(kFixtures, name);
  const ref = kReferences.get(name)!;
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
      const diff = maxAbsDiff(predictions.map((p) => p.probabilities), ref.predict_proba!);
      expect(diff).toBeLessThanOrEqual(kRunnerTolerance);
    } finally {
      await runner.close();
    }
  });
});

describe.each(kCases.filter((name) => !kRunnerCases.includes(name)))('the exported %s', (name) => {
  it('is preprocessed into the same float32 matrix as scikit-learn', () => {
    const ref = kReferences.get(name)!;
    const pipelineFile = join(kFixtures, name, 'pipeline.json');
    if (!existsSync(pipelineFile)) return;
    const { data, shape } = loadPipeline(readJson(pipelineFile)).transform(ref.records);
    expect(shape).toEqual([ref.transformed.length, ref.featureNames.length]);
    expect(Array.from(data)).toEqual(ref.transformed.flat());
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
