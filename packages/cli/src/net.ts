import { createServer } from 'node:net';
import { createCliError } from './errors';

/** Resolves with the port if it can be bound on host, rejects with MLS_ERR_CLI_PORT_IN_USE otherwise. */
export function checkPort(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? portInUse(port, host, err) : err);
    });
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/** The error for a port that cannot be bound. */
export function portInUse(port: number, host: string, cause?: unknown): Error {
  return createCliError('MLS_ERR_CLI_PORT_IN_USE', `Port ${port} on ${host} is already in use; stop the other server or pick another port with --port`, { cause });
}

/** True when err (or its cause chain) is an EADDRINUSE. */
export function isAddressInUse(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i += 1) {
    if (e.code === 'EADDRINUSE' || e.code === 'MLS_ERR_CLI_PORT_IN_USE') return true;
  }
  return false;
}
