// What get()'s sha256 check of model.onnx costs: median of 5 get() calls with and without it,
// for the seed apps' exported models and a generated 100 MB model.
// usage: node bench/verify-cost.mjs   (needs `pnpm build` and /usr/bin/python3 with onnx)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelStore } from '../dist/index.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const apps = resolve(pkg, '..', '..', 'apps');
const dir = mkdtempSync(join(tmpdir(), 'mlserve-verify-cost-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn, runs = 5) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return Math.round(median(ms) * 10) / 10;
}
try {
  const store = new ModelStore({ root: join(dir, 'store') });
  const large = join(dir, 'large.onnx');
  execFileSync('/usr/bin/python3', [join(pkg, 'test', 'fixtures', 'make_large_model.py'), large, '100']);
  const refs = [
    await store.importModel(join(apps, 'titanic-api', 'artifacts'), { name: 'titanic_model' }),
    await store.importModel(join(apps, 'breast-cancer-api', 'artifacts'), { name: 'breast_cancer_model' }),
    await store.importModel(large, { name: 'large_100mb' }),
  ];
  const rows = [];
  for (const ref of refs) {
    const { size } = await store.get(ref.tag, { verify: false });
    rows.push({ model: ref.name, bytes: size, getVerifiedMs: await time(() => store.get(ref.tag)), getUnverifiedMs: await time(() => store.get(ref.tag, { verify: false })) });
  }
  console.log(JSON.stringify(rows, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
