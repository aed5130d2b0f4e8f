import { Pipeline, type PipelineJSON } from '@mlserve/pipeline';
import { fixture } from '../test/helpers';
import { type Runner, createRunner } from './index';

// Scales x and y to (v - 1) / 2: { x: 1, y: 1 } becomes the tree's row [0, 0], { x: 3, y: 7 } [1, 3].
const kScaler: PipelineJSON = {
  format: 'mlserve.pipeline/v1',
  inputs: [
    { name: 'x', type: 'number' },
    { name: 'y', type: 'number' },
  ],
  steps: [{ name: 'scaler', type: 'StandardScaler', withMean: true, withStd: true, mean: [1, 1], var: [4, 4], scale: [2, 2], nSamplesSeen: 10 }],
};

describe('a model with a real @mlserve/pipeline', () => {
  const runners: Runner[] = [];
  afterAll(() => Promise.all(runners.map((r) => r.close())));

  it.each([
    ['its JSON', kScaler],
    ['a Pipeline instance', Pipeline.fromJSON(kScaler)],
  ])('predicts raw records through %s', async (_name, pipeline) => {
    const runner = createRunner({ modelPath: fixture('tree.onnx'), pipeline, classes: ['died', 'survived'] }, { workers: 1 });
    runners.push(runner);
    const [a, b] = await runner.predict([
      { x: 1, y: 1 },
      { x: 3, y: 7 },
    ]);
    expect(a).toEqual({ label: 'died', index: 0, probabilities: [Math.fround(0.7), Math.fround(0.3)] });
    expect(b).toEqual({ label: 'survived', index: 1, probabilities: [Math.fround(0.3), Math.fround(0.7)] });
  });

  it('lets the pipeline’s errors through unchanged', async () => {
    const runner = createRunner({ modelPath: fixture('tree.onnx'), pipeline: kScaler }, { workers: 1 });
    runners.push(runner);
    const err = await runner
      .predict([
        { x: 1, y: 1 },
        { x: 'one', y: 1 },
      ])
      .catch((e: unknown) => e);
    expect((err as { code: string }).code).toMatch(/^MLS_ERR_PIPELINE_/);
    expect((err as { statusCode: number }).statusCode).toBe(400);
  });

  it('refuses pipeline JSON that is not valid when the runner is created', () => {
    expect(() => createRunner({ modelPath: fixture('tree.onnx'), pipeline: { ...kScaler, format: 'nope' } as never })).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^MLS_ERR_PIPELINE_/) }),
    );
  });
});
