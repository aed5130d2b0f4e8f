import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { kPackageDir, kTinyModelDir, kServiceDir, makeTempDir, postJson, runBin, spawnCli, stopCli, waitForUrl } from './helpers';

// Spawns the real binary: the layer that checks exit codes, stderr lines and the server's lifecycle.
describe('the mlserve binary', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    tmp = makeTempDir();
    env = { MLSERVE_HOME: tmp.dir };
    const imported = await runBin(['models', 'import', kTinyModelDir], { env });
    expect(imported).toMatchObject({ code: 0, stderr: '' });
  });
  afterAll(() => tmp.cleanup());

  it('prints its version and help', async () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(await runBin(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = await runBin(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['models', 'serve', 'build', 'bentos', 'containerize', 'predict']) expect(help.stdout).toContain(`mlserve ${command}`);
    expect((await runBin(['models', 'import', '--help'])).stdout).toContain('--classes');
  });

  it('lists models as JSON', async () => {
    const list = await runBin(['models', 'list', '--json'], { env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'tiny' })]);
  });

  it('fails on a bad tag with exit code 1 and one line on stderr, without a stack', async () => {
    const result = await runBin(['models', 'get', 'no_such_model'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^mlserve: error: .*no_such_model.* \[MLS_ERR_STORE_\w+\]\n$/);
  });

  it('exits 2 on usage errors', async () => {
    const result = await runBin(['models', 'frobnicate'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('mlserve --help');
  });

  it('refuses to delete without a terminal or -y', async () => {
    const result = await runBin(['models', 'delete', 'tiny'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pass -y');
  });

  it('serves a TypeScript service file, answers predictions, and stops gracefully on SIGTERM', async () => {
    const proc = spawnCli(['serve', `${path.join(kServiceDir, 'service.ts')}:svc`, '--port', '0'], { env });
    try {
      const url = await waitForUrl(proc);
      // The banner goes to stderr, so stdout holds nothing but the service's JSON log lines.
      expect(proc.stderr()).toContain(`Swagger UI:  ${url}/`);
      for (const line of proc.stdout().split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
      const res = await postJson(`${url}/predict`, [{ length: 5, width: 3, color: 'red' }]);
      expect(res).toEqual({ status: 200, body: [expect.objectContaining({ label: expect.any(String), marker: 'v1' })] });
      // For the next start: the model its warm workers may create a session of before the service asks.
      const hints = path.join(tmp.dir, 'cache', 'runner-hints');
      const [hint] = readdirSync(hints);
      expect(JSON.parse(readFileSync(path.join(hints, hint!), 'utf8'))).toEqual({
        modelPath: expect.stringMatching(new RegExp(`^${tmp.dir}/models/tiny/[^/]+/model\\.onnx$`)),
        sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 },
      });
    } finally {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
    }
  });

  it('serves with two API worker processes sharing one port', async () => {
    const proc = spawnCli(['serve', path.join(kServiceDir, 'service.ts'), '--port', '0', '--api-workers', '2', '--workers', '1'], { env });
    try {
      const url = await waitForUrl(proc, 60_000);
      expect(proc.stderr()).toContain('(2 API worker processes)');
      const results = await Promise.all([1, 2, 3, 4].map(() => postJson(`${url}/predict`, { length: 5, width: 3, color: 'red' })));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    } finally {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  it('answers one /metrics for all API worker processes, whichever of them a scrape lands on', async () => {
    const proc = spawnCli(['serve', path.join(kServiceDir, 'service.ts'), '--port', '0', '--api-workers', '2', '--workers', 'auto'], { env });
    try {
      const url = await waitForUrl(proc, 60_000);
      // A new connection for each request and scrape, so the cluster spreads them over both processes.
      const post = () =>
        fetch(`${url}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', connection: 'close' },
          body: JSON.stringify({ length: 5, width: 3, color: 'red' }),
        });
      const results = await Promise.all(Array.from({ length: 6 }, post));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const predicted = (text: string): number =>
        text
          .split('\n')
          .filter((line) => line.startsWith('mlserve_http_requests_total{') && line.includes('api="predict"'))
          .reduce((n, line) => n + Number(line.split(' ').pop()), 0);
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${url}/metrics`, { headers: { connection: 'close' } });
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(predicted(text)).toBe(6);
      }
    } finally {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  it('stops with a clear error when API workers keep dying as soon as they start', async () => {
    const trigger = path.join(tmp.dir, 'crash-now');
    const proc = spawnCli(['serve', path.join(kPackageDir, 'test', 'fixtures', 'crashy', 'service.ts'), '--port', '0', '--api-workers', '2'], {
      env: { ...env, CRASHY_TRIGGER: trigger },
    });
    try {
      await waitForUrl(proc, 60_000);
      writeFileSync(trigger, '');
      let timer: NodeJS.Timeout | undefined;
      const exited = await Promise.race([proc.exited, new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), 40_000)))]);
      clearTimeout(timer);
      expect(exited).toEqual({ code: 1, signal: null });
      expect(proc.stderr()).toMatch(/replacing it in 100 ms/);
      expect(proc.stderr()).toMatch(/mlserve: error: API workers keep crashing: 6 in a row died .*; stopped \[MLS_ERR_CLI_CRASH_LOOP\]\n$/);
    } finally {
      proc.child.kill('SIGKILL');
    }
  }, 60_000);

  it("serves a bento without node_modules by lending it the CLI's, logs at --log-level, and passes on the exit code of one that fails", async () => {
    const bento = (name: string, source: string, manifest = ''): string => {
      const dir = path.join(tmp.dir, name);
      mkdirSync(path.join(dir, 'src'), { recursive: true });
      writeFileSync(
        path.join(dir, 'bento.yaml'),
        `format: mlserve.bento/v1\nname: ${name}\nversion: v1\nservice: src/service.mjs:svc\ncreationTime: 2026-01-01T00:00:00.000Z\nmodels: []\napis: []\n${manifest}`,
      );
      writeFileSync(path.join(dir, 'src', 'service.mjs'), source);
      return dir;
    };
    const good = bento('lent_bento', "import { createService } from '@mlserve/service';\nexport const svc = createService('lent_service');\n");
    for (const level of ['info', 'silent']) {
      const proc = spawnCli(['serve', good, '--port', '0', '--log-level', level], { env });
      try {
        const url = await waitForUrl(proc);
        expect(proc.stderr()).toContain(`Serving lent_service at ${url}`);
      } finally {
        expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
      }
      // --log-level reaches the service in the child process that serves the bento.
      if (level === 'info') expect(proc.stdout()).toMatch(/^\{.*"level":30/);
      else expect(proc.stdout()).toBe('');
    }
    // A bento whose bundles require() every package (`esmImports: []`, what `mlserve build` makes
    // of the seeds) is lent the CLI's packages through createRequire alone, without loader hooks:
    // its ES import of a package then finds nothing.
    const required = bento(
      'required_bento',
      "import { createRequire } from 'node:module';\nconst { createService } = createRequire(import.meta.url)('@mlserve/service');\nexport const svc = createService('required_service');\n",
      'esmImports: []\n',
    );
    const proc = spawnCli(['serve', required, '--port', '0'], { env });
    try {
      const url = await waitForUrl(proc);
      expect(proc.stderr()).toContain(`Serving required_service at ${url}`);
    } finally {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
    }
    const unhooked = bento('unhooked_bento', "import { createService } from '@mlserve/service';\nexport const svc = createService('unhooked');\n", 'esmImports: []\n');
    const failed = await runBin(['serve', unhooked, '--port', '0'], { env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Cannot find package '@mlserve\/service'.*\[MLS_ERR_CLI_SERVICE_LOAD\]\n$/);
    const bad = bento('broken_bento', "throw new Error('broken on purpose');\n");
    const result = await runBin(['serve', bad, '--port', '0'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`mlserve: error: Loading ${path.join(bad, 'src', 'service.mjs')} failed: broken on purpose [MLS_ERR_CLI_SERVICE_LOAD]\n`);
  });

  it('says clearly that a port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runBin(['serve', path.join(kServiceDir, 'service.ts'), '--port', String(port)], { env });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`mlserve: error: Port ${port} on 127.0.0.1 is already in use; stop the other server or pick another port with --port [MLS_ERR_CLI_PORT_IN_USE]\n`);
    } finally {
      blocker.close();
    }
  });

  it('names the first syntax error of a service file, with its file, line and column', async () => {
    const file = path.join(tmp.dir, 'bad.ts');
    writeFileSync(file, "import { createService } from '@mlserve/service';\n\nexport const svc = createService('bad', {\n  apis: [ ,, ;\n});\n");
    const result = await runBin(['serve', file, '--port', '0'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`mlserve: error: Loading ${file} failed: ${file}:4:13: Unexpected ";" [MLS_ERR_CLI_SERVICE_LOAD]\n`);
  });

  it('names the export it could not find', async () => {
    const result = await runBin(['serve', `${path.join(kServiceDir, 'service.ts')}:nope`, '--port', '0'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no exported service named "nope".*use .*service\.ts:svc/);
  });
});
