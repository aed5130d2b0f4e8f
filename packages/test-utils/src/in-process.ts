import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What `startInProcess` needs of a service: `listen` on a port and host, and `close`. */
export interface ListeningService {
  listen(port: number, host: string): Promise<{ url: string }>;
  close(): Promise<void>;
}

/** A service listening in this process on 127.0.0.1 port 0, with a temporary mlserve home of its own. */
export interface InProcessService<TService> {
  readonly svc: TService;
  readonly url: string;
  /** The temporary home (a model store root), removed by `close()`. */
  readonly home: string;
  /** POSTs `body` (sent as it is when a string, as JSON otherwise) and reads the JSON answer. */
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  /** Closes the service and removes the home; safe to call when the start failed half-way. */
  close(): Promise<void>;
}

/**
 * Creates a temporary home, lets `create` fill it and build the service, and listens on port 0:
 * what an app's in-process tests do in `beforeAll`.
 */
export async function startInProcess<TService extends ListeningService>(prefix: string, create: (home: string) => Promise<TService>): Promise<InProcessService<TService>> {
  const home = await mkdtemp(join(tmpdir(), prefix));
  let svc: TService | undefined;
  const close = async (): Promise<void> => {
    await svc?.close();
    await rm(home, { recursive: true, force: true });
  };
  try {
    svc = await create(home);
    const { url } = await svc.listen(0, '127.0.0.1');
    return {
      svc,
      url,
      home,
      async post(path, body) {
        const res = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        return { status: res.status, body: await res.json() };
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
