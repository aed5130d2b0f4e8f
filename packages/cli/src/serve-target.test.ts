import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { makeTempDir } from '../test/helpers';
import { matchFiles } from './glob';
import { resolveServeTarget, splitModuleSpec } from './serve-target';

describe('what `mlserve serve <target>` means', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    tmp = makeTempDir();
    mkdirSync(path.join(tmp.dir, 'app', 'src'), { recursive: true });
    writeFileSync(path.join(tmp.dir, 'app', 'src', 'service.ts'), '');
    writeFileSync(path.join(tmp.dir, 'app', 'mlserve.yaml'), 'service: src/service.ts:api\n');
    const bento = path.join(tmp.dir, 'home', 'bentos', 'svc', 'v1');
    mkdirSync(bento, { recursive: true });
    writeFileSync(path.join(bento, 'bento.yaml'), stringify({ name: 'svc', version: 'v1', service: 'src/service.mjs:svc', creationTime: '2026-01-01T00:00:00Z' }));
  });
  afterAll(() => tmp.cleanup());
  const home = () => path.join(tmp.dir, 'home');

  it('splits file and export, defaulting to svc', () => {
    expect(splitModuleSpec('src/service.ts:api')).toEqual({ file: 'src/service.ts', exportName: 'api' });
    expect(splitModuleSpec('src/service.ts')).toEqual({ file: 'src/service.ts', exportName: 'svc' });
  });

  it('resolves a service file, with or without an export', async () => {
    await expect(resolveServeTarget('src/service.ts:api', path.join(tmp.dir, 'app'), home())).resolves.toMatchObject({
      kind: 'file',
      file: path.join(tmp.dir, 'app', 'src', 'service.ts'),
      exportName: 'api',
      watchDir: path.join(tmp.dir, 'app', 'src'),
    });
  });

  it('resolves a project directory through its mlserve.yaml', async () => {
    await expect(resolveServeTarget('app', tmp.dir, home())).resolves.toMatchObject({ kind: 'file', exportName: 'api', watchDir: path.join(tmp.dir, 'app') });
  });

  it('resolves a bento tag and a bento directory', async () => {
    const bentoDir = path.join(home(), 'bentos', 'svc', 'v1');
    const expected = { kind: 'bento', file: path.join(bentoDir, 'src', 'service.mjs'), exportName: 'svc', bentoDir };
    await expect(resolveServeTarget('svc:latest', tmp.dir, home())).resolves.toMatchObject(expected);
    await expect(resolveServeTarget(bentoDir, tmp.dir, home())).resolves.toMatchObject(expected);
  });

  it('says when there is nothing to serve', async () => {
    await expect(resolveServeTarget('missing.ts', tmp.dir, home())).rejects.toMatchObject({ code: 'MLS_ERR_CLI_FILE_NOT_FOUND' });
    await expect(resolveServeTarget('ghost:v9', tmp.dir, home())).rejects.toMatchObject({ code: 'MLS_ERR_CLI_SERVE_TARGET' });
  });
});

describe('include globs', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  const files = ['a.md', 'top.md', 'docs/b.md', 'node_modules/x/c.md', 'docs/skip.md', 'data/a.json', 'data/x/a.json', 'a/b/c.txt', 'src/c1.ts', 'src/c2.ts', 'src/c3.ts'];
  beforeEach(() => {
    tmp = makeTempDir();
    for (const f of files) {
      mkdirSync(path.dirname(path.join(tmp.dir, f)), { recursive: true });
      writeFileSync(path.join(tmp.dir, f), '');
    }
  });
  afterEach(() => tmp.cleanup());

  it('match *, ** and {a,b}', async () => {
    await expect(matchFiles(tmp.dir, ['data/*.json'], [])).resolves.toEqual(['data/a.json']);
    await expect(matchFiles(tmp.dir, ['**/*.{md,txt}'], ['docs'])).resolves.toEqual(['a.md', 'a/b/c.txt', 'top.md']);
  });

  it('match character classes, and take an unclosed brace literally instead of looping', async () => {
    await expect(matchFiles(tmp.dir, ['src/c[12].ts'], [])).resolves.toEqual(['src/c1.ts', 'src/c2.ts']);
    await expect(matchFiles(tmp.dir, ['src/{a,b'], [])).resolves.toEqual([]);
  });

  it('walk a directory, skipping node_modules and excluded files', async () => {
    await expect(matchFiles(tmp.dir, ['**/*.md'], ['docs/skip.md'])).resolves.toEqual(['a.md', 'docs/b.md', 'top.md']);
  });
});
