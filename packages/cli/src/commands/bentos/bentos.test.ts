import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { captureWriter, makeTempDir } from '../../../test/helpers';
import { deleteBento, getBento, listBentos } from './index';

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
    models: [{ tag: 'tiny:abc', name: 'tiny', version: 'abc', digest: 'f'.repeat(64) }],
    apis: [{ name: 'predict', route: '/predict', method: 'POST' }],
    docker: { baseImage: 'node:20' },
  };
  writeFileSync(path.join(dir, 'bento.yaml'), stringify(manifest));
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
