import { fixture } from '../test/helpers';
import { type Runner, type RunnerPipeline, createRunner } from './index';

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
