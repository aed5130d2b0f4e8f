import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnProcess, waitForServing, type SpawnedProcess } from '@mlserve/test-utils';
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
export type CliProcess = SpawnedProcess;

/** Spawns the real binary. */
export function spawnCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; bin?: string } = {}): CliProcess {
  return spawnProcess(process.execPath, [options.bin ?? kBin, ...args], { cwd: options.cwd ?? kPackageDir, env: options.env });
}

/** Runs the binary to completion (bounded by `timeoutMs`). */
export async function runBin(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawnCli(args, options);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const { code } = await proc.exited;
  clearTimeout(timer);
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** Waits until a served CLI printed its banner and answers /readyz, and returns its URL. */
export function waitForUrl(proc: CliProcess, timeoutMs = 30_000): Promise<string> {
  return waitForServing(proc, { timeoutMs });
}

export { postJson, stopProcess as stopCli, waitFor } from '@mlserve/test-utils';
