// Transform cost per record of the pipelines of the parity fixtures that use the transformers
// added with OrdinalEncoder..FunctionTransformer, next to titanic_basic for reference.
// Run: pnpm --filter @mlserve/pipeline build && node bench/transformers.bench.mjs. Bounded: about 7 s in all.
import { readFileSync } from 'node:fs';
import { loadPipeline } from '../dist/index.js';
import { formatNs, measure } from './measure.mjs';

const kFixtures = [
  'titanic_basic',
  'titanic_ordinal',
  'titanic_robust_maxabs',
  'titanic_polynomial',
  'titanic_function',
  'titanic_kbins',
  'breast_cancer_polynomial',
  'breast_cancer_kbins_kmeans',
];

console.log(`@mlserve/pipeline transform per record, node ${process.version}`);
for (const name of kFixtures) {
  const fixture = JSON.parse(readFileSync(new URL(`../test/fixtures/parity/${name}.json`, import.meta.url), 'utf8'));
  const pipeline = loadPipeline(fixture.pipeline);
  const inputs = fixture.cases.filter((c) => !c.error).map((c) => c.input);
  const batch = Array.from({ length: 10_000 }, (_, i) => inputs[i % inputs.length]);
  const one = measure((i) => pipeline.transformOne(inputs[i % inputs.length]), 1, 400);
  const big = measure(() => pipeline.transform(batch), batch.length, 400);
  const shape = `${pipeline.featureNamesIn.length} -> ${pipeline.featureNames.length}`;
  console.log(`${name.padEnd(28)} ${shape.padEnd(9)} transformOne ${formatNs(one.wall)} (CPU ${formatNs(one.cpu)}), 10,000/call ${formatNs(big.wall)} (CPU ${formatNs(big.cpu)})`);
}
