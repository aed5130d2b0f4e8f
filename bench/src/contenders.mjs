// Who runs in the benchmark and how each one is started. Every contender is a process the harness
// spawns on 127.0.0.1 port 0 and reads its URL from; mlserve is started exactly as users start it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess } from './proc.mjs';

/**
 * The contenders of a run. `paths` holds repo, artifacts dirs, datasets. Each contender:
 * { id, label, app: 'titanic'|'breast'|'any', missing(): string|null, prepare?(), start(), reference? }.
 */
export function defineContenders(paths) {
  const contenderFile = (f) => join(paths.repo, 'bench', 'contenders', f);
  const node = process.execPath;

  // `repo` is another built checkout for `mlserve-base` (--baseline): the same app, served by an
  // earlier commit, so a change is measured side by side with what it replaces.
  // `variant.serveArgs` start it another way (`--workers 2`, `--api-workers 2`); `variant.bento`
  // serves the bento `mlserve build` made of the app, for its cold start only.
  const mlserve = (id, app, appDir, artifacts, repo = paths.repo, variant = {}) => {
    const cliBin = join(repo, 'packages', 'cli', 'bin', 'mlserve.js');
    let home = null;
    let bentoDir = null;
    const kLabels = { mlserve: 'mlserve', 'mlserve-base': 'mlserve (baseline)' };
    return {
      id,
      label: variant.label ?? kLabels[id] ?? `mlserve (${app})`,
      app,
      coldStartOnly: variant.bento === true,
      optIn: variant.optIn === true,
      workloads: variant.workloads,
      missing() {
        if (!existsSync(join(appDir, 'src', 'service.ts'))) return `${appDir}/src/service.ts does not exist yet`;
        if (!existsSync(join(repo, 'packages', 'cli', 'dist'))) return `${repo}/packages/cli is not built (pnpm build)`;
        if (!existsSync(join(artifacts, 'model.onnx'))) return `${artifacts}/model.onnx does not exist (run the app's train.py)`;
        return null;
      },
      // A fresh model store, filled by the app's own save script (what `pnpm start` runs first),
      // so the run never touches ~/.mlserve and the cold start is the server's alone.
      prepare() {
        if (home) return;
        home = mkdtempSync(join(tmpdir(), 'mlserve-bench-home-'));
        const tsx = join(appDir, 'node_modules', '.bin', 'tsx');
        const r = spawnSync(tsx, ['src/save_model.ts'], { cwd: appDir, env: { ...process.env, MLSERVE_HOME: home }, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`${app}: tsx src/save_model.ts failed:\n${r.stderr || r.stdout}`);
        if (variant.bento) {
          const b = spawnSync(node, [cliBin, 'build', '--json'], { cwd: appDir, env: { ...process.env, MLSERVE_HOME: home }, encoding: 'utf8' });
          if (b.status !== 0) throw new Error(`${app}: mlserve build failed:\n${b.stderr || b.stdout}`);
          bentoDir = JSON.parse(b.stdout).path;
        }
      },
      cleanup() {
        if (home) rmSync(home, { recursive: true, force: true });
        home = null;
      },
      start({ nodeArgs = [], serveArgs = [], env = {} } = {}) {
        return startProcess({
          command: node,
          args: [...nodeArgs, cliBin, 'serve', bentoDir ?? 'src/service.ts:svc', '--host', '127.0.0.1', '--port', '0', ...(variant.serveArgs ?? []), ...serveArgs],
          cwd: appDir,
          env: { MLSERVE_HOME: home, PORT: '0', NODE_ENV: 'production', ...env },
        });
      },
    };
  };

  const express = (id, app, artifacts) => ({
    id,
    label: id === 'express' ? 'Express baseline' : `Express baseline (${app})`,
    app,
    missing: () => (existsSync(join(artifacts, 'model.onnx')) ? null : `${artifacts}/model.onnx does not exist`),
    start: ({ nodeArgs = [] } = {}) =>
      startProcess({
        command: node,
        args: [...nodeArgs, contenderFile('express-baseline.mjs')],
        cwd: paths.repo,
        env: { ARTIFACTS: artifacts, PORT: '0', ANSWER: app, NODE_ENV: 'production' },
      }),
  });

  return [
    {
      id: 'ceiling',
      label: 'node:http ceiling',
      app: 'any',
      missing: () => null,
      start: ({ nodeArgs = [] } = {}) => startProcess({ command: node, args: [...nodeArgs, contenderFile('node-http-ceiling.mjs')], cwd: paths.repo, env: { PORT: '0' } }),
    },
    express('express', 'titanic', paths.titanicArtifacts),
    {
      id: 'fastapi',
      label: 'FastAPI + scikit-learn',
      app: 'titanic',
      reference: true,
      missing() {
        const r = spawnSync(paths.python, ['-c', 'import fastapi, uvicorn, sklearn, pandas'], { encoding: 'utf8' });
        if (r.status !== 0) return `${paths.python} lacks fastapi/uvicorn/sklearn/pandas (apt-get install -y python3-fastapi python3-uvicorn python3-sklearn python3-pandas)`;
        if (!existsSync(paths.titanicCsv)) return `${paths.titanicCsv} does not exist`;
        return null;
      },
      start: () =>
        startProcess({
          command: paths.python,
          args: [contenderFile('fastapi_app.py'), '--data', paths.titanicCsv, '--port', '0'],
          cwd: paths.repo,
          env: {},
        }),
    },
    mlserve('mlserve', 'titanic', paths.titanicApp, paths.titanicArtifacts),
    v2Contender(mlserve('mlserve-v2', 'titanic', paths.titanicApp, paths.titanicArtifacts)),
    mlserve('mlserve-bento', 'titanic', paths.titanicApp, paths.titanicArtifacts, paths.repo, { bento: true, label: 'mlserve (bento)' }),
    // Opt-in (--only): how throughput scales with runner workers and API worker processes.
    // In every full run for the large-request workloads (where a second inference thread pays on two cores); opt in for the rest.
    mlserve('mlserve-w2', 'titanic', paths.titanicApp, paths.titanicArtifacts, paths.repo, {
      serveArgs: ['--workers', '2'],
      label: 'mlserve --workers 2',
      workloads: ['rows100', 'rows1000'],
    }),
    mlserve('mlserve-api2', 'titanic', paths.titanicApp, paths.titanicArtifacts, paths.repo, { serveArgs: ['--api-workers', '2'], label: 'mlserve --api-workers 2', optIn: true }),
    express('express-bc', 'breast', paths.breastArtifacts),
    mlserve('mlserve-bc', 'breast', paths.breastApp, paths.breastArtifacts),
    ...(paths.baseline ? [mlserve('mlserve-base', 'titanic', join(paths.baseline, 'apps', 'titanic-api'), paths.titanicArtifacts, paths.baseline)] : []),
  ];
}

/** A port free on 127.0.0.1 now (the gRPC port must be known to the harness; the serve banner names only the HTTP one). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * The Titanic app served with `--grpc-port` too: the same process answers its own `/predict`, V2
 * REST and V2 gRPC, which `pnpm bench` (and `bench:v2`) compare on it (src/protocols.mjs) instead
 * of running the usual workloads. The handle carries `grpcPort`.
 */
function v2Contender(base) {
  return {
    ...base,
    label: 'mlserve (V2 REST + gRPC)',
    v2: true,
    start: async ({ grpcPort, ...options } = {}) => {
      const port = grpcPort ?? (await freePort());
      const handle = await base.start({ ...options, serveArgs: [...(options.serveArgs ?? []), '--grpc-port', String(port)] });
      return Object.assign(handle, { grpcPort: port });
    },
  };
}

/** Versions and hardware facts for the report. */
export function describeMachine(paths, os) {
  const cpus = os.cpus();
  // `wrk --version` exits 1 after printing; the Python one-liners must succeed.
  const version = (cmd, args, anyStatus = false) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.error || (!anyStatus && r.status !== 0)) return null;
    return (r.stdout || r.stderr).trim() || null;
  };
  let onnxruntime = 'n/a';
  try {
    onnxruntime = JSON.parse(readFileSync(join(paths.repo, 'bench', 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')).version;
  } catch {
    // not installed
  }
  const py = version(paths.python, ['-c', 'import sys, sklearn; print("Python %d.%d.%d, scikit-learn %s" % (sys.version_info[:3] + (sklearn.__version__,)))']);
  const fastapi = version(paths.python, ['-c', 'import fastapi, uvicorn; print("FastAPI " + fastapi.__version__ + ", uvicorn " + uvicorn.__version__)']);
  const wrk = version('wrk', ['--version'], true);
  return {
    cpu: (cpus[0]?.model ?? 'unknown').trim(),
    cores: cpus.length,
    memGb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.versions.node,
    loadavgAtStart: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    onnxruntime,
    python: py,
    fastapi,
    wrk: wrk ? (/wrk (\S+)/.exec(wrk)?.[1] ?? null) : null,
  };
}
