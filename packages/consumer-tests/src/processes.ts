import { type ChildProcess, execFile, spawn } from 'node:child_process';

/** Environment of every command the consumer tests run: no CUDA download, no telemetry, no npm noise. */
export function consumerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    SCARF_ANALYTICS: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    NODE_OPTIONS: '',
    ...extra,
  };
  // Variables pnpm and npm set for the scripts they run would leak the workspace into the temporary projects.
  for (const key of Object.keys(env)) if (/^(npm_|PNPM_|pnpm_)/.test(key) && !(key in extra) && !/^npm_config_(fund|audit)$/.test(key)) delete env[key];
  return env;
}

/** Runs a command to completion; rejects with its output when it fails or outlives `timeoutMs`. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, env: options.env ?? consumerEnv(), timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed (${err.message.split('\n')[0]}):\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** A started server process and what it printed. */
export interface Server {
  child: ChildProcess;
  output(): string;
  /** The first `http://...` URL matched by `pattern` in its output. */
  url: string;
  stop(): Promise<void>;
}

/** Starts a long-running command and waits (at most `timeoutMs`) until its output matches `pattern` (whose group 1 is the URL). */
export async function startServer(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; pattern: RegExp; timeoutMs?: number }): Promise<Server> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? consumerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const match = options.pattern.exec(out);
    if (match) return { child, output: () => out, url: match[1]!.replace(/\/$/, ''), stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${command} ${args.join(' ')} ${child.exitCode !== null ? `exited with code ${child.exitCode}` : 'did not start in time'}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Times an async step and records it under `label`. */
export async function timed<T>(timings: Map<string, number>, label: string, step: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await step();
  } finally {
    timings.set(label, Date.now() - start);
  }
}
