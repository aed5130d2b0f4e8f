// Transform cost per record of the titanic pipeline (ColumnTransformer: median imputer + scaler,
// most_frequent imputer + one-hot, passthrough), for 1 record per call and 10,000 per call.
// Run: pnpm --filter @mlserve/pipeline bench   (builds dist first). Bounded: about 4 s in all.
import { readFileSync } from 'node:fs';
import { loadPipeline } from '../dist/index.js';
import { formatNs as fmt, measure } from './measure.mjs';

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/parity/titanic_basic.json', import.meta.url), 'utf8'));
const pipeline = loadPipeline(fixture.pipeline);
const inputs = fixture.cases.filter((c) => !c.error).map((c) => c.input);

const batch = Array.from({ length: 10_000 }, (_, i) => inputs[i % inputs.length]);
const single = measure((i) => pipeline.transform([inputs[i % inputs.length]]), 1, 1000);
const one = measure((i) => pipeline.transformOne(inputs[i % inputs.length]), 1, 1000);
const big = measure(() => pipeline.transform(batch), batch.length, 1500);

const line = (name, m) => console.log(`${name}  ${fmt(m.wall)} per record (CPU ${fmt(m.cpu)})`);
console.log(`@mlserve/pipeline transform, titanic pipeline (${pipeline.featureNamesIn.length} inputs -> ${pipeline.featureNames.length} features), node ${process.version}`);
line('transform([record])       1 record/call:  ', single);
line('transformOne(record)      1 record/call:  ', one);
line('transform(records)   10,000 records/call: ', big);
console.log(`(10,000 records: ${((big.wall * batch.length) / 1e6).toFixed(2)} ms per call)`);
