import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTempStore, kClassifier, kFixtures } from '../test/helpers';
import { ModelStore } from './model-store';

const run = promisify(execFile);
const kWorkers = 5;
const kSavesPerWorker = 3;

describe('concurrent saves from several processes', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, root, cleanup } = await createTempStore()));
  afterAll(() => cleanup());

  it('all succeed with distinct versions, and latest ends on the newest', async () => {
    // the workers load the built package: `pnpm build` first (turbo's test task depends on build)
    expect(existsSync(join(__dirname, '..', 'dist', 'index.cjs'))).toBe(true);
    const startAt = Date.now() + 1500; // every worker has loaded onnxruntime by then
    // allSettled: a failed worker must not let the store be removed while the others still write
    const results = await Promise.allSettled(
      Array.from({ length: kWorkers }, () =>
        run(process.execPath, [join(kFixtures, 'save-worker.cjs'), root, 'iris', String(kSavesPerWorker), String(startAt)], { timeout: 60_000 }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const versions = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.stdout.split('\n').filter(Boolean) : []));
    expect(versions).toHaveLength(kWorkers * kSavesPerWorker);
    expect(new Set(versions).size).toBe(versions.length);

    const newest = [...versions].sort().at(-1);
    expect((await readFile(join(root, 'models', 'iris', 'latest'), 'utf8')).trim()).toBe(newest);
    expect((await store.list('iris')).map((m) => m.version)).toEqual([...versions].sort().reverse());
    for (const version of versions) await expect(store.verify(`iris:${version}`)).resolves.toMatchObject({ version });
    expect(await readdir(join(root, '.staging'))).toEqual([]);
    expect(await readdir(join(root, '.locks'))).toEqual([]);
  });
});

describe('a save process killed mid-way', () => {
  let store: ModelStore;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, root, cleanup } = await createTempStore()));
  afterAll(() => cleanup());

  it('leaves only complete versions, a usable latest, and no lock in the way', async () => {
    const worker = spawn(process.execPath, [join(kFixtures, 'save-worker.cjs'), root, 'iris', '500', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let saved = 0;
    await new Promise<void>((resolve) => {
      worker.stdout.on('data', (chunk: Buffer) => {
        saved += chunk.toString().split('\n').length - 1;
        // a few saves done: the next one is somewhere between staging and latest
        if (saved >= 3) resolve();
      });
      worker.once('exit', () => resolve());
    });
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));

    const listed = await store.list('iris');
    expect(listed.length).toBeGreaterThan(0);
    for (const { tag } of listed) await expect(store.verify(tag)).resolves.toMatchObject({ tag });
    await expect(store.get('iris')).resolves.toMatchObject({ name: 'iris' });
    const next = await store.save('iris', { model: kClassifier });
    expect((await store.get('iris')).version).toBe(next.version);
  });
});

describe('the lock file of a name', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ root, cleanup } = await createTempStore()));
  afterEach(() => cleanup());

  const writeLock = async (owner: object) => {
    await mkdir(join(root, '.locks'), { recursive: true });
    await writeFile(join(root, '.locks', 'iris.lock'), JSON.stringify(owner));
  };

  it('is taken over when the process holding it has died', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeLock({ pid: dead, host: hostname(), token: 'dead' });
    await expect(new ModelStore({ root }).save('iris', { model: kClassifier })).resolves.toMatchObject({ name: 'iris' });
  });

  it('makes a save wait, then fail with LOCK_TIMEOUT, while a live process holds it', async () => {
    await writeLock({ pid: process.pid, host: hostname(), token: 'alive' });
    await expect(new ModelStore({ root, lockTimeoutMs: 200 }).save('iris', { model: kClassifier })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_LOCK_TIMEOUT',
      statusCode: 503,
    });
    expect(await new ModelStore({ root }).list()).toEqual([]);
  });
});
