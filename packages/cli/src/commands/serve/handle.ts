import type { ServeTarget } from '../../serve-target';

/** A running server (or supervisor); `close()` shuts everything down gracefully. */
export interface ServeHandle {
  name: string;
  url: string;
  port: number;
  /** The V2 gRPC port when `grpcPort` was given (in-process serving only). */
  grpcPort?: number;
  host: string;
  docsUrl: string;
  target: ServeTarget;
  close(): Promise<void>;
  /**
   * Settles when the server stopped (closed, or the supervised children are gone); rejects with
   * `MLS_ERR_CLI_CRASH_LOOP` when API workers kept dying and the supervisor gave up.
   */
  closed: Promise<void>;
  /** Set when a supervised server process ended on its own: the exit code the CLI should end with. */
  exitCode?: number;
}

/** Environment variable telling a process the CLI started what it is (`child`, `cluster`). */
export const kEnvChild = 'MLSERVE_SERVE_CHILD';

/** The environment of a process the CLI starts to serve. */
export function childEnv(home: string, kind: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, MLSERVE_HOME: home, [kEnvChild]: kind };
}
