import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Writer } from '../src/context';

/** The package directory and its binary. */
export const kPackageDir = path.resolve(__dirname, '..');
export const kBin = path.join(kPackageDir, 'bin', 'mlserve.js');
export const kTinyModelDir = path.join(kPackageDir, 'test', 'fixtures', 'tiny-model');
export const kServiceDir = path.join(kPackageDir, 'test', 'fixtures', 'service');

/** A temporary directory, removed by `cleanup()`. */
export function makeTempDir(prefix = 'mlserve-cli-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A Writer that keeps what was written. */
export function captureWriter(isTTY = false): Writer & { text(): string } {
  let out = '';
  return {
    isTTY,
    write(chunk: string) {
      out += chunk;
      return true;
    },
    text: () => out,
  };
}

/** A spawned CLI with its output collected as it arrives. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the real binary. */
export function spawnCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; bin?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [options.bin ?? kBin, ...args], {
    cwd: options.cwd ?? kPackageDir,
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

/** Runs the binary to completion (bounded by `timeoutMs`). */
export async function runBin(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawnCli(args, options);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const { code } = await proc.exited;
  clearTimeout(timer);
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** Polls `check` every 100 ms until it returns a value, or rejects after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the text printed by a process contains a URL, and returns it. */
export function waitForUrl(proc: CliProcess, timeoutMs = 30_000): Promise<string> {
  return waitFor(
    () => {
      if (proc.child.exitCode !== null) throw new Error(`the server exited early:\n${proc.stdout()}\n${proc.stderr()}`);
      return /Serving \S+ at (http:\/\/\S+)/.exec(proc.stdout())?.[1];
    },
    timeoutMs,
    'the server URL',
  );
}

/** Stops a spawned server with SIGTERM (then SIGKILL after 10 s) and returns how it exited. */
export async function stopCli(proc: CliProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  const result = await proc.exited;
  clearTimeout(timer);
  return result;
}

/** POSTs JSON and returns status and parsed body. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json() };
}
