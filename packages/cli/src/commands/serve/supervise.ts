import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { watch } from 'chokidar';
import { println, type Writer } from '../../context';
import type { ServeTarget } from '../../serve-target';
import { displayUrl } from './banner';
import type { ServeHandle } from './handle';

/** Options of `superviseChild`. */
export interface SuperviseOptions {
  err: Writer;
  target: ServeTarget;
  /** The CLI script the child runs, and its arguments. */
  cliPath: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  host: string;
  port: number;
  /** Restart the child when a source file under this directory is added, changed or removed. */
  watchDir?: string;
}

const kIgnoredDirs = new Set(['node_modules', '.git', 'dist', 'coverage', '.turbo', '.mlserve']);
const kSourceFile = /\.(m|c)?[jt]sx?$|\.json$|\.ya?ml$/;
/** Saves come in bursts (write, rename, chmod): one restart per burst. */
const kDebounceMs = 150;

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. */
function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Serves in a child process: restarted on source changes with `watchDir` (`--reload`), or simply
 * relayed (a bento served with dependencies lent through the child's environment). The watcher is
 * chokidar's, which follows a file replaced by a rename (sed -i, editors' safe write, formatters),
 * deleted or re-created, where a plain fs.watch on the file would go deaf after the first replace.
 */
export async function superviseChild(options: SuperviseOptions): Promise<ServeHandle> {
  const { err, watchDir } = options;
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarting: Promise<void> = Promise.resolve();
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const url = displayUrl(options.host, options.port);
  const handle: ServeHandle = {
    name: path.basename(options.target.file),
    url,
    port: options.port,
    host: options.host,
    docsUrl: `${url}/`,
    target: options.target,
    closed,
    async close() {
      stopping = true;
      clearTimeout(timer);
      await watcher?.close();
      await restarting;
      if (child) await stopChild(child);
      resolveClosed();
    },
  };
  const start = (): void => {
    child = spawn(process.execPath, [options.cliPath, ...options.args], { stdio: ['ignore', 'inherit', 'inherit'], env: options.env });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      if (!watchDir) {
        // Nothing would restart it: the CLI ends as its child did (it already said why).
        handle.exitCode = code ?? 1;
        resolveClosed();
      } else if (signal !== 'SIGTERM' && code !== 0) println(err, `Service exited (${signal ?? `code ${code}`}); waiting for a file change to restart`);
    });
  };
  let timer: NodeJS.Timeout | undefined;
  const watcher = watchDir
    ? watch(watchDir, {
        ignoreInitial: true,
        ignored: (file, stats) => kIgnoredDirs.has(path.basename(file)) || (stats?.isFile() === true && !kSourceFile.test(file)),
      })
    : undefined;
  if (watcher && watchDir) {
    const onChange = (file: string): void => {
      if (!kSourceFile.test(file)) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        restarting = restarting.then(async () => {
          if (stopping) return;
          println(err, `Change in ${path.relative(watchDir, file)}; restarting`);
          if (child) await stopChild(child);
          if (!stopping) start();
        });
      }, kDebounceMs);
    };
    watcher.on('add', onChange).on('change', onChange).on('unlink', onChange);
    watcher.on('error', (error) => println(err, `Watching ${watchDir} failed: ${error instanceof Error ? error.message : String(error)}`));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    println(err, `Watching ${watchDir} for changes`);
  }
  start();
  return handle;
}
