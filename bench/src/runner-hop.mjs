// `pnpm --filter @mlserve/bench bench:hop [-- ROWS CAP,CAP,...]`: the runner alone, no HTTP. Eight
// callers send ROWS-row requests of the Titanic model for 3 s per cap; each cap (maxBatchSize) is
// one runner, one worker, the idle path off. Prints rows/s per cap beside one-thread in-process
// onnxruntime-node on the same rows: what a worker round trip costs per batch, and how many
// batches a request becomes. Synthetic rows (the same for every cap), so read the ratios.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runnerRequire = createRequire(join(repo, 'packages', 'runner', 'package.json'));
const { createRunner } = runnerRequire('@mlserve/runner');
const ort = runnerRequire('onnxruntime-node');
const model = join(repo, 'apps', 'titanic-api', 'artifacts', 'model.onnx');
const args = process.argv.slice(2).filter((a) => a !== '--');
const rows = Number(args[0] ?? 1000);
const caps = (args[1] ?? '64,256,512,1024').split(',').map(Number);
const kSeconds = 3;
const kCallers = 8;

const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const width = session.inputMetadata?.[0]?.shape?.[1] ?? 10;
const data = Float32Array.from({ length: rows * width }, (_, i) => ((i * 7919) % 13) / 4);

async function closedLoop(call) {
  const end = performance.now() + kSeconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: kCallers }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  return (done * rows) / kSeconds;
}

const results = [];
for (const cap of caps) {
  const runner = createRunner(model, { workers: 1, maxBatchSize: cap, inlineMaxRows: 0 });
  await runner.ready();
  let batches = 0;
  runner.on('batch', () => batches++);
  const call = () => runner.run({ [session.inputNames[0]]: new ort.Tensor('float32', data.slice(), [rows, width]) });
  await closedLoop(call); // warm-up
  batches = 0;
  const rowsPerSec = await closedLoop(call);
  results.push({ cap, rowsPerSec, batchesPerRequest: batches / ((rowsPerSec * kSeconds) / rows) });
  await runner.close();
}
const input = new ort.Tensor('float32', data, [rows, width]);
const inProcess = await closedLoop(() => session.run({ [session.inputNames[0]]: input }));

console.log(`${rows}-row requests, ${kCallers} callers, ${kSeconds} s each; one-thread in-process: ${Math.round(inProcess).toLocaleString('en-US')} rows/s`);
console.log('maxBatchSize  batches/request  rows/s     vs in-process');
for (const r of results) {
  console.log(
    `${String(r.cap).padStart(12)}  ${r.batchesPerRequest.toFixed(1).padStart(15)}  ${Math.round(r.rowsPerSec).toLocaleString('en-US').padStart(9)}  ${(r.rowsPerSec / inProcess).toFixed(2).padStart(12)}x`,
  );
}
