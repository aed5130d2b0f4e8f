import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packedTarballs } from './pack';
import { consumerEnv, run, startServer, timed } from './processes';
import { install, type PackageManager, useTarballs } from './project';
import { blockStartingWith, curlBodies, installedPackages } from './readme-code';
import { kRoot } from './workspace';

const kServiceReadme = path.join(kRoot, 'packages', 'service', 'README.md');
const kTitanicArtifacts = path.join(kRoot, 'apps', 'titanic-api', 'artifacts');
const kSwaggerUi = /Swagger UI at (http:\/\/\S+)/;
const kServing = /Serving \S+ at (http:\/\/\S+)/;

async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json() };
}

/** The README's curl, against the server's real port, through the real curl. */
async function curlPredict(url: string, body: unknown, cwd: string): Promise<any> {
  const { stdout } = await run('curl', ['-s', `${url}/predict`, '-H', 'content-type: application/json', '-d', JSON.stringify(body)], { cwd, timeoutMs: 15_000 });
  return JSON.parse(stdout);
}

/** Every request Swagger UI's "Try it out" would send: the OpenAPI examples of each API. */
async function tryItOut(url: string): Promise<Array<{ path: string; status: number }>> {
  const doc = (await (await fetch(`${url}/docs.json`)).json()) as { paths: Record<string, { post?: { requestBody?: { content?: Record<string, { example?: unknown }> } } }> };
  const results: Array<{ path: string; status: number }> = [];
  for (const [route, item] of Object.entries(doc.paths)) {
    const example = item.post?.requestBody?.content?.['application/json']?.example;
    if (example !== undefined) results.push({ path: route, status: (await postJson(`${url}${route}`, example)).status });
  }
  return results;
}

function addDevDependencies(dir: string, deps: Record<string, string>): void {
  const file = path.join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { devDependencies?: Record<string, string> };
  pkg.devDependencies = { ...pkg.devDependencies, ...deps };
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

const kTsConsumerCts = `// A CommonJS TypeScript consumer: resolves the "require" condition and its .d.cts types.
import { ModelStore } from '@mlserve/model-store';
import { createRunner, type Prediction } from '@mlserve/runner';
import { createService, json, records, type Service } from '@mlserve/service';

export async function createTitanicService(): Promise<Service> {
  const model = await new ModelStore().get('titanic_model:latest');
  const runner = createRunner(model, { maxBatchSize: 64 });
  const svc = createService('titanic_service', { runners: [runner] });
  svc.api('predict', { input: records(model.pipeline), output: json() }, async (rows) => {
    const out: Prediction[] = await runner.predict(rows);
    return out.map((p) => ({ survived: p.label, probability: p.probabilities[1] ?? 0 }));
  });
  svc.app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  return svc;
}
`;

const kTsConfigs: Record<string, object> = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'preserve', moduleResolution: 'bundler' },
};

