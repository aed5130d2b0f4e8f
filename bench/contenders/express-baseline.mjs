// Contender 2: what a Node developer writes without mlserve. Express 5 + express.json(), one
// onnxruntime-node session on the main thread, the preprocessing written out by hand from
// pipeline.json's numbers (./preprocess.mjs). One request = one session.run; no batching, no workers.
//
//   ARTIFACTS=apps/titanic-api/artifacts ANSWER=titanic PORT=0 node bench/contenders/express-baseline.mjs
//   ARTIFACTS=apps/breast-cancer-api/artifacts ANSWER=breast PORT=0 node bench/contenders/express-baseline.mjs
//
// Prints `listening on http://127.0.0.1:<port>` once the model is loaded.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express from 'express';
import * as ort from 'onnxruntime-node';
import { loadPreprocessing, toMatrix } from './preprocess.mjs';

const artifacts = resolve(process.env.ARTIFACTS ?? 'apps/titanic-api/artifacts');
const { transform } = loadPreprocessing(join(artifacts, 'pipeline.json'));
const metadata = JSON.parse(readFileSync(join(artifacts, 'metadata.json'), 'utf8'));
const classes = metadata.classes ?? [0, 1];
const targetNames = metadata.metadata?.target_names;
const className = (i) => (Array.isArray(targetNames) ? targetNames[i] : (targetNames?.[String(classes[i])] ?? classes[i]));

// The answer for one record, shaped as the seed app answers it, so responses weigh the same.
const answerers = {
  titanic: (p, best) => ({ survived: Number(classes[best]), probability: p[1], message: '1 = 생존, 0 = 사망' }),
  breast: (p, best) => ({
    prediction: className(best),
    malignant_probability: p[classes.findIndex((_, i) => className(i) === 'malignant')],
    benign_probability: p[classes.findIndex((_, i) => className(i) === 'benign')],
    confidence: p[best],
  }),
};
const answer = answerers[process.env.ANSWER ?? 'titanic'];

// One thread each: onnxruntime's default thread pool spins and would take the load generator's core.
const session = await ort.InferenceSession.create(join(artifacts, 'model.onnx'), {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
});
const inputName = session.inputNames[0];

const app = express();
app.use(express.json({ limit: '10mb' }));

app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});

app.post('/predict', async (req, res) => {
  const single = !Array.isArray(req.body);
  const records = single ? [req.body] : req.body;
  let matrix;
  try {
    if (records.length === 0) throw new Error('no records');
    matrix = toMatrix(transform, records);
  } catch (err) {
    res.status(400).json({ error: err.message });
    return;
  }
  const out = await session.run({ [inputName]: new ort.Tensor('float32', matrix.data, matrix.dims) });
  const probs = out.probabilities.data;
  const k = out.probabilities.dims[1];
  const answers = records.map((_, i) => {
    const p = Array.from(probs.subarray(i * k, i * k + k));
    let best = 0;
    for (let j = 1; j < k; j++) if (p[j] > p[best]) best = j;
    return answer(p, best);
  });
  res.json(single ? answers[0] : answers);
});

const server = app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
