// Times save, get, verify and list on a temporary store with the fixture model: `pnpm build && pnpm bench`.
// A script, not a test: timings are never asserted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelStore } from '../dist/index.js';

const model = fileURLToPath(new URL('../test/fixtures/classifier.onnx', import.meta.url));
const rounds = Number(process.argv[2] ?? 50);
const root = await mkdtemp(join(tmpdir(), 'mlserve-bench-'));
const store = new ModelStore({ root });

async function time(label, n, fn) {
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const ms = (performance.now() - start) / n;
  console.log(`${label.padEnd(28)} ${ms.toFixed(2)} ms`);
}

try {
  await store.save('warmup', { model }); // loads onnxruntime once
  await time('save', rounds, () => store.save('bench', { model }));
  await time('get (latest)', rounds, () => store.get('bench'));
  await time('verify', rounds, () => store.verify('bench'));
  await time(`list (${rounds} versions)`, 5, () => store.list('bench'));
  const archive = join(root, 'bench.mlmodel');
  await time('exportModel', 10, () => store.exportModel('bench', archive));
  await time('importModel (as new name)', 10, (i) => store.importModel(archive, { name: `copy-${i}` }));
} finally {
  await rm(root, { recursive: true, force: true });
}
