import { fixture, randomRows, referenceRun } from '../test/helpers';
import { createRunner } from './index';

describe('inProcess: true', () => {
  it('runs sessions on the calling thread with the same batching and results', async () => {
    const rows = randomRows(10, 10, 3);
    const expected = await referenceRun('forest.onnx', 'input', rows);
    const runner = createRunner({ modelPath: fixture('forest.onnx'), classes: ['no', 'yes'] }, { inProcess: true, maxBatchSize: 4 });
    try {
      const outputs = await Promise.all(rows.map((row) => runner.run({ input: { type: 'float32', data: row, dims: [1, 10] } })));
      outputs.forEach((out, i) => expect(Array.from(out.probabilities!.data as Float32Array)).toEqual(expected[i]!.probabilities));
      const prediction = await runner.predict(rows[0]!);
      expect(prediction.probabilities).toEqual(expected[0]!.probabilities);
      expect(runner.stats()).toMatchObject({ workers: 0, counters: { completed: 11 } });
    } finally {
      await runner.close();
    }
  });
});
