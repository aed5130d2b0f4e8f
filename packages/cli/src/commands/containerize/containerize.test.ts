import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { captureWriter, makeTempDir } from '../../../test/helpers';
import { containerize } from './index';

describe('containerize', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let bento: string;
  beforeEach(() => {
    tmp = makeTempDir();
    bento = path.join(tmp.dir, 'bento');
    mkdirSync(path.join(bento, 'env', 'docker'), { recursive: true });
    writeFileSync(path.join(bento, 'bento.yaml'), stringify({ name: 'svc', version: 'v1', service: 'src/s.mjs:svc' }));
    writeFileSync(path.join(bento, 'env', 'docker', 'Dockerfile'), 'FROM node:24\n');
  });
  afterEach(() => tmp.cleanup());

  function fakeEngine(script: string): string {
    const file = path.join(tmp.dir, 'engine');
    writeFileSync(file, `#!/bin/sh\n${script}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  it('says plainly that nothing was built and prints the command, with no path of this machine, when no engine answers', async () => {
    const stdout = captureWriter();
    const executable = fakeEngine('exit 1');
    const err = await containerize({ bento, executable, stdout, imageTag: 'me/svc:1' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MLS_ERR_CLI_DOCKER_UNAVAILABLE' });
    expect(stdout.text()).toContain('no image was built');
    expect(stdout.text()).toContain('  docker build -f env/docker/Dockerfile -t me/svc:1 .\n');
    expect(stdout.text()).not.toContain(tmp.dir);
  });

  it('runs docker build in the bento directory when an engine answers, tagging name:version by default', async () => {
    const log = path.join(tmp.dir, 'calls.log');
    const executable = fakeEngine(`echo "$(pwd) $@" >> ${log}`);
    const result = await containerize({ bento, executable, stdout: captureWriter(), stderr: captureWriter() });
    expect(result).toMatchObject({ built: true, imageTag: 'svc:v1', command: ['docker', 'build', '-f', 'env/docker/Dockerfile', '-t', 'svc:v1', '.'] });
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([`${bento} info`, `${bento} build -f env/docker/Dockerfile -t svc:v1 .`]);
  });

  it('tags the image the Deployment pulls, registry included', async () => {
    mkdirSync(path.join(bento, 'env', 'k8s'));
    writeFileSync(path.join(bento, 'env', 'k8s', 'deployment.yaml'), stringify({ spec: { template: { spec: { containers: [{ image: 'ghcr.io/acme/svc:v1' }] } } } }));
    const result = await containerize({ bento, executable: fakeEngine('exit 0'), stdout: captureWriter(), stderr: captureWriter() });
    expect(result.imageTag).toBe('ghcr.io/acme/svc:v1');
  });

  it('drives podman with the same arguments plus the docker image format (which keeps HEALTHCHECK), and names it in what it prints', async () => {
    const stdout = captureWriter();
    const err = await containerize({ bento, backend: 'podman', executable: fakeEngine('exit 1'), stdout }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MLS_ERR_CLI_DOCKER_UNAVAILABLE' });
    expect(stdout.text()).toContain('No podman engine answered `podman info`');
    expect(stdout.text()).toContain('  podman build --format docker -f env/docker/Dockerfile -t svc:v1 .\n');
  });

  it('fails with MLS_ERR_CLI_DOCKER_BUILD and passes the engine output to stderr when the build fails', async () => {
    const stderr = captureWriter();
    const executable = fakeEngine('[ "$1" = info ] && exit 0; echo "step 3 failed" >&2; exit 1');
    const err = await containerize({ bento, executable, stdout: captureWriter(), stderr }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MLS_ERR_CLI_DOCKER_BUILD' });
    expect(stderr.text()).toContain('step 3 failed');
  });

  it('refuses an unknown backend, naming the option', async () => {
    await expect(containerize({ bento, backend: 'lxc' as never })).rejects.toThrow('options.backend must be one of docker, podman');
  });
});
