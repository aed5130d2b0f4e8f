import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importInFreshProcess, leftovers, peakRssGrowth, reportFigure, tarHeader, writeLargeArchive, writeZeroBomb } from '../test/archives';
import { createTempStore, kClassifier, makeTarGz } from '../test/helpers';
import { ModelStore } from './model-store';

const kGiB = 1024 ** 3;

describe('hostile and damaged archives are refused, in bounded memory and time, leaving nothing behind', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  let good: Buffer;
  let manifest: Buffer;
  beforeAll(async () => {
    ({ store, root, cleanup } = await createTempStore());
    const source = await createTempStore();
    const ref = await source.store.save('iris', { model: kClassifier });
    good = await readFile(await source.store.exportModel(ref.tag, source.root));
    manifest = await readFile(join(ref.path, 'model.json'));
    await source.cleanup();
  });
  afterAll(() => cleanup());
  afterEach(async () => expect(await leftovers(root)).toEqual([]));

  const importBytes = async (bytes: Buffer, name = 'crafted.mlmodel') => {
    const file = join(root, `${name}`);
    await writeFile(file, bytes);
    return store.importModel(file);
  };

  it.each([0.25, 0.5, 0.9])('a truncated archive (%p of it) is refused with INVALID_ARCHIVE instead of never settling', async (fraction) => {
    await expect(importBytes(good.subarray(0, Math.floor(good.length * fraction)))).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_INVALID_ARCHIVE',
      message: expect.stringMatching(/not a complete tar\.gz|Truncated input/),
    });
  });

  it('a tar cut inside an entry, then gzipped whole, is refused as truncated', async () => {
    const tar = Buffer.concat([
      tarHeader('model.json', manifest.length),
      manifest,
      Buffer.alloc((512 - (manifest.length % 512)) % 512),
      tarHeader('model.onnx', 383),
      Buffer.alloc(100),
    ]);
    const { gzipSync } = await import('node:zlib');
    await expect(importBytes(gzipSync(tar))).rejects.toMatchObject({ code: 'MLS_ERR_STORE_INVALID_ARCHIVE', message: expect.stringContaining('Truncated input') });
  });

  it('a 2 GiB all-zero model.onnx after a genuine model.json is refused at its header, unread', async () => {
    const file = join(root, `bomb.mlmodel`);
    const prefix = Buffer.concat([tarHeader('model.json', manifest.length), manifest, Buffer.alloc((512 - (manifest.length % 512)) % 512), tarHeader('model.onnx', 2 * kGiB)]);
    await writeZeroBomb(file, prefix, 2 * kGiB);
    const started = Date.now();
    const { result, peakMb } = await peakRssGrowth(() => store.importModel(file));
    expect(result).toMatchObject({
      status: 'rejected',
      reason: { code: 'MLS_ERR_STORE_INVALID_ARCHIVE', message: expect.stringContaining(`declares ${2 * kGiB} bytes but model.json records 383`) },
    });
    await reportFigure('bomb after model.json: ms, peak extra RSS MB', `${Date.now() - started}, ${peakMb.toFixed(1)}`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(peakMb).toBeLessThan(100);
  });

  it('a 2 GiB all-zero entry with no model.json before it is refused at its header', async () => {
    const file = join(root, `bomb2.mlmodel`);
    await writeZeroBomb(file, tarHeader('model.onnx', 2 * kGiB), 2 * kGiB);
    await expect(store.importModel(file)).rejects.toMatchObject({ code: 'MLS_ERR_STORE_INVALID_ARCHIVE', message: expect.stringContaining('model.json, which must come first') });
  });

  it('2 GiB of zeros after a complete archive stop being inflated past what model.json records', async () => {
    const file = join(root, `bomb3.mlmodel`);
    const { gunzipSync } = await import('node:zlib');
    await writeZeroBomb(file, gunzipSync(good), 2 * kGiB);
    const started = Date.now();
    const { result, peakMb } = await peakRssGrowth(() => store.importModel(file));
    expect(result).toMatchObject({ status: 'rejected', reason: { code: 'MLS_ERR_STORE_INVALID_ARCHIVE', message: expect.stringContaining('inflates to more than') } });
    await reportFigure('trailing zeros bomb: ms, peak extra RSS MB', `${Date.now() - started}, ${peakMb.toFixed(1)}`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(peakMb).toBeLessThan(100);
  });

  it('declared sizes above options.maxModelSize are refused with TOO_LARGE (413) before any byte is read', async () => {
    const small = new ModelStore({ root, maxModelSize: 1024 });
    const file = join(root, `large.mlmodel`);
    await writeFile(file, good);
    await expect(small.importModel(file)).rejects.toMatchObject({ code: 'MLS_ERR_STORE_TOO_LARGE', statusCode: 413, message: expect.stringContaining('options.maxModelSize') });
    await expect(small.save('iris', { model: Buffer.alloc(2048, 8) })).rejects.toMatchObject({ code: 'MLS_ERR_STORE_TOO_LARGE' });
  });

  it.each([
    ['a ".." path', [{ name: '../../escaped', data: 'pwned' }], /contains "\.\."/],
    ['a symbolic link', [{ name: 'model.onnx', type: 'symlink' as const, linkname: '/etc/passwd' }], /is a symbolic link/],
  ])('%s is refused', async (_what, entries, message) => {
    await expect(importBytes(makeTarGz([{ name: 'model.json', data: manifest }, ...entries]))).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_INVALID_ARCHIVE',
      message: expect.stringMatching(message),
    });
    await expect(stat(join(root, 'escaped'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is recognised by its content: an archive named model.bin imports', async () => {
    const ref = await importBytes(good, 'model.bin');
    expect(ref.tag).toMatch(/^iris:/);
    await store.delete(ref.tag);
  });
});

describe('a large, highly compressible model', () => {
  const kSize = 300 * 1024 * 1024;
  let root: string;
  let cleanup: () => Promise<void>;
  let archive: string;
  beforeAll(async () => {
    ({ root, cleanup } = await createTempStore());
    await mkdir(join(root, 'src'));
    archive = join(root, 'large.mlmodel');
    await writeLargeArchive(join(root, 'src'), archive, kSize);
  }, 60_000);
  afterAll(() => cleanup());

  it('imports 300 MB streamed, within 100 MB of extra RSS, in a fresh process', async () => {
    const measured = await importInFreshProcess(join(root, 'store'), archive);
    await reportFigure(
      '300 MB import: ms, baseline RSS MB, peak extra RSS MB, max RSS MB, archive bytes',
      `${measured.ms}, ${measured.baselineMb}, ${measured.peakExtraMb}, ${measured.maxRssMb}, ${(await stat(archive)).size}`,
    );
    expect(measured).toMatchObject({ tag: 'large:01m80pqsqpeawq2f' });
    // the kernel's max RSS also sees native peaks that sampling from JavaScript can miss
    expect(measured.maxRssMb - measured.baselineMb).toBeLessThan(100);
    expect(measured.peakExtraMb).toBeLessThan(100);
    expect((await stat(join(root, 'store', 'models', 'large', '01m80pqsqpeawq2f', 'model.onnx'))).size).toBe(kSize);
    expect(await readdir(join(root, 'store', '.staging'))).toEqual([]);
  }, 120_000);

  it('killed with SIGKILL mid-import leaves nothing that the next open of the store does not remove', async () => {
    const storeRoot = join(root, 'killed');
    const script = `const { ModelStore } = require(${JSON.stringify(join(__dirname, '..', 'dist', 'index.cjs'))});
      new ModelStore({ root: process.argv[1] }).importModel(process.argv[2]).then(() => console.log('done'));`;
    const child = spawn(process.execPath, ['-e', script, storeRoot, archive], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // wait until the import is writing model.onnx into its staging directory
    const deadline = Date.now() + 30_000;
    let staged = 0;
    while (staged < 20 * 1024 * 1024 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (const dir of await readdir(join(storeRoot, '.staging')).catch(() => [])) {
        staged = Math.max(
          staged,
          await stat(join(storeRoot, '.staging', dir, 'model.onnx')).then(
            (s) => s.size,
            () => 0,
          ),
        );
      }
    }
    child.kill('SIGKILL');
    await exited;
    expect(staged).toBeGreaterThan(0);
    await reportFigure('killed import: bytes staged when killed', staged);
    expect((await readdir(join(storeRoot, '.staging'))).length).toBe(1);

    const reopened = new ModelStore({ root: storeRoot });
    expect(await reopened.list()).toEqual([]);
    expect(await leftovers(storeRoot)).toEqual([]);
  }, 60_000);
});
