import { type ChildProcess, spawn } from 'node:child_process';

/** A spawned process with its output collected as it arrives. */
export interface SpawnedProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Options of `spawnProcess`. */
export interface SpawnProcessOptions {
  cwd?: string;
  /** Added to this process's environment; NODE_OPTIONS (jest's) and MLSERVE_DEBUG are cleared first. */
  env?: NodeJS.ProcessEnv;
}

/** Spawns a command with piped output, collected for assertions and error messages. */
export function spawnProcess(command: string, args: string[], options: SpawnProcessOptions = {}): SpawnedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, NODE_OPTIONS: '', MLSERVE_DEBUG: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Stops a process with SIGTERM (SIGKILL after `graceMs`) and returns how it exited. */
export async function stopProcess(proc: SpawnedProcess, graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  const result = await proc.exited;
  clearTimeout(timer);
  return result;
}

/** Polls `check` every 100 ms until it returns a value (not undefined or false), or rejects after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
