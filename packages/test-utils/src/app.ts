import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type SpawnedProcess, spawnProcess, stopProcess } from './process';
import { waitForServing } from './serve';

/** An app of the workspace under test, with its own temporary mlserve home. */
export interface AppHarness {
  /** Creates the home; pass to `beforeAll`. */
  setup(): Promise<void>;
  /** Stops the server if it still runs and removes the home; pass to `afterAll`. */
  teardown(): Promise<void>;
  /** Runs one of the app's binaries (`node_modules/.bin/<bin>`) to completion, in the app directory. */
  run(bin: string, args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** Spawns `mlserve <args>` in the app directory and resolves its URL once `/readyz` answers. */
  serve(args: string[], name: string): Promise<string>;
  /** Stops the server with SIGTERM and resolves how it exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The steps an app's README tells a user to type, against a temporary `MLSERVE_HOME`, logs silenced. */
export function createAppHarness(appDir: string, prefix: string): AppHarness {
  const bin = join(appDir, 'node_modules', '.bin');
  let env: NodeJS.ProcessEnv = {};
  let home: string | undefined;
  let server: SpawnedProcess | undefined;
  return {
    async setup() {
      home = await mkdtemp(join(tmpdir(), prefix));
      env = { MLSERVE_HOME: home, MLSERVE_LOG_LEVEL: 'silent' };
    },
    async teardown() {
      if (server) await stopProcess(server);
      if (home) await rm(home, { recursive: true, force: true });
    },
    run: (name, args) => promisify(execFile)(join(bin, name), args, { cwd: appDir, env: { ...process.env, NODE_OPTIONS: '', ...env } }),
    async serve(args, name) {
      server = spawnProcess(join(bin, 'mlserve'), args, { cwd: appDir, env });
      return waitForServing(server, { name });
    },
    stop: () => (server ? stopProcess(server) : Promise.resolve({ code: null, signal: null })),
  };
}
