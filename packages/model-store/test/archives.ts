import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { create } from 'tar';

/** A 512-byte ustar header for a regular file of `size` bytes (sizes past 8 GiB are not needed here). */
export function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  const octal = (offset: number, length: number, value: number) => header.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 0);
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return header;
}

/**
 * Writes a gzip bomb: `prefix` (uncompressed tar bytes) then `zeroBytes` zeros, as concatenated gzip
 * members (one 64 MiB member of zeros repeated), so a 2 GiB bomb costs a few MB and a fraction of a second.
 */
export async function writeZeroBomb(file: string, prefix: Buffer, zeroBytes: number): Promise<void> {
  const member = 64 * 1024 * 1024;
  const zeros = gzipSync(Buffer.alloc(member), { level: 9 });
  const out = createWriteStream(file);
  out.write(gzipSync(prefix));
  for (let left = zeroBytes; left > 0; left -= member) out.write(left >= member ? zeros : gzipSync(Buffer.alloc(left)));
  out.end();
  await finished(out);
}

/**
 * Writes an archive the way `exportModel` does (model.json first) for a model.onnx of `size`
 * bytes that compresses well, without loading it in onnxruntime: for tests of size and memory.
 */
export async function writeLargeArchive(dir: string, file: string, size: number, version = '01m80pqsqpeawq2f'): Promise<void> {
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i += 4096) chunk[i] = 1;
  const hash = createHash('sha256');
  const handle = await open(join(dir, 'model.onnx'), 'w');
  for (let left = size; left > 0; left -= chunk.length) {
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
    hash.update(part);
    await handle.write(part);
  }
  await handle.close();
  const manifest = {
    format: 'mlserve.model/v1',
    name: 'large',
    version,
    createdAt: new Date().toISOString(),
    mlserveVersion: '0.1.0',
    onnxruntimeVersion: '1.30.0',
    files: { 'model.onnx': { size, sha256: hash.digest('hex') } },
    signature: { inputs: [{ name: 'input', type: 'float32', shape: ['N', 4] }], outputs: [{ name: 'probabilities', type: 'float32', shape: ['N', 3] }] },
    labels: {},
    metadata: {},
    metrics: {},
  };
  await writeFile(join(dir, 'model.json'), JSON.stringify(manifest));
  await create({ gzip: true, file, cwd: dir, portable: true }, ['model.json', 'model.onnx']);
}

/** Peak RSS growth while `task` runs, sampled every 5 ms. */
export async function peakRssGrowth<T>(task: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; peakMb: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const [result] = await Promise.allSettled([task()]);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { result: result!, peakMb: (peak - baseline) / 2 ** 20 };
}

/** Every file and directory left under a store's models/, .staging/ and .locks/. */
export async function leftovers(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ['models', '.staging', '.locks']) for (const entry of await readdir(join(root, dir)).catch(() => [])) found.push(`${dir}/${entry}`);
  return found;
}

/** Appends `name: value` to $MLSERVE_FIGURES_FILE when set, so RELIABILITY-store.md can quote a run's figures. */
export async function reportFigure(name: string, value: number | string): Promise<void> {
  const file = process.env.MLSERVE_FIGURES_FILE;
  if (file) await writeFile(file, `${name}: ${typeof value === 'number' ? Math.round(value * 10) / 10 : value}\n`, { flag: 'a' });
}

/**
 * Imports `archive` into a store at `root` in a fresh Node process (so nothing this test process
 * allocated before hides in the baseline) and reports its RSS: after loading the store, the peak
 * during the import (sampled every 5 ms), and the kernel's max RSS of the whole process.
 */
export async function importInFreshProcess(
  root: string,
  archive: string,
): Promise<{ tag?: string; error?: string; baselineMb: number; peakExtraMb: number; maxRssMb: number; ms: number }> {
  const { execFile } = await import('node:child_process');
  const dist = join(__dirname, '..', 'dist', 'index.cjs');
  const script = `const { ModelStore } = require(${JSON.stringify(dist)});
    (async () => {
      const store = new ModelStore({ root: process.argv[1] });
      await store.list();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
      const started = Date.now();
      const outcome = await store.importModel(process.argv[2]).then((r) => ({ tag: r.tag }), (e) => ({ error: e.code + ' ' + e.message }));
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      const mb = (n) => Math.round((n / 2 ** 20) * 10) / 10;
      console.log(JSON.stringify({ ...outcome, ms: Date.now() - started, baselineMb: mb(baseline), peakExtraMb: mb(peak - baseline), maxRssMb: mb(process.resourceUsage().maxRSS * 1024) }));
    })();`;
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['-e', script, root, archive], { timeout: 120_000 }, (err, out) => (err ? reject(err) : resolve(out))),
  );
  return JSON.parse(stdout.trim());
}
