import { readFileSync } from 'node:fs';
import { fixture } from '../test/helpers';
import { type LabelPrediction, type Prediction, type RegressionPrediction, type Runner, createRunner } from './index';

/** Inputs and the answers numpy computed for each model (test/fixtures/make_sklearn_shaped.py). */
const kExpected = JSON.parse(readFileSync(fixture('sklearn_shaped.json'), 'utf8')) as Record<
  string,
  { rows?: number[][]; records?: Array<Record<string, unknown>>; labels?: Array<string | number>; probabilities?: number[][]; values?: number[]; classes?: Array<string | number>; featureNames?: string[] }
>;

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected[i]!))));
}

describe('models shaped like skl2onnx exports', () => {
  const runners: Runner[] = [];
  const open = (...args: Parameters<typeof createRunner>): Runner => {
    const runner = createRunner(...args);
    runners.push(runner);
    return runner;
  };
  afterAll(() => Promise.all(runners.map((r) => r.close())));

  it.each([
    ['skl_binary_strings_zipmap', 'a binary ZipMap classifier with string classes'],
    ['skl_multiclass_int64_zipmap', 'a multiclass ZipMap classifier with int64 classes'],
    ['skl_multiclass_strings', 'a multiclass classifier with label and probabilities outputs'],
    ['skl_binary_int64', 'a binary classifier with int64 labels'],
  ])('%s: %s answers the class names of its graph and its probabilities', async (name) => {
    const expected = kExpected[name]!;
    const runner = open({ modelPath: fixture(`${name}.onnx`) }, { workers: 1 });
    const predictions = await runner.predict(expected.rows!);
    expect(predictions.map((p) => p.label)).toEqual(expected.labels);
    predictions.forEach((p, i) => expectClose(p.probabilities, expected.probabilities![i]!));
    expect(predictions.map((p) => p.index)).toEqual(expected.labels!.map((l) => expected.classes!.indexOf(l)));
    expect(runner.model.signature?.task).toMatchObject({ kind: 'classification', classes: expected.classes, labelRule: 'model' });
  });

  it('maps labels through the classes the caller gives, by the position of the graph label', async () => {
    const expected = kExpected.skl_multiclass_int64_zipmap!;
    const runner = open({ modelPath: fixture('skl_multiclass_int64_zipmap.onnx'), classes: ['three', 'five', 'seven'] }, { workers: 1 });
    const predictions = await runner.predict(expected.rows!);
    const names: Record<number, string> = { 3: 'three', 5: 'five', 7: 'seven' };
    expect(predictions.map((p) => p.label)).toEqual(expected.labels!.map((l) => names[l as number]));
  });

  it('answers the label only for a classifier without probabilities (SVC without probability=True)', async () => {
    const expected = kExpected.skl_svc_scores!;
    const runner = open({ modelPath: fixture('skl_svc_scores.onnx') }, { workers: 1 });
    const predictions = await runner.predict<LabelPrediction>(expected.rows!);
    expect(predictions.map((p) => p.label)).toEqual(expected.labels);
    expect(predictions[0]).not.toHaveProperty('probabilities');
    expect(runner.model.signature?.task).toEqual({ kind: 'classification', classes: [0, 1], label: 'label', scores: 'scores', labelRule: 'model' });
  });

  it('answers { value } for a regressor with output "variable" [N, 1]', async () => {
    const expected = kExpected.skl_regressor!;
    const runner = open({ modelPath: fixture('skl_regressor.onnx') }, { workers: 1 });
    const predictions = await runner.predict<RegressionPrediction>(expected.rows!);
    expectClose(predictions.map((p) => p.value as number), expected.values!);
    expect(Object.keys(predictions[0]!)).toEqual(['value']);
    expect(runner.model.signature?.task).toEqual({ kind: 'regression', outputs: ['variable'] });
  });

  it('takes records by feature name, in any field order, when the model names its features', async () => {
    const expected = kExpected.skl_regressor!;
    const runner = open({ modelPath: fixture('skl_regressor.onnx'), featureNames: expected.featureNames }, { workers: 1 });
    const reordered = expected.records!.map((r) => Object.fromEntries(Object.entries(r).reverse()));
    const predictions = await runner.predict<RegressionPrediction>(reordered);
    expectClose(predictions.map((p) => p.value as number), expected.values!);
    expect(runner.inputSchema()).toEqual({
      type: 'object',
      properties: { f0: { type: ['number', 'null'], description: expect.any(String) }, f1: expect.any(Object), f2: expect.any(Object) },
      required: ['f0', 'f1', 'f2'],
    });
    await expect(runner.predict({ f0: 1, f1: 2 })).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_INPUT', message: 'record 0, field "f2": is missing', details: { row: 0, field: 'f2' } });
  });

  it('sends each record field to the input of the same name with its type (one input per column)', async () => {
    const expected = kExpected.skl_columns!;
    const runner = open({ modelPath: fixture('skl_columns.onnx') }, { workers: 1 });
    const predictions = await runner.predict<Prediction>(expected.records!);
    expect(predictions.map((p) => p.label)).toEqual(expected.labels);
    predictions.forEach((p, i) => expectClose(p.probabilities, expected.probabilities![i]!));
    expect(runner.inputSchema()).toEqual({
      type: 'object',
      properties: { age: expect.objectContaining({ type: ['number', 'null'] }), fare: expect.objectContaining({ type: ['number', 'null'] }), pclass: { type: 'integer' }, sex: { type: 'string' } },
      required: ['age', 'fare', 'pclass', 'sex'],
    });
    await expect(runner.predict({ age: 1, fare: 2, pclass: 1.5, sex: 'male' })).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_INPUT', details: { row: 0, field: 'pclass' } });
    await expect(runner.predict({ age: 1, fare: 2, pclass: 1 })).rejects.toMatchObject({ message: 'record 0, field "sex": is missing' });
  });

  it('keeps the argmax rule for a binary TreeEnsembleClassifier, whose label output does not follow its probabilities', async () => {
    const runner = open({ modelPath: fixture('tree.onnx') }, { workers: 1 });
    await runner.ready();
    expect(runner.model.signature?.task).toMatchObject({ kind: 'classification', labelRule: 'argmax', label: 'label', probabilities: 'probabilities' });
  });

  it('describes rows of numbers when the model has no feature names', async () => {
    const runner = open({ modelPath: fixture('linear.onnx') }, { workers: 1 });
    await runner.ready();
    expect(runner.inputSchema()).toEqual({ type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 });
  });
});
