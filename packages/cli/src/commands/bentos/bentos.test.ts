import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { stringify } from 'yaml';
import { captureWriter, makeTempDir } from '../../../test/helpers';
import { deleteBento, exportBento, getBento, importBento, listBentos } from './index';

const kOnnxBytes = Buffer.from('not really onnx, but hashed like it');

/** A tar.gz written entry by entry, so a test can put in what `tar` itself would refuse to write. */
function rawArchive(file: string, entries: Array<{ path: string; type?: 'File' | 'SymbolicLink' | 'Directory'; body?: string; linkpath?: string; mode?: number }>): void {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const header = Buffer.alloc(512);
    new Header({ path: e.path, type: e.type ?? 'File', size: body.length, mode: e.mode ?? 0o644, mtime: new Date(0), linkpath: e.linkpath }).encode(header, 0);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  writeFileSync(file, gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)])));
}

function fakeBento(home: string, name: string, version: string, creationTime: string): string {
  const dir = path.join(home, 'bentos', name, version);
  mkdirSync(dir, { recursive: true });
  const manifest = {
    format: 'mlserve.bento/v1',
    name,
    version,
    service: 'src/service.mjs:svc',
    creationTime,
    mlserveVersion: '0.1.0',
    labels: {},
    models: [{ tag: 'tiny:abc', name: 'tiny', version: 'abc', digest: createHash('sha256').update(kOnnxBytes).digest('hex') }],
    apis: [{ name: 'predict', route: '/predict', method: 'POST' }],
    docker: { baseImage: 'node:20' },
  };
  writeFileSync(path.join(dir, 'bento.yaml'), stringify(manifest));
  mkdirSync(path.join(dir, 'models', 'tiny', 'abc'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'tiny', 'abc', 'model.onnx'), kOnnxBytes);
  writeFileSync(path.join(home, 'bentos', name, 'latest'), `${version}\n`);
  return dir;
}

