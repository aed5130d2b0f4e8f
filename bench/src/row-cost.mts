// The main-thread stages of a many-row Titanic /predict, side by side from two built checkouts in
// one process (alternating 60 ms rounds, median of 7): decoding, the pipeline transform,
// predictions, the app's answers, the response's encoding, in µs per row. No HTTP and no worker:
// the per-row JavaScript only, which server profiles on a shared machine cannot rank (see NOTES.md).
//
//   apps/titanic-api/node_modules/.bin/tsx bench/src/row-cost.mts ROWS BASELINE_DIR [THIS_DIR] [STAGE]
//
// e.g. `... bench/src/row-cost.mts 100 ../base`. A is BASELINE_DIR, B this checkout.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
const here = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [rowsArg = '100', baseline, self = here, only = ''] = process.argv.slice(2);
if (baseline === undefined) throw new Error('usage: tsx bench/src/row-cost.mts ROWS BASELINE_DIR [THIS_DIR] [STAGE]');
const [a, b] = [resolve(baseline), resolve(self)];
const rows = Number(rowsArg);
const datasets = resolve(process.env.DATASETS ?? join(here, '..', 'shared', 'datasets'));
const { loadRecords, makeBodies } = await import(pathToFileURL(join(here, 'bench', 'src', 'data.mjs')).href);
async function load(root: string) {
  const imp = (p: string) => import(pathToFileURL(join(root, p)).href);
  const { Pipeline } = await imp('packages/pipeline/src/index.ts');
  const { toPredictions } = await imp('packages/runner/src/predict.ts');
  const { recordsToFeeds } = await imp('packages/runner/src/record-feed.ts');
  const { roundFloat32 } = await imp('packages/runner/src/round-float32.ts');
  const { passengers } = await imp('apps/titanic-api/src/passengers-input.ts');
  const service = await imp('packages/service/src/index.ts');
  const artifacts = join(root, 'apps/titanic-api/artifacts');
  const pipeline = Pipeline.fromJSON(JSON.parse(readFileSync(join(artifacts, 'pipeline.json'), 'utf8')));
  const input = passengers(pipeline.inputSchema());
  const output = service.json({ schema: (await imp('apps/titanic-api/src/passenger.ts')).kPredictOutputSchema });
  return { pipeline, toPredictions, recordsToFeeds, roundFloat32, input, output, records: service.records(pipeline) };
}
const A = await load(a),
  B = await load(b);
const artifacts = join(b, 'apps/titanic-api/artifacts');
const records = loadRecords(join(datasets, 'titanic.csv'), join(artifacts, 'pipeline.json'));
const bodies: string[] = makeBodies(records, rows, 16);
const parsed = bodies.map((x) => JSON.parse(x));
const feed = { kind: 'pipeline', input: { name: 'float_input', type: 'float32', shape: [null, A.pipeline.featureNames.length] } };
const { createRunner } = await import(pathToFileURL(join(b, 'packages/runner/dist/index.js')).href);
const runner = createRunner({ modelPath: join(artifacts, 'model.onnx'), pipeline: B.pipeline, classes: [0, 1] }, { inProcess: true });
await runner.ready();
const real = await runner.predict(parsed[0]);
await runner.close();
type Prediction = { label: number; probabilities: number[] };
const probs = new Float32Array(rows * 2);
for (let i = 0; i < rows; i++) {
  probs[2 * i] = real[i].probabilities[0];
  probs[2 * i + 1] = real[i].probabilities[1];
}
const outputs = { label: { type: 'int64', data: (real as Prediction[]).map((p) => p.label), dims: [rows] }, probabilities: { type: 'float32', data: probs, dims: [rows, 2] } };
const task = { kind: 'classification', labelRule: 'model', classes: [0, 1], label: 'label', probabilities: 'probabilities' };
const lookup = { classes: [0, 1], graphLabels: [0, 1] };
const msg = '1 = 생존, 0 = 사망';
const answersOf = (X: typeof A, preds: Prediction[]) =>
  preds.map((p) => ({ survived: String(p.label) === '1' ? 1 : 0, probability: X.roundFloat32(p.probabilities[1]), message: msg }));
const answers = answersOf(A, real);
const stages: Record<string, (X: typeof A, i: number) => unknown> = {
  'decode (passengers, parse incl.)': (X, i) => X.input.decodeRaw(bodies[i % bodies.length]!),
  'decode parsed (passengers)': (X, i) => X.input.decode(parsed[i % parsed.length]),
  'records() decodeRaw': (X, i) => X.records.decodeRaw(bodies[i % bodies.length]!),
  'recordsToFeeds (pipeline)': (X, i) => X.recordsToFeeds(parsed[i % parsed.length], X.pipeline, feed),
  toPredictions: (X) => X.toPredictions(outputs, task, lookup),
  'app answers (map + roundFloat32)': (X) => answersOf(X, real),
  'encode (json output)': (X) => X.output.encode(answers),
};
// Results are kept, so that V8 cannot drop the work as dead code.
const sink: unknown[] = [undefined];
function once(fn: (i: number) => unknown, ms: number): number {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    for (let k = 0; k < 10; k++) sink[0] = fn(n++);
  }
  return ((performance.now() - t0) * 1000) / (n * rows);
}
const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
let sa = 0,
  sb = 0;
for (const [name, fn] of Object.entries(stages)) {
  if (only && !name.includes(only)) continue;
  for (const X of [A, B]) once((i) => fn(X, i), 100);
  const ta: number[] = [],
    tb: number[] = [],
    ratio: number[] = [];
  for (let r = 0; r < 7; r++) {
    const x = once((i) => fn(A, i), 60);
    const y = once((i) => fn(B, i), 60);
    ta.push(x);
    tb.push(y);
    ratio.push(y / x);
  }
  if (!name.startsWith('records()') && !name.startsWith('decode parsed')) {
    sa += med(ta);
    sb += med(tb);
  }
  console.log(`${name.padEnd(34)} A ${med(ta).toFixed(3)}  B ${med(tb).toFixed(3)} µs/row   B/A ${med(ratio).toFixed(2)}`);
}
console.log(`${'sum (app path)'.padEnd(34)} A ${sa.toFixed(3)}  B ${sb.toFixed(3)} µs/row   B/A ${(sb / sa).toFixed(2)}`);
