import { fixture, referenceRun, rowsTensor } from '../test/helpers';
import { type Runner, createRunner } from './index';

describe('runner.run()', () => {
  const runners: Runner[] = [];
  const open = (model: string): Runner => {
    const runner = createRunner({ modelPath: fixture(model) }, { workers: 1 });
    runners.push(runner);
    return runner;
  };
  afterAll(() => Promise.all(runners.map((r) => r.close())));
  let linear: Runner | undefined;

  it('runs a linear classifier and returns int64 labels as plain numbers', async () => {
    const rows = [
      [1, 2, 3, 4],
      [0, 0, 0, 1],
      [-1, 0.5, 2, 0],
    ];
    const out = await open('linear.onnx').run({ input: rowsTensor(rows) });
    const reference = await referenceRun('linear.onnx', 'input', rows);
    expect(out.label).toEqual({ type: 'int64', data: reference.map((r) => r.label![0]), dims: [3] });
    expect(out.probabilities!.dims).toEqual([3, 3]);
    expect(Array.from(out.probabilities!.data as Float32Array)).toEqual(reference.flatMap((r) => r.probabilities));
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('runs a tree ensemble', async () => {
    const out = await open('tree.onnx').run({
      input: rowsTensor([
        [0, 0],
        [1, -1],
        [1, 2],
      ]),
    });
    expect(Array.from(out.probabilities!.data as Float32Array)).toEqual([0.7, 0.3, 0.45, 0.55, 0.3, 0.7].map(Math.fround));
    expect(out.label!.data).toEqual([1, 1, 1]);
  });

  it('feeds a model with two named inputs', async () => {
    const out = await open('two_inputs.onnx').run({
      a: { type: 'float32', data: [1, 2, 3, 4], dims: [2, 2] },
      b: { type: 'float32', data: new Float32Array([10, 20, 30, 40]), dims: [2, 2] },
    });
    expect(Array.from(out.sum!.data as Float32Array)).toEqual([11, 22, 33, 44]);
    expect(out.dot).toEqual({ type: 'float32', data: new Float32Array([50, 250]), dims: [2] });
  });

  it('takes and returns every dtype: float32, float64, int32, int64, bool', async () => {
    const out = await open('dtypes.onnx').run({
      f32: { type: 'float32', data: [1.5, 2], dims: [1, 2] },
      f64: { type: 'float64', data: [0.1, 2], dims: [1, 2] },
      i32: { type: 'int32', data: [4], dims: [1, 1] },
      i64: { type: 'int64', data: [2 ** 40], dims: [1, 1] },
      flag: { type: 'bool', data: [true], dims: [1, 1] },
    });
    expect(out.f32_out).toEqual({ type: 'float32', data: new Float32Array([3, 4]), dims: [1, 2] });
    expect(out.f64_out).toEqual({ type: 'float64', data: new Float64Array([1.1, 3]), dims: [1, 2] });
    expect(out.i32_out).toEqual({ type: 'int32', data: new Int32Array([12]), dims: [1, 1] });
    expect(out.i64_out).toEqual({ type: 'int64', data: [2 ** 40 + 1], dims: [1, 1] });
    expect(out.flag_out).toEqual({ type: 'bool', data: [false], dims: [1, 1] });
  });

  it('accepts int64 data as a BigInt64Array and bool data as a Uint8Array', async () => {
    const out = await open('dtypes.onnx').run({
      f32: { type: 'float32', data: new Float32Array(4), dims: [2, 2] },
      f64: { type: 'float64', data: new Float64Array(4), dims: [2, 2] },
      i32: { type: 'int32', data: new Int32Array([1, 2]), dims: [2, 1] },
      i64: { type: 'int64', data: new BigInt64Array([5n, -7n]), dims: [2, 1] },
      flag: { type: 'bool', data: new Uint8Array([0, 1]), dims: [2, 1] },
    });
    expect(out.i64_out!.data).toEqual([6, -6]);
    expect(out.flag_out!.data).toEqual([true, false]);
  });

  it('takes string inputs', async () => {
    const out = await open('string_input.onnx').run({ category: { type: 'string', data: ['cat', 'fish', 'zebra'], dims: [3, 1] } });
    expect(out.code).toEqual({ type: 'int64', data: [0, 2, -1], dims: [3, 1] });
  });

  it.each([
    ['an unknown input', { input: rowsTensor([[1, 2, 3, 4]]), extra: rowsTensor([[1]]) }, /unknown input "extra"/],
    ['a missing input', {}, /missing input "input"/],
    ['a wrong type', { input: { type: 'float64', data: [1, 2, 3, 4], dims: [1, 4] } }, /has type float64, the model expects float32/],
    ['a wrong width', { input: rowsTensor([[1, 2, 3]]) }, /expects \[N, 4\]/],
    ['data that does not fill dims', { input: { type: 'float32', data: [1, 2, 3], dims: [1, 4] } }, /3 elements, dims call for 4/],
    ['zero rows', { input: { type: 'float32', data: [], dims: [0, 4] } }, /at least one row/],
    ['non-numbers', { input: { type: 'float32', data: ['a', 'b', 'c', 'd'], dims: [1, 4] } }, /element 0 is not a number/],
  ])('rejects %s with MLS_ERR_RUNNER_INPUT (400)', async (_name, inputs, message) => {
    const runner = (linear ??= open('linear.onnx'));
    const err = await runner.run(inputs as never).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MLS_ERR_RUNNER_INPUT', statusCode: 400 });
    expect((err as Error).message).toMatch(message);
  });
});
