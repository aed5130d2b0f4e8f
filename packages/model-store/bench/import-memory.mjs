// Peak extra RSS of importing a large .mlmodel archive, and the cost of get()'s sha256 check.
// usage: node bench/import-memory.mjs [sizeMB=300]   (needs `pnpm build` and /usr/bin/python3 with onnx)
// Prints one JSON document. The archive is made the real way: save in one process, export in it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(pkg, 'dist', 'index.js');
const sizeMb = Number(process.argv[2] ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'mlserve-import-memory-'));
const node = (code, ...args) => {
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', code, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout.trim().split('\n').at(-1));
};
try {
  const model = join(dir, 'large.onnx');
  execFileSync('/usr/bin/python3', [join(pkg, 'test', 'fixtures', 'make_large_model.py'), model, String(sizeMb)]);
  const exported = node(
    `import { ModelStore } from ${JSON.stringify(dist)};
     const [root, model, out] = process.argv.slice(1);
     const store = new ModelStore({ root });
     const ref = await store.save('large', { model });
     console.log(JSON.stringify({ archive: await store.exportModel(ref.tag, out) }));`,
    join(dir, 'source'),
    model,
    dir,
  );
  const measured = node(
    `import { ModelStore } from ${JSON.stringify(dist)};
     const [root, archive] = process.argv.slice(1);
     const store = new ModelStore({ root });
     await store.list();
     globalThis.gc?.();
     const baseline = process.memoryUsage().rss;
     let peak = baseline;
     const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
     const started = performance.now();
     const ref = await store.importModel(archive);
     const importMs = performance.now() - started;
     clearInterval(timer);
     const t0 = performance.now();
     await store.get(ref.tag);
     const getMs = performance.now() - t0;
     const t1 = performance.now();
     await store.get(ref.tag, { verify: false });
     const getUnverifiedMs = performance.now() - t1;
     console.log(JSON.stringify({ baselineMb: baseline / 2 ** 20, peakExtraMb: (peak - baseline) / 2 ** 20, maxRssMb: process.resourceUsage().maxRSS / 1024, importMs, getMs, getUnverifiedMs }));`,
    join(dir, 'target'),
    exported.archive,
  );
  const round = (v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v);
  console.log(JSON.stringify({ modelMb: statSync(model).size / 2 ** 20, archiveMb: statSync(exported.archive).size / 2 ** 20, ...measured }, (_k, v) => round(v), 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
