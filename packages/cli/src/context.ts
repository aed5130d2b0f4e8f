import { homedir } from 'node:os';
import path from 'node:path';

/** Where a command writes: process.stdout / process.stderr, or a capturing stub in tests. */
export interface Writer {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What every command function receives besides its own options. */
export interface CommandOptions {
  /** Directory relative paths are resolved from. Defaults to `process.cwd()`. */
  cwd?: string;
  /** The mlserve home (models/ and bentos/). Defaults to `$MLSERVE_HOME` or `~/.mlserve`. */
  home?: string;
  stdout?: Writer;
  stderr?: Writer;
  /** Print JSON instead of tables (list/get commands). */
  json?: boolean;
}

/** The resolved form of CommandOptions that command bodies use. */
export interface CommandContext {
  cwd: string;
  home: string;
  stdout: Writer;
  stderr: Writer;
  json: boolean;
}

/** The mlserve home a command uses: explicit option, then `$MLSERVE_HOME`, then `~/.mlserve`. */
export function resolveHome(home?: string, cwd = process.cwd()): string {
  const fromEnv = process.env.MLSERVE_HOME;
  if (home) return path.resolve(cwd, home);
  if (fromEnv) return path.resolve(cwd, fromEnv);
  return path.join(homedir(), '.mlserve');
}

/** Fills in the defaults of CommandOptions. */
export function createContext(options: CommandOptions = {}): CommandContext {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  return {
    cwd,
    home: resolveHome(options.home, cwd),
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    json: options.json ?? false,
  };
}

/** Writes one line. */
export function println(writer: Writer, line = ''): void {
  writer.write(`${line}\n`);
}
