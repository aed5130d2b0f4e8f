import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { kFixtures, waitFor } from '../test/helpers';

interface Child {
  proc: ChildProcess;
  lines: Array<Record<string, unknown>>;
  exit: Promise<[number | null, NodeJS.Signals | null]>;
}

// The fixture imports the built package (dist), as a user's service module would.
function startChild(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [join(kFixtures, 'serve-slow.mjs')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Array<Record<string, unknown>> = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line));
    } catch {
      lines.push({ msg: line });
    }
  });
  return { proc, lines, exit: once(proc, 'exit') as Promise<[number | null, NodeJS.Signals | null]> };
}

const logged = (child: Child, msg: string) => waitFor(() => child.lines.find((l) => String(l.msg).includes(msg)), 10_000);

describe('graceful shutdown on SIGTERM', () => {
  it('refuses new connections, finishes the request in flight, closes runners and exits 0', async () => {
    const child = startChild({ SLOW_MS: '400' });
    try {
      const url = (await logged(child, 'listening'))?.url as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const inFlight = fetch(`${url}/slow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await logged(child, 'slow request started');
      child.proc.kill('SIGTERM');
      await logged(child, 'shutting down');
      await expect(fetch(`${url}/livez`)).rejects.toThrow();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ done: true, label: 1 });
      expect(await child.exit).toEqual([0, null]);
      expect(child.lines.some((l) => String(l.msg).includes('closed'))).toBe(true);
      // Written straight to the service's own destination, and flushed before the exit.
      expect(child.lines.filter((l) => l.msg === 'request completed' && l.url === '/slow')).toEqual([
        expect.objectContaining({ level: 30, pid: child.proc.pid, name: 'slow_service', method: 'POST', api: 'slow', statusCode: 200 }),
      ]);
    } finally {
      child.proc.kill('SIGKILL');
    }
  });

  it('cuts requests still running after shutdownTimeoutMs and still exits 0', async () => {
    const child = startChild({ SLOW_MS: '-1', SHUTDOWN_TIMEOUT_MS: '200' });
    try {
      const url = (await logged(child, 'listening'))?.url as string;
      const inFlight = fetch(`${url}/slow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await logged(child, 'slow request started');
      child.proc.kill('SIGINT');
      await expect(inFlight).rejects.toThrow();
      expect(await child.exit).toEqual([0, null]);
      expect(child.lines.some((l) => String(l.msg).includes('shutdown timeout'))).toBe(true);
    } finally {
      child.proc.kill('SIGKILL');
    }
  });
});
