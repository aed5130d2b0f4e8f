// Contender 5: the compute limit. No HTTP: one onnxruntime-node session (one thread, as each
// mlserve worker has) runs already-batched rows in a loop, with and without the hand-written
// preprocessing of the JSON records. Prints one JSON object on stdout.
//
//   ARTIFACTS=apps/titanic-api/artifacts RECORDS=records.json SECONDS=5 BATCH_SIZES=1,100,1000 \
//     node bench/contenders/inprocess.mjs

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadPreprocessing, toMatrix } from './preprocess.mjs';

const artifacts = resolve(process.env.ARTIFACTS ?? 'apps/titanic-api/artifacts');
const records = JSON.parse(readFileSync(process.env.RECORDS, 'utf8'));
const seconds = Number(process.env.SECONDS ?? 5);
const batchSizes = (process.env.BATCH_SIZES ?? '1,100,1000').split(',').map(Number);

const { transform } = loadPreprocessing(join(artifacts, 'pipeline.json'));
const session = await ort.InferenceSession.create(join(artifacts, 'model.onnx'), {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
});
const inputName = session.inputNames[0];
const outputNames = session.outputNames.includes('probabilities') ? ['probabilities'] : session.outputNames;

const batchOf = (n) => Array.from({ length: n }, (_, i) => records[i % records.length]);

/** Runs `step` back to back for `ms` milliseconds; returns calls per second. */
async function loop(ms, step) {
  for (let i = 0; i < 20; i++) await step(); // warm-up
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < ms) {
    await step();
    calls++;
  }
  return (calls * 1000) / (performance.now() - start);
}

const results = [];
const share = (seconds * 1000) / (batchSizes.length * 2);
for (const n of batchSizes) {
  const batch = batchOf(n);
  const m = toMatrix(transform, batch);
  const tensor = new ort.Tensor('float32', m.data, m.dims);
  const inferOnly = await loop(share, () => session.run({ [inputName]: tensor }, outputNames));
  const withPre = await loop(share, () => {
    const mm = toMatrix(transform, batch);
    return session.run({ [inputName]: new ort.Tensor('float32', mm.data, mm.dims) }, outputNames);
  });
  results.push({
    batchSize: n,
    inferenceRowsPerSec: inferOnly * n,
    withPreprocessingRowsPerSec: withPre * n,
    inferenceMsPerBatch: 1000 / inferOnly,
  });
}
process.stdout.write(`${JSON.stringify({ results, rssBytes: process.memoryUsage().rss })}\n`);
