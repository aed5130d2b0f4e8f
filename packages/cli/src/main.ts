import { runCli, type CliResult } from './cli';
import { createCliError } from './errors';
import type { ServeHandle } from './commands/serve/index';
import type { PredictResult } from './commands/predict/index';

/** Exit codes of the `mlserve` binary. */
export const kExitCodes = {
  ok: 0,
  /** Any error: the message on stderr says what and how to fix it. */
  error: 1,
  /** Invalid usage: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** `containerize` without a Docker engine: nothing was built; the command to run elsewhere was printed. */
  dockerUnavailable: 3,
} as const;

/** The exit code for an error, by its code. */
export function exitCodeOf(err: unknown): number {
  const code = (err as { code?: unknown })?.code;
  if (code === 'MLS_ERR_CLI_USAGE') return kExitCodes.usage;
  if (code === 'MLS_ERR_CLI_DOCKER_UNAVAILABLE') return kExitCodes.dockerUnavailable;
  return kExitCodes.error;
}

/** One line: the message, and the code when there is one. Stacks only when asked for. */
export function formatError(err: unknown, verbose: boolean): string {
  const e = err as { message?: string; code?: unknown; stack?: string; cause?: { stack?: string } };
  if (verbose && e?.stack) return `${e.stack}\n${e.cause?.stack ? `Caused by: ${e.cause.stack}\n` : ''}`;
  const message = (e?.message ?? String(err)).split('\n')[0];
  const code = typeof e?.code === 'string' && e.code.startsWith('MLS_ERR_') ? ` [${e.code}]` : '';
  return `mlserve: error: ${message}${code}\n`;
}

/** A running server, which the process must outlive until a signal or its own end. */
function isServeHandle(value: unknown): value is ServeHandle {
  return typeof value === 'object' && value !== null && 'closed' in value && value.closed instanceof Promise && 'close' in value && typeof value.close === 'function';
}

function hasRejectedRows(value: unknown): value is Pick<PredictResult, 'rejectedCount' | 'rows' | 'errors'> {
  return typeof value === 'object' && value !== null && 'rejectedCount' in value && typeof value.rejectedCount === 'number' && value.rejectedCount > 0;
}

function waitForShutdown(handle: ServeHandle): Promise<void> {
  return new Promise((resolve, reject) => {
    let closing = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (closing) {
        // A second Ctrl+C means "now": skip the graceful drain. A SIGTERM from a supervisor that
        // relays the same Ctrl+C (reload, cluster) must not cut it short.
        if (signal === 'SIGINT') process.exit(130);
        return;
      }
      closing = true;
      if (process.stderr.isTTY) process.stderr.write(`\n${signal}: shutting down gracefully\n`);
      handle.close().then(resolve, resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    handle.closed.then(resolve, reject);
  });
}

/**
 * The binary's entry: runs the CLI and maps errors to exit codes. The only place that ends the
 * process; commands themselves return or throw.
 */
export async function main(argv: string[]): Promise<void> {
  const verbose = argv.includes('--verbose') || Boolean(process.env.MLSERVE_DEBUG);
  let state: CliResult;
  try {
    state = await runCli(argv);
  } catch (err) {
    process.stderr.write(formatError(err, verbose));
    if (exitCodeOf(err) === kExitCodes.usage) process.stderr.write('Run `mlserve --help` for usage.\n');
    process.exit(exitCodeOf(err));
  }
  if (isServeHandle(state.result)) {
    try {
      await waitForShutdown(state.result);
    } catch (err) {
      // The server gave up on its own (API workers in a crash loop).
      process.stderr.write(formatError(err, verbose));
      process.exit(exitCodeOf(err));
    }
    // Worker pools and stray sockets must not keep a stopped server alive. A served child that
    // ended on its own (it printed why) passes its exit code on.
    process.exit(state.result.exitCode ?? kExitCodes.ok);
  }
  const result = state.result;
  if (state.command === 'predict' && hasRejectedRows(result)) {
    // Every other row was written; the exit code still tells scripts that the output is incomplete.
    const where = result.errors ? `in ${result.errors}` : 'above';
    const err = createCliError('MLS_ERR_CLI_ROWS_REJECTED', `${result.rejectedCount} of ${result.rows} rows were rejected; see the "line N:" messages ${where}`);
    process.stderr.write(formatError(err, false));
    process.exitCode = kExitCodes.error;
  }
}
