// Transform cost per record of the titanic pipeline (ColumnTransformer: median imputer + scaler,
// most_frequent imputer + one-hot, passthrough), for 1 record per call and 10,000 per call.
// Run: pnpm --filter @mlserve/pipeline bench   (builds dist first). Bounded: about 4 s in all.
import { readFileSync } from 'node:fs';
import { loadPipeline } from '../dist/index.js';

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/parity/titanic_basic.json', import.meta.url), 'utf8'));
const pipeline = loadPipeline(fixture.pipeline);
const inputs = fixture.cases.filter((c) => !c.error).map((c) => c.input);

/**
 * Runs `fn` (which handles `perCall` records) repeatedly for about `ms`; returns wall-clock and
 * CPU ns per record (CPU time is the steadier figure on a machine shared with other jobs).
 */
function measure(fn, perCall, ms) {
  for (let i = 0; i < 200; i++) fn(i); // warm up the JIT
  let calls = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 50; i++) fn(calls++);
    now = process.hrtime.bigint();
  }
  const used = process.cpuUsage(cpu);
  return { wall: Number(now - start) / (calls * perCall), cpu: ((used.user + used.system) * 1000) / (calls * perCall) };
}

const batch = Array.from({ length: 10_000 }, (_, i) => inputs[i % inputs.length]);
const single = measure((i) => pipeline.transform([inputs[i % inputs.length]]), 1, 1000);
const one = measure((i) => pipeline.transformOne(inputs[i % inputs.length]), 1, 1000);
const big = measure(() => pipeline.transform(batch), batch.length, 1500);

const fmt = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
const line = (name, m) => console.log(`${name}  ${fmt(m.wall)} per record (CPU ${fmt(m.cpu)})`);
console.log(`@mlserve/pipeline transform, titanic pipeline (${pipeline.featureNamesIn.length} inputs -> ${pipeline.featureNames.length} features), node ${process.version}`);
line('transform([record])       1 record/call:  ', single);
line('transformOne(record)      1 record/call:  ', one);
line('transform(records)   10,000 records/call: ', big);
console.log(`(10,000 records: ${((big.wall * batch.length) / 1e6).toFixed(2)} ms per call)`);
