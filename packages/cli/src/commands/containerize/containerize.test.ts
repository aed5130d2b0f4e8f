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
    writeFileSync(path.join(bento, 'env', 'docker', 'Dockerfile'), 'FROM node:20\n');
  });
  afterEach(() => tmp.cleanup());

  function fakeDocker(script: string): string {
    const file = path.join(tmp.dir, 'docker');
    writeFileSync(file, `#!/bin/sh\n${script}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  it('says plainly that nothing was built and prints the command when no engine answers', async () => {
    const stdout = captureWriter();
    const docker = fakeDocker('exit 1');
    const err = await containerize({ bento, docker, stdout, imageTag: 'me/svc:1' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MLS_ERR_CLI_DOCKER_UNAVAILABLE' });
    expect(stdout.text()).toContain('no image was built');
    expect(stdout.text()).toContain(`${docker} build -f ${path.join(bento, 'env', 'docker', 'Dockerfile')} -t me/svc:1 ${bento}`);
  });

  it('runs docker build when an engine answers, tagging name:version by default', async () => {
    const log = path.join(tmp.dir, 'calls.log');
    const docker = fakeDocker(`echo "$@" >> ${log}`);
    const result = await containerize({ bento, docker, stdout: captureWriter(), stderr: captureWriter() });
    expect(result).toMatchObject({ built: true, imageTag: 'svc:v1' });
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['info', `build -f ${path.join(bento, 'env', 'docker', 'Dockerfile')} -t svc:v1 ${bento}`]);
  });
});
