// The hand-written preprocessing of the Express baseline must give scikit-learn's features and,
// through the same ONNX model, scikit-learn's probabilities — or the baseline is not a baseline.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { loadPreprocessing, toMatrix } from '../contenders/preprocess.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const app = join(repo, 'apps', 'titanic-api');
const referenceFile = join(app, 'fixtures', 'reference.json');
const skip = !existsSync(join(app, 'artifacts', 'model.onnx')) || !existsSync(referenceFile);

test('the hand-written preprocessing gives scikit-learn features for every reference passenger', { skip }, () => {
  const ref = JSON.parse(readFileSync(referenceFile, 'utf8'));
  const { transform } = loadPreprocessing(join(app, 'artifacts', 'pipeline.json'));
  ref.records.forEach((record, i) => {
    const row = transform(record).map(Math.fround);
    assert.deepEqual(row, ref.transformed[i].map(Math.fround), `record ${i} (${ref.notes[i]})`);
  });
});

test('the baseline answers scikit-learn probabilities through the same ONNX model', { skip }, async () => {
  const ref = JSON.parse(readFileSync(referenceFile, 'utf8'));
  const { transform } = loadPreprocessing(join(app, 'artifacts', 'pipeline.json'));
  const session = await ort.InferenceSession.create(join(app, 'artifacts', 'model.onnx'), { intraOpNumThreads: 1 });
  const m = toMatrix(transform, ref.records);
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', m.data, m.dims) });
  const probs = out.probabilities.data;
  ref.predict_proba.forEach((p, i) => {
    assert.ok(Math.abs(probs[i * 2 + 1] - p[1]) < 1e-5, `record ${i} (${ref.notes[i]}): ${probs[i * 2 + 1]} vs ${p[1]}`);
  });
});
