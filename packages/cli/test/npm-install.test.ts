import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { kPackageDir, kServiceDir, kTinyModelDir, makeTempDir, postJson, runBin, spawnCli, stopCli, waitForUrl } from './helpers';

const run = promisify(execFile);
const kPackages = ['errors', 'core', 'pipeline', 'model-store', 'runner', 'service', 'cli'];

// The CLI as a user installs it with npm (a flat node_modules, nothing like pnpm's layout) serves a
// bento from the store in place: the bento has no node_modules, so the CLI lends it its own.
describe('the CLI installed by npm', () => {
  it('serves a stored bento by its tag, lending the bento its flat node_modules', async () => {
    const tmp = makeTempDir();
    const env = { MLSERVE_HOME: path.join(tmp.dir, 'home') };
    const project = path.join(tmp.dir, 'project');
    const tarballs = path.join(project, 'tarballs');
    try {
      mkdirSync(tarballs, { recursive: true });
      // pnpm pack turns workspace:* into the real versions, as a publish would.
      for (const name of kPackages) await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: path.join(kPackageDir, '..', name), timeout: 60_000 });
      const files = Object.fromEntries(readdirSync(tarballs).map((f) => [`@mlserve/${f.replace(/^mlserve-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')}`, `file:./tarballs/${f}`]));
      // The other @mlserve packages are not on the registry: every copy of them comes from the tarballs.
      writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'npm-project', private: true, dependencies: { '@mlserve/cli': files['@mlserve/cli'] }, overrides: files }));
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: project, env: { ...process.env, NODE_OPTIONS: '', ONNXRUNTIME_NODE_INSTALL: 'skip' }, timeout: 240_000 });
      expect(existsSync(path.join(project, 'node_modules', 'swagger-ui-dist'))).toBe(true);
      expect(existsSync(path.join(project, 'node_modules', '@mlserve', 'cli', 'node_modules'))).toBe(false);

      expect((await runBin(['models', 'import', kTinyModelDir], { env })).code).toBe(0);
      const build = (flag: string) => runBin(['build', '-f', path.join(kServiceDir, 'mlserve.yaml'), '--no-lock', flag], { env, timeoutMs: 60_000 });
      expect(await build('--quiet')).toEqual({ code: 0, stdout: '', stderr: '' });
      const json = await build('--json');
      expect(json.code).toBe(0);
      // One JSON document on stdout, nothing else.
      expect(JSON.parse(json.stdout)).toMatchObject({ tag: expect.stringMatching(/^tiny_service:/), path: expect.any(String), warnings: [] });
      const bin = path.join(project, 'node_modules', '@mlserve', 'cli', 'bin', 'mlserve.js');
      const proc = spawnCli(['serve', 'tiny_service', '--port', '0'], { cwd: project, bin, env });
      try {
        const url = await waitForUrl(proc, 60_000);
        expect((await postJson(`${url}/predict`, { length: 5, width: 3, color: 'red' })).body).toMatchObject({ marker: 'v1' });
        // Swagger UI's files come from swagger-ui-dist, found in the flat node_modules.
        const stylesheet = /href="([^"]+\.css)"/.exec(await (await fetch(`${url}/`)).text())?.[1];
        expect((await fetch(new URL(stylesheet ?? 'missing.css', `${url}/`))).status).toBe(200);
      } finally {
        expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
      }
    } finally {
      tmp.cleanup();
    }
  }, 300_000);
});
