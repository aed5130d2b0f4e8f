import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { createTempStore } from '../test/helpers';
import { ModelStore } from './model-store';
import { createStagingDir } from './staging';

describe('opening a store removes what killed processes left behind', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ root, cleanup } = await createTempStore()));
  afterEach(() => cleanup());

  /** A staging directory named as if process `pid` had made it. */
  const stagingOf = async (pid: number): Promise<string> => {
    const mine = basename(await createStagingDir(root));
    const name = mine.replace(`-${process.pid}-`, `-${pid}-`);
    await mkdir(join(root, '.staging', name));
    await writeFile(join(root, '.staging', name, 'model.onnx'), 'partial');
    return name;
  };

  it('removes staging directories of dead processes and keeps those of live ones', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const deadDir = await stagingOf(dead);
    const liveDir = await stagingOf(process.ppid);
    const before = await readdir(join(root, '.staging'));
    await new ModelStore({ root }).list();
    expect((await readdir(join(root, '.staging'))).sort()).toEqual(before.filter((e) => e !== deadDir).sort());
    expect(before).toContain(liveDir);
  });

  it('removes locks of dead processes', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await mkdir(join(root, '.locks'));
    await writeFile(join(root, '.locks', 'iris.lock'), JSON.stringify({ pid: dead, host: hostname(), token: 'dead' }));
    await writeFile(join(root, '.locks', 'live.lock'), JSON.stringify({ pid: process.pid, host: hostname(), token: 'live' }));
    await new ModelStore({ root }).list();
    expect(await readdir(join(root, '.locks'))).toEqual(['live.lock']);
  });
});
