import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeLock, takeOverStaleLock, withLock } from './lock';

describe('taking over a stale lock', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlserve-lock-test-'));
    file = join(dir, 'iris.lock');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const writeDeadLock = async (): Promise<string> => {
    const text = JSON.stringify({ pid: spawnSync(process.execPath, ['-e', '0']).pid, host: hostname(), token: 'dead' });
    await writeFile(file, text);
    return text;
  };

  it('judges a dead process lock stale, a live one live, and removes the stale one', async () => {
    const text = await writeDeadLock();
    expect(await judgeLock(file)).toEqual({ stale: text });
    await expect(takeOverStaleLock(file, text, 'b')).resolves.toBe(true);
    expect(await readdir(dir)).toEqual([]);
    expect(await judgeLock(file)).toBeUndefined();
    await writeFile(file, JSON.stringify({ pid: process.pid, host: hostname(), token: 'alive' }));
    expect(await judgeLock(file)).toBe('live');
  });

  it('never removes the live lock of a process that took the same stale lock over first', async () => {
    const stale = await writeDeadLock();
    // process B judges the lock stale, then is delayed before its rename...
    const judgedByB = await judgeLock(file);
    expect(judgedByB).toEqual({ stale });
    // ...while process A takes it over and holds its own lock: B's takeover must leave A's lock in place
    await withLock(file, 1000, async () => {
      const held = await readFile(file, 'utf8');
      expect(JSON.parse(held)).toMatchObject({ pid: process.pid, host: hostname() });
      await expect(takeOverStaleLock(file, stale, 'b')).resolves.toBe(false);
      expect(await readFile(file, 'utf8')).toBe(held);
      expect(await judgeLock(file)).toBe('live');
    });
    expect(await readdir(dir)).toEqual([]); // A released its lock; no aside file is left
  });
});
