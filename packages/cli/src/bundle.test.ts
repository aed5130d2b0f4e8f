import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleEntry, isRequirable, type ExternalDeps } from './bundle';

/** Writes a package into `<root>/node_modules/<name>`. */
function writePackage(root: string, name: string, pkg: object, files: Record<string, string>): void {
  const dir = path.join(root, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.2.3', ...pkg }));
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
}

describe('bundleEntry', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'mlserve-bundle-'));
    writePackage(root, 'cjs-pkg', { main: 'index.js' }, { 'index.js': "exports.hello = () => 'cjs';\nmodule.exports.default = 'not the default';\n" });
    writePackage(
      root,
      'dual-pkg',
      { exports: { import: './index.mjs', require: './index.cjs' } },
      { 'index.mjs': "export const which = 'esm';\n", 'index.cjs': "exports.which = 'cjs';\n" },
    );
    writePackage(root, 'esm-pkg', { type: 'module', exports: { import: './index.js' } }, { 'index.js': "export const hello = () => 'esm';\n" });
    writePackage(root, 'esm-main-pkg', { type: 'module', main: 'index.js' }, { 'index.js': 'export default 1;\n' });
    writeFileSync(
      path.join(root, 'entry.mjs'),
      [
        "import cjs, { hello } from 'cjs-pkg';",
        "import { which } from 'dual-pkg';",
        "import { hello as esmHello } from 'esm-pkg';",
        'export const both = () => [hello(), typeof cjs.hello, which, esmHello()].join(" ");',
        "export const lazy = () => import('cjs-pkg').then((m) => m.hello());",
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("requires what require() can load, keeps ES imports of ES-only packages, and records every package's version", async () => {
    const deps: ExternalDeps = new Map();
    const esmImports = new Set<string>();
    const outfile = path.join(root, 'out', 'bundle.mjs');
    await bundleEntry({ entry: path.join(root, 'entry.mjs'), outfile, format: 'esm', deps, warnings: [], esmImports });
    expect([...esmImports]).toEqual(['esm-pkg']);
    expect(Object.fromEntries(deps)).toEqual({ 'cjs-pkg': '1.2.3', 'dual-pkg': '1.2.3', 'esm-pkg': '1.2.3' });
    const text = readFileSync(outfile, 'utf8');
    expect(text).toContain('__require("cjs-pkg")');
    expect(text).toMatch(/from\s*"esm-pkg"/);
    expect(text).not.toMatch(/from\s*"(cjs|dual)-pkg"/);
    // Node's own semantics: the default import of a CommonJS module is its module.exports.
    const run = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(outfile)}).then(async (m) => console.log(m.both(), await m.lazy()))`], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('cjs function cjs esm cjs\n');
  });

  it('tells CommonJS files from ES modules that require() would resolve too', () => {
    expect(isRequirable('cjs-pkg', root)).toBe(true);
    expect(isRequirable('dual-pkg', root)).toBe(true);
    expect(isRequirable('esm-pkg', root)).toBe(false);
    expect(isRequirable('esm-main-pkg', root)).toBe(false);
    expect(isRequirable('not-installed', root)).toBe(false);
  });

  it('leaves a CommonJS bundle as it was: no ES imports to count', async () => {
    const esmImports = new Set<string>();
    await bundleEntry({ entry: path.join(root, 'entry.mjs'), outfile: path.join(root, 'out', 'bundle.cjs'), format: 'cjs', deps: new Map(), warnings: [], esmImports });
    expect(esmImports.size).toBe(0);
  });
});
