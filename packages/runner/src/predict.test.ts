import { fixture } from '../test/helpers';
import { type Runner, type RunnerPipeline, createRunner } from './index';
import { toPredictions } from './predict';

/** A stand-in for a fitted @mlserve/pipeline Pipeline: reads columns x and y, fails on 'bad'. */
const pipeline: RunnerPipeline = {
  transform(records) {
    const data = new Float32Array(records.length * 2);
    records.forEach((r, i) => {
      if (r.x === 'bad') throw Object.assign(new Error(`row ${i}: column "x" is not a number`), { code: 'MLS_ERR_PIPELINE_INVALID_TYPE', statusCode: 400 });
      data[i * 2] = Number(r.x);
      data[i * 2 + 1] = Number(r.y);
    });
    return { data, shape: [records.length, 2] };
  },
};

describe('runner.predict()', () => {
  const runners: Runner[] = [];
  const open = (...args: Parameters<typeof createRunner>): Runner => {
    const runner = createRunner(...args);
    runners.push(runner);
    return runner;
  };
  afterAll(() => Promise.all(runners.map((r) => r.close())));

  it('labels from argmax(probabilities) mapped through classes, not the TreeEnsemble label output', async () => {
    const runner = open({ modelPath: fixture('tree.onnx'), pipeline, classes: ['died', 'survived'] }, { workers: 1 });
    // ONNX Runtime's own label output says 1 for this row; its probabilities say class 0.
    const raw = await runner.run({ input: { type: 'float32', data: [0, 0], dims: [1, 2] } });
    expect(raw.label!.data).toEqual([1]);
    const prediction = await runner.predict({ x: 0, y: 0 });
    expect(prediction).toEqual({ label: 'died', index: 0, probabilities: [Math.fround(0.7), Math.fround(0.3)] });
  });

  it('predicts an array of records in order', async () => {
    const runner = open({ modelPath: fixture('tree.onnx'), pipeline, classes: [0, 1] }, { workers: 1 });
    const predictions = await runner.predict([
      { x: 0, y: 0 },
      { x: 1, y: 2 },
      { x: 1, y: -1 },
    ]);
    expect(predictions.map((p) => p.label)).toEqual([0, 1, 1]);
    expect(await runner.predict([])).toEqual([]);
  });

  it('takes rows of numbers when the model has no pipeline, and labels by index without classes', async () => {
    const runner = open({ modelPath: fixture('linear.onnx') }, { workers: 1 });
    const [a, b] = await runner.predict([
      [1, 2, 3, 4],
      [4, 0, 0, 0],
    ]);
    expect(a).toMatchObject({ label: 2, index: 2 });
    expect(b).toMatchObject({ label: 0, index: 0 });
    expect(a!.probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
    expect(await runner.predict([1, 2, 3, 4])).toEqual(a);
  });

  it('lets pipeline errors through unchanged', async () => {
    const runner = open({ modelPath: fixture('tree.onnx'), pipeline }, { workers: 1 });
    await expect(
      runner.predict([
        { x: 1, y: 1 },
        { x: 'bad', y: 1 },
      ]),
    ).rejects.toMatchObject({ code: 'MLS_ERR_PIPELINE_INVALID_TYPE', message: 'row 1: column "x" is not a number' });
  });

  it('refuses records that are objects when there is no pipeline', async () => {
    const runner = open({ modelPath: fixture('linear.onnx') }, { workers: 1 });
    await expect(runner.predict({ a: 1 })).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_INPUT', statusCode: 400 });
  });

  it('refuses predict() on a model without a probabilities output', async () => {
    const runner = open({ modelPath: fixture('string_input.onnx') }, { workers: 1 });
    await expect(runner.predict([[1]])).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_NOT_CLASSIFIER' });
  });

  it('refuses at ready() classes that do not match the number of probabilities', async () => {
    const runner = open({ modelPath: fixture('linear.onnx'), classes: ['a', 'b'] }, { workers: 1 });
    await expect(runner.ready()).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_MODEL_LOAD', message: expect.stringMatching(/3 probabilities per row but 2 classes/) });
  });
});

describe('toPredictions', () => {
  const probabilities = (rows: number[][]) => ({ type: 'float32' as const, data: Float32Array.from(rows.flat()), dims: [rows.length, rows[0]!.length] });

  it('answers { label, index, probabilities } in that key order, the label from the model mapped through classes', () => {
    const outputs = {
      label: { type: 'int64' as const, data: [1, 0], dims: [2] },
      probabilities: probabilities([
        [0.25, 0.75],
        [0.5, 0.5],
      ]),
    };
    const task = { kind: 'classification' as const, labelRule: 'model' as const, classes: [0, 1], label: 'label', probabilities: 'probabilities' };
    const predictions = toPredictions(outputs, task, { classes: ['died', 'survived'], graphLabels: [0, 1] });
    expect(predictions).toEqual([
      { label: 'survived', index: 1, probabilities: [0.25, 0.75] },
      { label: 'died', index: 0, probabilities: [0.5, 0.5] },
    ]);
    expect(Object.keys(predictions[0]!)).toEqual(['label', 'index', 'probabilities']);
  });

  it('answers labels no class list names as the model wrote them', () => {
    const outputs = { label: { type: 'string' as const, data: ['x', 'b', 'z'], dims: [3] } };
    const task = { kind: 'classification' as const, labelRule: 'model' as const, label: 'label' };
    expect(toPredictions(outputs, task, { classes: undefined, graphLabels: ['a', 'b'] })).toEqual([
      { label: 'x', index: -1 },
      { label: 'b', index: 1 },
      { label: 'z', index: -1 },
    ]);
    const numbers = { label: { type: 'float32' as const, data: Float32Array.of(7, -2, 1.5), dims: [3] } };
    expect(toPredictions(numbers, task, { classes: ['a', 'b'], graphLabels: undefined })).toEqual([
      { label: 7, index: 7 },
      { label: -2, index: -2 },
      { label: 1.5, index: 1.5 },
    ]);
  });

  it('takes argmax of three or more probabilities, first of equals winning', () => {
    const outputs = {
      probabilities: probabilities([
        [0.25, 0.5, 0.25],
        [0.5, 0.5, 0],
      ]),
    };
    const task = { kind: 'classification' as const, labelRule: 'argmax' as const, probabilities: 'probabilities' };
    expect(toPredictions(outputs, task, { classes: ['a', 'b', 'c'], graphLabels: undefined })).toEqual([
      { label: 'b', index: 1, probabilities: [0.25, 0.5, 0.25] },
      { label: 'a', index: 0, probabilities: [0.5, 0.5, 0] },
    ]);
  });
});
