import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ContainerBackend } from '../src/commands/containerize/index';
import { kPackageDir, makeTempDir, postJson, runBin, waitFor } from './helpers';

const exec = promisify(execFile);
const kTitanicDir = path.resolve(kPackageDir, '..', '..', 'apps', 'titanic-api');
// A fixed bento version keeps package.json (and so the image's npm ci layer) the same between runs.
const kBentoVersion = 'engine-test';
const kImage = `titanic_service:${kBentoVersion}`;
// The Deployment's grace period is 30 s; the server itself must be done well inside docker's default 10 s.
const kStopBoundMs = 10_000;

// What differs between the engines, besides the executable's name.
const kEngines: Record<ContainerBackend, { runFlags: string[]; isHealthy(id: string): Promise<boolean> }> = {
  docker: {
    runFlags: [],
    isHealthy: async (id) => (await engine('docker', ['inspect', id, '--format', '{{.State.Health.Status}}'])) === 'healthy',
  },
  podman: {
    // This machine's runc refuses rlimits at the host's own values (podman's default); lower ones are fine.
    runFlags: ['--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096'],
    // Without systemd, podman does not schedule healthchecks; `healthcheck run` runs the image's HEALTHCHECK once.
    isHealthy: (id) =>
      exec('podman', ['healthcheck', 'run', id], { timeout: 15_000 }).then(
        () => true,
        () => false,
      ),
  },
};

/** Runs an engine's client, bounded in time; rejects with its stderr when it fails. */
async function engine(backend: ContainerBackend, args: string[], timeoutMs = 30_000): Promise<string> {
  const { stdout } = await exec(backend, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

for (const backend of ['docker', 'podman'] as const) {
  // Only a missing engine skips: an engine that answers and then fails to build or run fails the test.
  const available = spawnSync(backend, ['info'], { stdio: 'ignore', timeout: 15_000 }).status === 0;
  if (!available) {
    const setup = backend === 'docker' ? 'Run .ci/docker-engine.sh (as root) to start one and build the stand-in base image' : 'Install podman, then run .ci/docker-engine.sh';
    process.stderr.write(
      `\n${'!'.repeat(100)}\n!! SKIPPED the ${backend} test of containerize-engine.test.ts: \`${backend} info\` does not answer.\n!! ${setup}, and rerun.\n${'!'.repeat(100)}\n\n`,
    );
  }
  const { runFlags, isHealthy } = kEngines[backend];
  const run = (args: string[], timeoutMs?: number) => engine(backend, args, timeoutMs);

  (available ? describe : describe.skip)(`the Titanic bento in a real container (${backend})`, () => {
    const tmp = makeTempDir();
    const env = { MLSERVE_HOME: path.join(tmp.dir, 'home') };
    let container: string | undefined;
    afterAll(async () => {
      if (container) await run(['rm', '-f', container]).catch(() => undefined);
      tmp.cleanup();
    });

    it('builds, serves the seed requests as a non-root user with read-only code, reports healthy, and stops on SIGTERM', async () => {
      expect((await runBin(['models', 'import', 'artifacts', '--name', 'titanic_model'], { env, cwd: kTitanicDir })).code).toBe(0);
      expect(await runBin(['build', '--bento-version', kBentoVersion], { env, cwd: kTitanicDir, timeoutMs: 120_000 })).toMatchObject({ code: 0 });

      const started = Date.now();
      const built = await runBin(['containerize', kImage, '--backend', backend], { env, cwd: tmp.dir, timeoutMs: 300_000 });
      const buildSeconds = (Date.now() - started) / 1000;
      expect(built).toMatchObject({ code: 0, stdout: `Built image ${kImage}\n` });
      const format = backend === 'podman' ? '--format docker ' : '';
      expect(built.stderr).toContain(`$ ${backend} build ${format}-f env/docker/Dockerfile -t ${kImage} .\n`);
      expect(built.stderr).not.toContain(tmp.dir);
      const size = Number(await run(['image', 'inspect', kImage, '--format', '{{.Size}}']));
      process.stderr.write(`containerize-engine (${backend}): image ${kImage} built in ${buildSeconds.toFixed(1)} s, ${(size / 1e6).toFixed(0)} MB\n`);

      // As a restricted pod runs it: read-only root filesystem with a writable /tmp, no capabilities.
      const flags = ['--read-only', '--tmpfs', '/tmp:rw,size=64m', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', ...runFlags];
      const id = await run(['run', '-d', ...flags, '-p', '127.0.0.1::3000', kImage]);
      container = id;
      const port = /127\.0\.0\.1:(\d+)/.exec(await run(['port', id, '3000/tcp']))![1]!;
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        () =>
          fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
            (r) => r.ok || undefined,
            () => undefined,
          ),
        60_000,
        'the container to be ready',
      );

      const survivor = await postJson(`${url}/predict`, { Pclass: 1, Sex: 'female', Age: 30, SibSp: 0, Parch: 0, Fare: 100, Embarked: 'C' });
      expect(survivor).toMatchObject({ status: 200, body: { survived: 1 } });
      const third = await postJson(`${url}/predict`, { Pclass: 3, Sex: 'male', Age: 30, SibSp: 0, Parch: 0, Fare: 8, Embarked: 'S' });
      expect(third).toMatchObject({ status: 200, body: { survived: 0 } });

      expect(await run(['exec', id, 'id', '-u'])).toBe('1000');
      expect(await run(['exec', id, 'stat', '-c', '%U %a', '/app', '/app/bento.yaml', '/app/models', '/app/node_modules'])).toBe('root 755\nroot 644\nroot 755\nroot 755');
      // Without --read-only too: the code and models are not the runtime user's to change.
      const write = await run(['run', '--rm', ...runFlags, '--entrypoint', 'sh', kImage, '-c', 'touch /app/bento.yaml /app/models/x 2>&1; touch /tmp/x && echo tmp writable']);
      expect(write).toMatch(/touch: cannot touch '\/app\/bento.yaml': Permission denied\ntouch: cannot touch '\/app\/models\/x': Permission denied\ntmp writable/);

      // The HEALTHCHECK probes /readyz every 10 s.
      await waitFor(async () => (await isHealthy(id)) || undefined, 60_000, 'HEALTHCHECK to report healthy');

      const stopping = Date.now();
      await run(['stop', '--time', String(kStopBoundMs / 1000), id], kStopBoundMs + 10_000);
      const stopMs = Date.now() - stopping;
      // 137 would mean the engine gave up and sent SIGKILL.
      expect(await run(['inspect', id, '--format', '{{.State.ExitCode}}'])).toBe('0');
      expect(stopMs).toBeLessThan(kStopBoundMs);
      const { stdout: logs } = await exec(backend, ['logs', id], { timeout: 10_000 });
      expect(logs).toContain('titanic_service closed');
    }, 480_000);
  });
}