describe('bentos commands', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
    fakeBento(tmp.dir, 'svc', 'aaa111', '2026-01-01T00:00:00.000Z');
    fakeBento(tmp.dir, 'svc', 'bbb222', '2026-01-02T00:00:00.000Z');
  });
  afterEach(() => tmp.cleanup());

  it('lists bentos newest first, as a table or JSON', async () => {
    const stdout = captureWriter();
    const list = await listBentos({ home: tmp.dir, stdout });
    expect(list.map((b) => b.tag)).toEqual(['svc:bbb222', 'svc:aaa111']);
    expect(stdout.text()).toMatch(/^Tag\s+Size\s+Created\nsvc:bbb222/);
    const json = captureWriter();
    await listBentos({ home: tmp.dir, stdout: json, json: true });
    expect(JSON.parse(json.text())).toHaveLength(2);
  });

  it('gets a bento by name, version or version prefix', async () => {
    const stdout = captureWriter();
    expect((await getBento({ home: tmp.dir, tag: 'svc', stdout })).version).toBe('bbb222');
    expect(stdout.text()).toContain('POST /predict');
    expect((await getBento({ home: tmp.dir, tag: 'svc:aaa', stdout })).version).toBe('aaa111');
    await expect(getBento({ home: tmp.dir, tag: 'nope', stdout })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_BENTO_NOT_FOUND' });
  });

  it('refuses to delete without a terminal or -y, and deletes with -y', async () => {
    const stdout = captureWriter();
    await expect(deleteBento({ home: tmp.dir, tag: 'svc:bbb222', stdout, interactive: false })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_CONFIRM_REQUIRED' });
    await expect(deleteBento({ home: tmp.dir, tag: 'svc:bbb222', stdout, interactive: true, confirm: async () => false })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_ABORTED' });
    await deleteBento({ home: tmp.dir, tag: 'svc:bbb222', stdout, yes: true });
    expect(existsSync(path.join(tmp.dir, 'bentos', 'svc', 'bbb222'))).toBe(false);
    expect((await getBento({ home: tmp.dir, tag: 'svc:latest', stdout })).version).toBe('aaa111');
  });
});

describe('bentos export and import', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  const home = (): string => path.join(tmp.dir, 'home');
  const other = (): string => path.join(tmp.dir, 'other');
  beforeEach(() => {
    tmp = makeTempDir();
    fakeBento(home(), 'svc', 'aaa111', '2026-01-01T00:00:00.000Z');
  });
  afterEach(() => tmp.cleanup());

  it('round-trips a bento through an archive into another home, without its node_modules', async () => {
    mkdirSync(path.join(home(), 'bentos', 'svc', 'aaa111', 'node_modules', 'x'), { recursive: true });
    const exported = await exportBento({ home: home(), tag: 'svc', out: tmp.dir, cwd: tmp.dir, stdout: captureWriter() });
    expect(exported).toMatchObject({ tag: 'svc:aaa111', file: path.join(tmp.dir, 'svc-aaa111.bento'), size: expect.any(Number) });
    const stdout = captureWriter();
    const imported = await importBento({ home: other(), file: 'svc-aaa111.bento', cwd: tmp.dir, stdout });
    expect(imported).toMatchObject({ tag: 'svc:aaa111', path: path.join(other(), 'bentos', 'svc', 'aaa111') });
    expect(stdout.text()).toContain('Imported bento svc:aaa111');
    expect(readFileSync(path.join(imported.path, 'models', 'tiny', 'abc', 'model.onnx'))).toEqual(kOnnxBytes);
    expect(readdirSync(imported.path).sort()).toEqual(['bento.yaml', 'models']);
    expect((await getBento({ home: other(), tag: 'svc:latest', stdout: captureWriter() })).version).toBe('aaa111');
    await expect(importBento({ home: other(), file: exported.file, stdout: captureWriter() })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_BENTO_EXISTS' });
  });

  it('refuses a bento whose model does not match the digest in bento.yaml', async () => {
    writeFileSync(path.join(home(), 'bentos', 'svc', 'aaa111', 'models', 'tiny', 'abc', 'model.onnx'), 'tampered');
    const { file } = await exportBento({ home: home(), tag: 'svc', out: tmp.dir, stdout: captureWriter() });
    await expect(importBento({ home: other(), file, stdout: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_INVALID_ARCHIVE',
      message: expect.stringContaining('model tiny:abc: model.onnx has sha256'),
    });
    expect(readdirSync(path.join(other(), 'bentos'))).toEqual([]);
  });

  it.each([
    ['an absolute path', [{ path: '/tmp/mlserve-evil.txt', body: 'x' }], 'has an absolute path'],
    ['a ".." path', [{ path: 'src/../../evil.txt', body: 'x' }], 'contains ".."'],
    ['a symbolic link', [{ path: 'bento.yaml', type: 'SymbolicLink' as const, linkpath: '/etc/passwd' }], 'is a symbolic link'],
    ['a setuid file', [{ path: 'run.sh', body: 'x', mode: 0o4755 }], 'setuid'],
  ])('refuses an archive holding %s and leaves nothing behind', async (_what, entries, reason) => {
    const file = path.join(tmp.dir, 'evil.bento');
    rawArchive(file, entries);
    await expect(importBento({ home: other(), file, stdout: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_INVALID_ARCHIVE',
      message: expect.stringContaining(reason),
    });
    expect(readdirSync(path.join(other(), 'bentos'))).toEqual([]);
    expect(existsSync('/tmp/mlserve-evil.txt') || existsSync(path.join(tmp.dir, 'evil.txt'))).toBe(false);
  });

  it('refuses an archive past the size limit, and one that is not a tar.gz', async () => {
    const { file } = await exportBento({ home: home(), tag: 'svc', out: tmp.dir, stdout: captureWriter() });
    await expect(importBento({ home: other(), file, limits: { maxBytes: 10 }, stdout: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_INVALID_ARCHIVE',
      message: expect.stringContaining('more than 10 bytes'),
    });
    const junk = path.join(tmp.dir, 'junk.bento');
    writeFileSync(junk, 'not an archive');
    await expect(importBento({ home: other(), file: junk, stdout: captureWriter() })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_INVALID_ARCHIVE' });
    await expect(importBento({ home: other(), file: path.join(tmp.dir, 'missing.bento'), stdout: captureWriter() })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_FILE_NOT_FOUND' });
    expect(readdirSync(path.join(other(), 'bentos'))).toEqual([]);
  });
});
