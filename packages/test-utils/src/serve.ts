import { type SpawnedProcess, waitFor } from './process';

/** Options of `waitForServing`. */
export interface WaitForServingOptions {
  /** Only a banner naming this service counts. */
  name?: string;
  timeoutMs?: number;
}

/**
 * Waits until a spawned `mlserve serve` prints its banner (`Serving <name> at <url>`, on stderr)
 * and answers `GET /readyz` with 200, then returns the URL. Rejects with the process's output when
 * it exits first or the time runs out.
 */
export async function waitForServing(proc: SpawnedProcess, options: WaitForServingOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const banner = new RegExp(`Serving ${options.name ? options.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '\\S+'} at (http://\\S+)`);
  const output = (): string => `stdout:\n${proc.stdout()}\nstderr:\n${proc.stderr()}`;
  const exitedEarly = (): void => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`the server exited early (${proc.child.exitCode ?? proc.child.signalCode}):\n${output()}`);
  };
  try {
    const url = await waitFor(
      () => {
        exitedEarly();
        return banner.exec(proc.stderr())?.[1];
      },
      timeoutMs,
      'the server banner',
    );
    await waitFor(
      async () => {
        exitedEarly();
        const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
        return res?.status === 200;
      },
      timeoutMs,
      `${url}/readyz`,
    );
    return url;
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('Timed out')) err.message += `\n${output()}`;
    throw err;
  }
}

/** POSTs JSON and returns the status and the parsed body. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json() };
}
