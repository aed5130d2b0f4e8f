import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { kServiceDir, kTinyModelDir, makeTempDir, postJson, runBin, spawnCli, stopCli, waitForUrl } from './helpers';

const run = promisify(execFile);

// The one end-to-end test of a bento: build, copy it alone elsewhere, install from the npm
// registry, serve it without any @mlserve package installed, and predict. Takes about a minute.
describe('a built bento', () => {
  it('installs with npm in an empty directory and serves the same API', async () => {
    const tmp = makeTempDir();
    const env = { MLSERVE_HOME: path.join(tmp.dir, 'home') };
    try {
      expect((await runBin(['models', 'import', kTinyModelDir], { env })).code).toBe(0);
      const built = await runBin(['build', '-f', path.join(kServiceDir, 'mlserve.yaml')], { env, timeoutMs: 60_000 });
      expect(built).toMatchObject({ code: 0, stderr: '' });
      const source = /Built bento (\S+) at (\S+)/.exec(built.stdout)![2]!;

      const manifest = parse(readFileSync(path.join(source, 'bento.yaml'), 'utf8'));
      expect(manifest).toMatchObject({
        name: 'tiny_service',
        service: 'src/service.mjs:svc',
        labels: { owner: 'cli-tests' },
        models: [{ name: 'tiny', digest: expect.stringMatching(/^[0-9a-f]{64}$/) }],
        apis: [{ name: 'predict', route: '/predict', method: 'POST' }],
      });
      const pkg = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8'));
      for (const [name, version] of Object.entries(pkg.dependencies as Record<string, string>)) {
        expect([name, version]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+/)]);
        expect(name.startsWith('@mlserve/')).toBe(false);
      }
      // Bundled into @mlserve/service's build (its package.json's mlserve.inlined), and imported by no
      // other package: not installed again. (ajv stays: @mlserve/pipeline imports it.)
      for (const inlined of ['express', 'pino', 'swagger-ui-express']) expect(pkg.dependencies).not.toHaveProperty([inlined]);
      expect(pkg.dependencies).toHaveProperty(['swagger-ui-dist']);
      const dockerfile = readFileSync(path.join(source, 'env', 'docker', 'Dockerfile'), 'utf8');
      for (const line of [
        'FROM node:24',
        'USER 1000:1000',
        'EXPOSE 3000',
        'HEALTHCHECK',
        '/readyz',
        'ONNXRUNTIME_NODE_INSTALL=skip',
        'SCARF_ANALYTICS=false',
        'npm ci --omit=dev',
        'serve . --host 0.0.0.0 --port ${PORT:-3000}',
      ]) {
        expect(dockerfile).toContain(line);
      }
      // The lockfile `build` wrote pins every transitive version; `npm ci` below installs exactly those.
      const lock = JSON.parse(readFileSync(path.join(source, 'package-lock.json'), 'utf8'));
      expect(lock.packages['node_modules/onnxruntime-node']).toMatchObject({ version: pkg.dependencies['onnxruntime-node'] });
      for (const file of [
        'src/worker.cjs',
        'src/NOTES.md',
        'apis/openapi.json',
        'env/docker/.dockerignore',
        'env/k8s/deployment.yaml',
        'env/k8s/service.yaml',
        'env/k8s/hpa.yaml',
        'README.md',
      ]) {
        expect([file, existsSync(path.join(source, file))]).toEqual([file, true]);
      }
      expect(readFileSync(path.join(source, 'env', 'k8s', 'deployment.yaml'), 'utf8')).toMatch(/readinessProbe:[\s\S]*livenessProbe:[\s\S]*resources:/);
      const listed = await runBin(['bentos', 'list', '--json'], { env });
      expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'tiny_service', path: source })]);

      // In place, by tag: the bento has no node_modules, so the CLI lends its own installation, in
      // its own process (imports, the bundle's require() and the runner's worker threads).
      const inPlace = spawnCli(['serve', 'tiny_service', '--port', '0'], { env });
      try {
        const url = await waitForUrl(inPlace);
        // The URL is printed once the model is loaded: ready at once, and it answers.
        expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready', runners: [expect.objectContaining({ ready: true })] });
        expect((await postJson(`${url}/predict`, { length: 5, width: 3, color: 'red' })).body).toMatchObject({ marker: 'v1' });
        expect((await fetch(`${url}/docs/swagger-ui.css`)).status).toBe(200);
        expect(childProcessesOf(inPlace.child.pid!)).toEqual([]);
      } finally {
        expect(await stopCli(inPlace)).toEqual({ code: 0, signal: null });
      }

      const target = path.join(tmp.dir, 'elsewhere');
      mkdirSync(target);
      cpSync(source, target, { recursive: true });
      await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: target,
        env: { ...process.env, NODE_OPTIONS: '', ONNXRUNTIME_NODE_INSTALL: 'skip' },
        timeout: 240_000,
      });
      expect(existsSync(path.join(target, 'node_modules', '@mlserve'))).toBe(false);

      // An empty home: every model must come from the bento itself.
      const proc = spawnCli(['serve', '.', '--port', '0'], { cwd: target, bin: path.join(target, 'bin', 'mlserve.mjs'), env: { MLSERVE_HOME: path.join(tmp.dir, 'empty') } });
      try {
        const url = await waitForUrl(proc, 60_000);
        const res = await postJson(`${url}/predict`, [
          { length: 5, width: 3, color: 'red' },
          { length: 7, width: null, color: 'blue' },
        ]);
        expect(res.status).toBe(200);
        expect(res.body).toEqual([expect.objectContaining({ marker: 'v1' }), expect.objectContaining({ marker: 'v1' })]);
        const docs = (await (await fetch(`${url}/docs.json`)).json()) as { paths: Record<string, unknown> };
        expect(Object.keys(docs.paths)).toEqual(Object.keys(JSON.parse(readFileSync(path.join(target, 'apis', 'openapi.json'), 'utf8')).paths));
      } finally {
        expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
      }
    } finally {
      tmp.cleanup();
    }
  }, 300_000);
});

/** The pids of the live processes whose parent is `pid` (from /proc). */
function childProcessesOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}