describe.each<PackageManager>(['npm', 'pnpm'])('the packages installed from their tarballs with %s', (pm) => {
  const timings = new Map<string, number>();
  let tmp: string;
  let project: string;
  let packs: Map<string, string>;
  let env: NodeJS.ProcessEnv;
  const mlserve = (): string => path.join(project, 'node_modules', '.bin', 'mlserve');
  const bento = (): string => path.join(tmp, 'bento');

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), `mlserve-consumer-${pm}-`));
    env = consumerEnv({ MLSERVE_HOME: path.join(tmp, 'home'), MLSERVE_LOG_LEVEL: 'warn' });
    const packed = await packedTarballs(path.join(tmp, 'packs'));
    packs = packed.packs;
    timings.set('pack (once per run)', packed.ms);
    project = path.join(tmp, 'project');
    mkdirSync(project);
    // A fresh `npm init -y` project: CommonJS by default. It gets exactly the packages the README installs.
    await run('npm', ['init', '-y'], { cwd: project, env });
    useTarballs(project, pm, packs, installedPackages(kServiceReadme));
    // What the README tells TypeScript users to add.
    addDevDependencies(project, { typescript: '~5.9.3', '@types/node': '^20.19.0' });
    await timed(timings, `${pm} install`, () => install(project, pm));
    await run(mlserve(), ['models', 'import', kTitanicArtifacts, '--name', 'titanic_model'], { cwd: project, env });
  }, 600_000);
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
    process.stdout.write(`consumer timings with ${pm} (ms): ${JSON.stringify(Object.fromEntries(timings))}\n`);
  });

  it.each([
    ['ESM', 'service.mjs', '// service.mjs'],
    ['CommonJS', 'service.cjs', '// service.cjs'],
    ['CommonJS under the default "type"', 'service.js', '// service.cjs'],
  ])("serves the service README's %s example verbatim (%s) and answers its curl and Swagger UI's examples", async (_kind, file, firstLine) => {
    await timed(timings, `serve ${file}`, async () => {
      writeFileSync(path.join(project, file), blockStartingWith(kServiceReadme, firstLine));
      const server = await startServer(process.execPath, [file], { cwd: project, env: { ...env, PORT: '0' }, pattern: kSwaggerUi });
      try {
        const [valid, invalid] = curlBodies(kServiceReadme);
        const answer = await curlPredict(server.url, valid, project);
        expect(answer).toEqual({ survived: expect.any(Number), probability: expect.any(Number) });
        expect(await curlPredict(server.url, invalid, project)).toMatchObject({ statusCode: 400, code: 'MLS_ERR_IO_VALIDATION' });
        expect(await tryItOut(server.url)).toEqual([{ path: '/predict', status: 200 }]);
      } finally {
        await server.stop();
      }
    });
  });

  it.each(Object.keys(kTsConfigs))('type-checks a TypeScript consumer under moduleResolution %s with only the documented dependencies', async (resolution) => {
    await timed(timings, `tsc ${resolution}`, async () => {
      const dir = path.join(project, `ts-${resolution}`);
      mkdirSync(dir, { recursive: true });
      // The README's ESM example is TypeScript too; the .cts file is a CommonJS consumer.
      writeFileSync(path.join(dir, 'consumer.mts'), blockStartingWith(kServiceReadme, '// service.mjs'));
      writeFileSync(path.join(dir, 'consumer.cts'), kTsConsumerCts);
      const compilerOptions = { target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], ...kTsConfigs[resolution] };
      writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.mts', 'consumer.cts'] }, null, 2));
      await run(path.join(project, 'node_modules', '.bin', 'tsc'), ['-p', path.join(dir, 'tsconfig.json')], { cwd: project, env });
    });
  });

  it('serves a stored model by its tag', async () => {
    await timed(timings, 'serve model tag', async () => {
      const server = await startServer(mlserve(), ['serve', 'titanic_model:latest', '--port', '0'], { cwd: project, env, pattern: kServing });
      try {
        const res = await postJson(`${server.url}/predict`, curlBodies(kServiceReadme)[0]);
        expect(res).toEqual({ status: 200, body: { label: expect.any(Number), index: expect.any(Number), probabilities: [expect.any(Number), expect.any(Number)] } });
        expect(await tryItOut(server.url)).toEqual([{ path: '/predict', status: 200 }]);
      } finally {
        await server.stop();
      }
    });
  });

  it('builds a bento from the model tag that serves once installed with npm', async () => {
    await timed(timings, 'build + npm install + serve bento', async () => {
      await run(mlserve(), ['build', 'titanic_model:latest', '--output', bento(), '--no-lock'], { cwd: project, env, timeoutMs: 120_000 });
      const installed = path.join(tmp, 'bento-installed');
      cpSync(bento(), installed, { recursive: true });
      await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: installed, env, timeoutMs: 300_000 });
      const server = await startServer(process.execPath, [path.join(installed, 'bin', 'mlserve.mjs'), 'serve', '.', '--port', '0'], {
        cwd: installed,
        env: { ...env, MLSERVE_HOME: path.join(tmp, 'empty-home') },
        pattern: kServing,
      });
      try {
        expect((await postJson(`${server.url}/predict`, curlBodies(kServiceReadme)[0])).status).toBe(200);
      } finally {
        await server.stop();
      }
    });
  });

  // Serving a bento in place lends it the CLI's own dependencies, wherever the package manager put
  // them: beside the CLI (npm hoists them) or inside its own node_modules (pnpm).
  it('serves that bento in place, with the dependencies of the installed CLI', async () => {
    await timed(timings, 'serve bento in place', async () => {
      const server = await startServer(mlserve(), ['serve', bento(), '--port', '0'], { cwd: project, env, pattern: kServing });
      try {
        expect((await postJson(`${server.url}/predict`, curlBodies(kServiceReadme)[0])).status).toBe(200);
      } finally {
        await server.stop();
      }
    });
  });

  it('scaffolds a project with mlserve init that installs and passes its own test', async () => {
    await timed(timings, 'init + install + test', async () => {
      const app = path.join(tmp, 'my-app');
      await run(mlserve(), ['init', app], { cwd: tmp, env });
      const pkg = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string> };
      expect(pkg.type).toBe('module');
      useTarballs(app, pm, packs, Object.keys(pkg.dependencies));
      await install(app, pm);
      const { stdout } = await run(pm, ['test'], { cwd: app, env, timeoutMs: 120_000 });
      expect(stdout).toMatch(/# pass 2\b/);
      expect(stdout).toMatch(/# fail 0\b/);
    });
  });
});
