import { type IncomingMessage, type Server, type ServerOptions, type ServerResponse, createServer } from 'node:http';
import type { Logger } from 'pino';
import type { RunnerLike } from './types';

/** Options of `svc.listen()`. */
export interface ListenOptions {
  /** Resolve only once every runner is ready; reject (and stop listening) if one fails (default true). */
  waitForRunners?: boolean;
  /** On SIGTERM/SIGINT: `close()` gracefully, then `process.exit(0)` (1 if closing failed). Default false. */
  handleSignals?: boolean;
}

/** What `svc.listen()` resolves with. */
export interface ListenResult {
  port: number;
  host: string;
  /** `http://host:port`, with a loopback address when listening on every interface. */
  url: string;
  server: Server;
}

/** What the lifecycle needs of its service. */
export interface LifecycleHost {
  readonly name: string;
  readonly logger: Logger;
  readonly runners: readonly RunnerLike[];
  readonly shutdownTimeoutMs: number;
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** The options of the server `listen()` creates (timeouts). */
  readonly serverOptions: ServerOptions;
  /** Sets up a new server (limits, client errors) before it listens. */
  configure(server: Server): void;
  /** The API routes, for the "listening" log line. */
  routes(): string[];
  /** Called last by `close()`. */
  closed(): void;
}

/**
 * Listening, graceful shutdown and signals of one service: counts the requests in flight so that
 * `close()` can wait for them.
 */
export class Lifecycle {
  readonly #host: LifecycleHost;
  #server: Server | undefined;
  #shuttingDown = false;
  #closing: Promise<void> | undefined;
  #inFlight = 0;
  #onDrained: (() => void) | undefined;
  #signalHandler: ((signal: NodeJS.Signals) => void) | undefined;

  constructor(host: LifecycleHost) {
    this.#host = host;
  }

  /** True once `close()` started. */
  get isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Counts a request in. */
  requestStarted(): void {
    this.#inFlight++;
  }

  /** Counts a request out (its response finished or its connection closed). */
  requestEnded(): void {
    this.#inFlight--;
    if (this.#inFlight === 0 && this.#onDrained !== undefined) this.#onDrained();
  }

  /** See `Service.listen()`. */
  async listen(port: number, host: string, options: ListenOptions): Promise<ListenResult> {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('port must be an integer between 0 and 65535');
    if (typeof host !== 'string' || host === '') throw new TypeError('host must be a non-empty string');
    const { name, logger, runners } = this.#host;
    if (this.#server !== undefined) throw new Error(`Service "${name}" is already listening`);
    if (this.#shuttingDown) throw new Error(`Service "${name}" is closed`);
    const server = createServer(this.#host.serverOptions, this.#host.handler);
    this.#host.configure(server);
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      this.#server = undefined;
      throw err;
    });
    const address = server.address();
    const actualPort = typeof address === 'object' && address !== null ? address.port : port;
    const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
    const url = `http://${urlHost}:${actualPort}`;
    if (options.handleSignals) this.#installSignalHandlers();
    const readiness = Promise.all(runners.map((r) => r.ready()));
    if (options.waitForRunners === false) {
      readiness.catch((err: unknown) => logger.error({ err }, 'a runner failed to start'));
    } else {
      try {
        await readiness;
      } catch (err) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        this.#server = undefined;
        this.#removeSignalHandlers();
        throw err;
      }
    }
    logger.info({ url, apis: this.#host.routes() }, `${name} listening`);
    return { port: actualPort, host, url, server };
  }

  /** See `Service.close()`. */
  close(): Promise<void> {
    return (this.#closing ??= this.#shutdown());
  }

  async #shutdown(): Promise<void> {
    this.#shuttingDown = true;
    const { logger, runners } = this.#host;
    const server = this.#server;
    if (server !== undefined) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (this.#inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        const drained = await Promise.race([
          new Promise<boolean>((resolve) => (this.#onDrained = () => resolve(true))),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.#host.shutdownTimeoutMs))),
        ]);
        clearTimeout(timer);
        if (!drained) logger.warn({ inFlight: this.#inFlight }, 'shutdown timeout: cutting requests still in flight');
      }
      server.closeAllConnections();
      await closed;
    }
    const results = await Promise.allSettled(runners.map((r) => r.close()));
    for (const r of results) if (r.status === 'rejected') logger.error({ err: r.reason }, 'a runner failed to close');
    this.#host.closed();
    this.#removeSignalHandlers();
    logger.info(`${this.#host.name} closed`);
  }

  #installSignalHandlers(): void {
    if (this.#signalHandler !== undefined) return;
    const { logger } = this.#host;
    let received = false;
    this.#signalHandler = (signal) => {
      if (received) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      received = true;
      logger.info({ signal }, 'shutting down');
      this.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', this.#signalHandler);
    process.on('SIGINT', this.#signalHandler);
  }

  #removeSignalHandlers(): void {
    if (this.#signalHandler === undefined) return;
    process.off('SIGTERM', this.#signalHandler);
    process.off('SIGINT', this.#signalHandler);
    this.#signalHandler = undefined;
  }
}
