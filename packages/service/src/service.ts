import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type ErrorBody, isMlserveError, toErrorBody } from '@mlserve/errors';
import express, { type Express } from 'express';
import { type Logger, destination, pino } from 'pino';
import { createKeyCheck } from './auth';
import { applyCors } from './cors';
import { DeadlineQueue } from './deadline-queue';
import { createServiceError, kServiceErrors, type ServiceErrorCode } from './errors';
import type { IODescriptor } from './io-descriptor';
import { ServiceMetrics } from './metrics';
import { type ApiDefinition, buildOpenApiDocument } from './openapi';
import { type ResolvedServiceOptions, type ServiceOptions, resolveServiceOptions } from './options';
import { swaggerUiDir, swaggerUiHtml } from './swagger-ui';
import type { ApiContext, ApiHandler, RunnerLike } from './types';

/** The options of `svc.api()`. */
export interface ApiOptions<TInput> {
  /** How the request body is parsed, validated and documented. */
  input: IODescriptor<TInput>;
  /** How the result is encoded and documented. */
  output: IODescriptor;
  /** The path (default `/<name>`); a fixed path without parameters. */
  route?: string;
  /** Shown in the OpenAPI document and Swagger UI. */
  description?: string;
}

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

interface RequestState {
  readonly id: string;
  readonly start: number;
  readonly inProgress: string;
  api: string | undefined;
  label: string | undefined;
}

interface LayerLike {
  handle: unknown;
  route?: { path: string; stack: Array<{ handle: unknown }>; _handlesMethod(method: string): boolean; _methods(): string[] };
  match(path: string): unknown;
}

const kState = Symbol('mlserve.requestState');
const kServiceBrand = Symbol.for('mlserve.service');
type StatefulRequest = IncomingMessage & { [kState]?: RequestState; body?: unknown; _body?: boolean; route?: { path?: unknown } };

const kHealthPaths = new Set(['/livez', '/readyz', '/healthz']);
const kRouteRe = /^\/[A-Za-z0-9._~\-/]*$/;
const kNameRe = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const kRequestIdRe = /^[\x21-\x7e]{1,200}$/;

class Context implements ApiContext {
  #logger: Logger | undefined;
  readonly #base: Logger;
  constructor(
    readonly requestId: string,
    readonly headers: IncomingMessage['headers'],
    readonly api: string,
    base: Logger,
  ) {
    this.#base = base;
  }

  // Created on first use: most handlers never log, and a child logger costs an allocation.
  get logger(): Logger {
    return (this.#logger ??= this.#base.child({ reqId: this.requestId, api: this.api }));
  }
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function mediaTypeOf(req: IncomingMessage): string {
  const header = req.headers['content-type'];
  if (header === undefined) return '';
  const semi = header.indexOf(';');
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/** Called once with the body as text, or with the error that ended the read. */
type BodyCallback = (err: Error | undefined, text: string) => void;

// Callbacks, not a promise: on the hot path every request saves a promise and its ticks.
function readBody(req: IncomingMessage, limit: number, deadlines: DeadlineQueue | undefined, start: number, done: BodyCallback): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    // Discard the body so closing the connection after the 413 does not reset it under the client.
    req.resume();
    done(createServiceError('MLS_ERR_IO_BODY_TOO_LARGE', `Request body is larger than the limit of ${limit} bytes`, { details: { limit } }), '');
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (err: Error | undefined, text: string) => {
    if (finished) return;
    finished = true;
    if (deadline !== undefined) deadlines!.delete(deadline);
    done(err, text);
  };
  const stopReading = (err: Error) => {
    req.off('data', onData);
    req.resume();
    finish(err, '');
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      stopReading(createServiceError('MLS_ERR_IO_BODY_TOO_LARGE', `Request body is larger than the limit of ${limit} bytes`, { details: { limit } }));
      return;
    }
    chunks.push(chunk);
  };
  // A client trickling its body would otherwise hold a request (and its memory) for minutes.
  const deadline = deadlines?.add(start, () => {
    stopReading(createServiceError('MLS_ERR_IO_BODY_TIMEOUT', `Request body was not received within ${deadlines.ms} ms`, { details: { requestTimeoutMs: deadlines.ms } }));
  });
  req.on('data', onData);
  req.once('end', () => finish(undefined, chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8')));
  // An aborted request ends in 'close' (after an 'error' nobody needs to hear: node:http only
  // emits it to listeners).
  req.once('close', () => {
    // Also emitted after every complete request: the error is built only when it is one.
    if (!finished) finish(Object.assign(new Error('The client closed the request'), { code: 'ECONNRESET' }), '');
  });
}

// Body-parsing middleware (express.json() and friends) reports errors as http-errors with a `type`.
function fromMiddlewareError(err: unknown): unknown {
  if (isMlserveError(err) || typeof err !== 'object' || err === null) return err;
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown; limit?: unknown };
  switch (e.type) {
    case 'entity.too.large':
      return createServiceError('MLS_ERR_IO_BODY_TOO_LARGE', `Request body is larger than the limit of ${String(e.limit)} bytes`);
    case 'entity.parse.failed':
      return createServiceError('MLS_ERR_IO_MALFORMED_JSON', `Request body is not valid JSON: ${String(e.message)}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return createServiceError('MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE', String(e.message));
  }
  // Express's own client errors (a route parameter with bad percent-encoding is a URIError with
  // status 400) and http-errors: a 4xx is the client's doing, so it is answered as one.
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && e.expose !== false) {
    const code = kClientErrorCodes.get(status) ?? 'MLS_ERR_HTTP_BAD_REQUEST';
    return createServiceError(code, String(e.message), { details: { status } });
  }
  return err;
}

// 4xx statuses with a code of their own; any other 4xx from a middleware is answered as 400.
const kClientErrorCodes = new Map<number, ServiceErrorCode>([
  [404, 'MLS_ERR_HTTP_NOT_FOUND'],
  [405, 'MLS_ERR_HTTP_METHOD_NOT_ALLOWED'],
  [408, 'MLS_ERR_IO_BODY_TIMEOUT'],
  [413, 'MLS_ERR_IO_BODY_TOO_LARGE'],
  [415, 'MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE'],
]);

/**
 * A service: named APIs with validated IO, an OpenAPI document and Swagger UI, health and metrics
 * endpoints, on an Express 5 app. Create one with {@link createService}.
 */
export class Service {
  /** The service name (OpenAPI title, logs). */
  readonly name: string;
  /** The Express app: add routes and middleware to it. See the README on how middleware reaches API routes. */
  readonly app: Express;
  /** The pino logger the service logs with. */
  readonly logger: Logger;
  /** The Prometheus registry of this service (not prom-client's global one). */
  readonly registry: ServiceMetrics['registry'];
  /** Brand read by {@link isService}: survives two installed copies of this package. */
  readonly [kServiceBrand] = true;

  readonly #options: ResolvedServiceOptions;
  readonly #apis: ApiDefinition[] = [];
  /** API routes by path (every API is a POST). */
  readonly #routes = new Map<string, ApiDefinition>();
  readonly #metrics: ServiceMetrics;
  readonly #keyCheck: ((req: IncomingMessage) => boolean) | undefined;
  readonly #mine = new WeakSet<object>();
  #fastRoutes = new Map<string, ApiDefinition>();
  #stackLength = -1;
  #server: Server | undefined;
  #shuttingDown = false;
  #closing: Promise<void> | undefined;
  #inFlight = 0;
  #onDrained: (() => void) | undefined;
  #signalHandler: ((signal: NodeJS.Signals) => void) | undefined;
  #openapi: Record<string, unknown> | undefined;
  #builtInPaths = new Set<string>();
  readonly #bodyDeadlines: DeadlineQueue | undefined;
  readonly #handlerDeadlines: DeadlineQueue | undefined;
  // One function for every response (EventEmitter calls it with the response as `this`), not a
  // closure per request.
  readonly #onResponseClose: (this: ServerResponse) => void;

  constructor(name: string, options: ServiceOptions = {}) {
    if (typeof name !== 'string' || !kNameRe.test(name)) {
      throw new TypeError('name must be a non-empty string of letters, digits, "_", "-" or "." starting with a letter or "_"');
    }
    this.name = name;
    this.#options = resolveServiceOptions(options);
    // Written asynchronously (pino flushes what is left when the process exits): a synchronous
    // write per access-log line cost more main-thread time than the rest of the logging.
    this.logger = this.#options.logger ?? pino({ name, level: this.#options.logLevel }, destination({ dest: 1, sync: false }));
    this.#metrics = new ServiceMetrics(this.#options.runners, { processMetrics: this.#options.processMetrics });
    this.registry = this.#metrics.registry;
    this.#keyCheck = this.#options.apiKeys.length > 0 ? createKeyCheck(this.#options.apiKeys) : undefined;
    const { requestTimeoutMs, timeoutMs } = this.#options;
    this.#bodyDeadlines = requestTimeoutMs === 0 ? undefined : new DeadlineQueue(requestTimeoutMs);
    this.#handlerDeadlines = timeoutMs === 0 ? undefined : new DeadlineQueue(timeoutMs);
    const service = this;
    this.#onResponseClose = function onResponseClose(this: ServerResponse) {
      service.#end(this.req as StatefulRequest, this);
    };
    this.app = express();
    this.app.disable('x-powered-by');
    this.#mountBuiltIns();
  }

  /** The runners passed in the options. */
  get runners(): readonly RunnerLike[] {
    return this.#options.runners;
  }

  /** The declared APIs, in declaration order. */
  get apis(): readonly ApiDefinition[] {
    return this.#apis;
  }

  /** The node:http request listener `listen()` uses; pass it to your own (https) server if needed. */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = pathOf(req.url);
    if (this.#begin(req, res, path)) return;
    if (this.#options.fastPath) {
      const api = this.#fastRoute(req.method, path);
      if (api !== undefined) {
        this.#serveApi(api, req, res);
        return;
      }
    }
    this.app(req as express.Request, res as express.Response, (err?: unknown) => this.#finish(err, req, res, path));
  };

  /**
   * Declares an API: `POST <route>` (default `/<name>`) whose body is decoded by `input`, passed to
   * `handler(input, ctx)`, and whose result is encoded by `output`.
   */
  api<TInput>(name: string, options: ApiOptions<TInput>, handler: ApiHandler<TInput>): this {
    if (typeof name !== 'string' || !kNameRe.test(name)) throw new TypeError('name must be a string of letters, digits, "_", "-" or "." starting with a letter or "_"');
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const isDescriptor = (d: unknown) => typeof d === 'object' && d !== null && typeof (d as IODescriptor).decodeRaw === 'function';
    if (!isDescriptor(options.input)) throw new TypeError('options.input must be an IO descriptor (json(), records(), tensor() or text())');
    if (!isDescriptor(options.output)) throw new TypeError('options.output must be an IO descriptor (json(), records(), tensor() or text())');
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    const route = options.route ?? `/${name}`;
    if (typeof route !== 'string' || !kRouteRe.test(route)) throw new TypeError('options.route must be a path such as "/predict" (letters, digits, "-", "_", ".", "~", "/")');
    if (options.description !== undefined && typeof options.description !== 'string') throw new TypeError('options.description must be a string');
    if (this.#apis.some((a) => a.name === name)) throw new TypeError(`An API named "${name}" is already declared`);
    if (this.#routes.has(route) || kHealthPaths.has(route) || route === '/metrics' || route === '/docs.json' || route === '/') {
      throw new TypeError(`options.route "${route}" is already taken`);
    }
    const api: ApiDefinition<TInput> = { name, route, method: 'POST', input: options.input, output: options.output, description: options.description, handler };
    this.#apis.push(api as ApiDefinition);
    this.#routes.set(route, api as ApiDefinition);
    this.#openapi = undefined;
    this.app.post(route, this.#own((req: IncomingMessage, res: ServerResponse) => this.#serveApi(api as ApiDefinition, req, res)));
    return this;
  }

  /** The OpenAPI 3.1 document, built from the API descriptors (also served at `/docs.json`). */
  openapi(): Record<string, unknown> {
    return (this.#openapi ??= buildOpenApiDocument({
      name: this.name,
      version: this.#options.version,
      description: this.#options.description,
      apis: this.#apis,
      secured: this.#keyCheck !== undefined,
      protectMetrics: this.#options.protectMetrics,
      runners: this.#options.runners,
    }));
  }

  /** True once `close()` (or a handled signal) started the shutdown. */
  get isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** True when every runner is ready and the service is not shutting down (what `/readyz` answers). */
  get isReady(): boolean {
    return !this.#shuttingDown && this.#options.runners.every((r) => r.isReady);
  }

  /**
   * Starts an HTTP server (port 0 picks a free one) and the runners; resolves once listening and,
   * unless `waitForRunners` is false, once every runner is ready.
   */
  async listen(port = 3000, host = '0.0.0.0', options: ListenOptions = {}): Promise<ListenResult> {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('port must be an integer between 0 and 65535');
    if (typeof host !== 'string' || host === '') throw new TypeError('host must be a non-empty string');
    if (this.#server !== undefined) throw new Error(`Service "${this.name}" is already listening`);
    if (this.#shuttingDown) throw new Error(`Service "${this.name}" is closed`);
    const server = createServer(this.handler);
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
    const readiness = Promise.all(this.#options.runners.map((r) => r.ready()));
    if (options.waitForRunners === false) {
      readiness.catch((err: unknown) => this.logger.error({ err }, 'a runner failed to start'));
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
    this.logger.info({ url, apis: this.#apis.map((a) => a.route) }, `${this.name} listening`);
    return { port: actualPort, host, url, server };
  }

  /**
   * Shuts down gracefully: `/readyz` answers 503, the server stops accepting connections, requests
   * in flight finish (up to `shutdownTimeoutMs`, then connections are cut), runners close.
   * Safe to call more than once.
   */
  close(): Promise<void> {
    return (this.#closing ??= this.#shutdown());
  }

  async #shutdown(): Promise<void> {
    this.#shuttingDown = true;
    const server = this.#server;
    if (server !== undefined) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (this.#inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        const drained = await Promise.race([
          new Promise<boolean>((resolve) => (this.#onDrained = () => resolve(true))),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.#options.shutdownTimeoutMs))),
        ]);
        clearTimeout(timer);
        if (!drained) this.logger.warn({ inFlight: this.#inFlight }, 'shutdown timeout: cutting requests still in flight');
      }
      server.closeAllConnections();
      await closed;
    }
    const results = await Promise.allSettled(this.#options.runners.map((r) => r.close()));
    for (const r of results) if (r.status === 'rejected') this.logger.error({ err: r.reason }, 'a runner failed to close');
    this.#metrics.detach();
    this.#removeSignalHandlers();
    this.logger.info(`${this.name} closed`);
  }

  #installSignalHandlers(): void {
    if (this.#signalHandler !== undefined) return;
    let received = false;
    this.#signalHandler = (signal) => {
      if (received) {
        this.logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      received = true;
      this.logger.info({ signal }, 'shutting down');
      this.close().then(
        () => process.exit(0),
        (err: unknown) => {
          this.logger.error({ err }, 'shutdown failed');
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
  }

  #own<T extends object>(fn: T): T {
    this.#mine.add(fn);
    return fn;
  }

  // The built-in endpoints share one Express layer (a Map lookup), so that requests reaching API
  // routes through Express walk as few layers as possible.
  #mountBuiltIns(): void {
    const json = (res: ServerResponse, status: number, body: unknown) => this.#send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
    const runnerStates = () => this.#options.runners.map((r) => ({ name: r.name, ready: r.isReady, ...(r.model?.tag ? { model: r.model.tag } : {}) }));
    let html: string | undefined;
    const endpoints = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>([
      ['/livez', (_req, res) => json(res, 200, { status: 'ok' })],
      ['/healthz', (_req, res) => json(res, 200, { status: 'ok', ready: this.isReady, shuttingDown: this.#shuttingDown, runners: runnerStates() })],
      ['/readyz', (req, res) => {
        if (this.#shuttingDown) return this.#sendError(req, res, createServiceError('MLS_ERR_SERVICE_SHUTTING_DOWN', `${this.name} is shutting down`));
        if (!this.isReady) {
          const waiting = this.#options.runners.filter((r) => !r.isReady).map((r) => r.name);
          return this.#sendError(req, res, createServiceError('MLS_ERR_SERVICE_NOT_READY', `Waiting for runner(s): ${waiting.join(', ')}`, { details: { runners: runnerStates() } }));
        }
        json(res, 200, { status: 'ready', runners: runnerStates() });
      }],
      ['/metrics', (req, res) => {
        this.registry.metrics().then(
          (text) => this.#send(res, 200, this.registry.contentType, text),
          (err: unknown) => this.#sendError(req, res, err),
        );
      }],
      ['/docs.json', (_req, res) => json(res, 200, this.openapi())],
      ['/', (_req, res) => this.#send(res, 200, 'text/html; charset=utf-8', (html ??= swaggerUiHtml(`${this.name} — API`)))],
    ]);
    this.#builtInPaths = new Set(endpoints.keys());
    this.app.use(this.#own((req: IncomingMessage, res: ServerResponse, next: () => void) => {
      const path = pathOf(req.url);
      let state = (req as StatefulRequest)[kState];
      // svc.app used on its own (not through svc.handler): do what the listener does first.
      if (state === undefined) {
        if (this.#begin(req, res, path)) return;
        state = (req as StatefulRequest)[kState]!;
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        const endpoint = endpoints.get(path);
        if (endpoint !== undefined) {
          state.label = path;
          endpoint(req, res);
          return;
        }
        if (path.startsWith('/docs/')) state.label = '/docs';
      }
      next();
    }));
    this.app.use('/docs', this.#own(express.static(swaggerUiDir(), { index: false, maxAge: '1h' })));
  }

  // Express is skipped for an API route only while no user middleware or route stands before it,
  // so `svc.app.use(mw)` before `svc.api()` reaches that API exactly as it would in plain Express.
  #fastRoute(method: string | undefined, path: string): ApiDefinition | undefined {
    if (method !== 'POST') return undefined;
    const stack = (this.app as unknown as { router: { stack: LayerLike[] } }).router.stack;
    if (stack.length !== this.#stackLength) {
      this.#stackLength = stack.length;
      this.#fastRoutes = this.#computeFastRoutes(stack);
    }
    return this.#fastRoutes.get(path);
  }

  #computeFastRoutes(stack: LayerLike[]): Map<string, ApiDefinition> {
    const fast = new Map<string, ApiDefinition>();
    for (const api of this.#apis) {
      for (const layer of stack) {
        const route = layer.route;
        const isOwn = route ? route.stack.every((l) => this.#mine.has(l.handle as object)) : this.#mine.has(layer.handle as object);
        if (isOwn) {
          if (route?.path === api.route) {
            fast.set(api.route, api);
            break;
          }
          continue;
        }
        let matches = true;
        try {
          matches = Boolean(layer.match(api.route)) && (route === undefined || route._handlesMethod('POST'));
        } catch {
          // A layer we cannot inspect might match: stay on the Express path.
        }
        if (matches) break;
      }
    }
    return fast;
  }

  #begin(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const header = req.headers['x-request-id'];
    const id = typeof header === 'string' && kRequestIdRe.test(header) ? header : randomUUID();
    const api = req.method === 'POST' ? this.#routes.get(path) : undefined;
    const state: RequestState = { id, start: performance.now(), inProgress: api?.name ?? 'other', api: undefined, label: undefined };
    (req as StatefulRequest)[kState] = state;
    res.setHeader('x-request-id', id);
    if (this.#shuttingDown) res.setHeader('connection', 'close');
    this.#inFlight++;
    this.#metrics.startRequest(state.inProgress);
    res.on('close', this.#onResponseClose);
    if (this.#options.cors !== undefined && applyCors(this.#options.cors, req, res)) return true;
    if (this.#keyCheck !== undefined && !this.#isPublic(path) && !this.#keyCheck(req)) {
      // Labelled with the API it was meant for, not `unmatched`: a wave of 401s on /predict shows as such.
      state.api = api?.name;
      res.setHeader('www-authenticate', 'Bearer');
      this.#sendError(req, res, createServiceError('MLS_ERR_AUTH_UNAUTHORIZED', 'A valid API key is required: send "Authorization: Bearer <key>" or "x-api-key: <key>"'));
      return true;
    }
    return false;
  }

  #isPublic(path: string): boolean {
    if (kHealthPaths.has(path)) return true;
    if (path === '/metrics') return !this.#options.protectMetrics;
    if (path === '/' || path === '/docs.json' || path.startsWith('/docs/')) return !this.#options.protectDocs;
    return false;
  }

  #end(req: StatefulRequest, res: ServerResponse): void {
    const state = req[kState]!;
    const ms = performance.now() - state.start;
    const routePath = req.route?.path;
    const label = state.api ?? state.label ?? (typeof routePath === 'string' ? routePath : 'unmatched');
    this.#metrics.endRequest(state.inProgress, label, req.method ?? 'GET', res.statusCode, ms / 1000);
    this.#inFlight--;
    if (this.#inFlight === 0 && this.#onDrained !== undefined) this.#onDrained();
    if (!this.logger.isLevelEnabled('info')) return;
    const line: Record<string, unknown> = { reqId: state.id, method: req.method, url: req.url, api: label, statusCode: res.statusCode, durationMs: Math.round(ms * 1000) / 1000 };
    if (!res.writableFinished) line.aborted = true;
    this.logger.info(line, 'request completed');
  }

  #serveApi(api: ApiDefinition, req: IncomingMessage, res: ServerResponse): void {
    const state = (req as StatefulRequest)[kState];
    if (state !== undefined) state.api = api.name;
    const mediaType = mediaTypeOf(req);
    if (!api.input.acceptsMediaType(mediaType)) {
      const error = createServiceError(
        'MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE',
        `The ${api.name} API accepts Content-Type ${api.input.mediaType}, got ${mediaType === '' ? 'none' : `"${mediaType}"`}`,
        { details: { expected: api.input.mediaType, received: mediaType || null } },
      );
      this.#sendError(req, res, error);
      return;
    }
    const parsed = req as StatefulRequest;
    // A body-parsing middleware the user added (express.json()) may already have read the body.
    if (parsed._body === true || req.readableEnded) {
      this.#runApi(api, req, res, parsed.body, undefined);
      return;
    }
    const encoding = req.headers['content-encoding']?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
      // Not inflated here (a small gzip body can inflate to gigabytes); refused rather than parsed as binary.
      const error = createServiceError('MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding "${encoding}" is not supported; send the body uncompressed`, {
        details: { contentEncoding: encoding, supported: ['identity'] },
      });
      this.#sendError(req, res, error);
      return;
    }
    readBody(req, this.#options.bodyLimit, this.#bodyDeadlines, state?.start ?? performance.now(), (err, text) => {
      if (err !== undefined) this.#sendError(req, res, err);
      else this.#runApi(api, req, res, undefined, text);
    });
  }

  /** Decodes the body (`text`, or `body` parsed by a middleware), runs the handler, answers. */
  #runApi(api: ApiDefinition, req: IncomingMessage, res: ServerResponse, body: unknown, text: string | undefined): void {
    let single: boolean;
    let ctx: Context;
    let result: unknown;
    try {
      const decoded = text === undefined ? api.input.decode(body) : api.input.decodeRaw(text);
      single = decoded.single;
      ctx = new Context((req as StatefulRequest)[kState]?.id ?? randomUUID(), req.headers, api.name, this.logger);
      result = api.handler(decoded.value, ctx);
    } catch (err) {
      this.#sendError(req, res, err);
      return;
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') {
      this.#respond(api, req, res, ctx, single, result);
      return;
    }
    const deadlines = this.#handlerDeadlines;
    let settled = false;
    // True for the first of the answer and the timeout, which then cancels the other.
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      if (deadline !== undefined) deadlines!.delete(deadline);
      return true;
    };
    const deadline = deadlines?.add(performance.now(), () => {
      if (settle()) this.#sendError(req, res, createServiceError('MLS_ERR_SERVICE_TIMEOUT', `The ${api.name} API did not answer within ${deadlines.ms} ms`));
    });
    // Promise.resolve returns a native promise as it is, and tames a thenable that throws.
    Promise.resolve(result).then(
      (value) => {
        if (settle()) this.#respond(api, req, res, ctx, single, value);
      },
      (err: unknown) => {
        if (settle()) this.#sendError(req, res, err);
      },
    );
  }

  #respond(api: ApiDefinition, req: IncomingMessage, res: ServerResponse, ctx: Context, single: boolean, result: unknown): void {
    let body: string;
    try {
      body = api.output.encode(single && Array.isArray(result) ? result[0] : result);
    } catch (err) {
      let error = err;
      if (!isMlserveError(err)) {
        this.logger.error({ reqId: ctx.requestId, api: api.name, err }, 'could not encode the result');
        error = createServiceError('MLS_ERR_IO_OUTPUT', `The result of the ${api.name} API could not be encoded as ${api.output.mediaType}`);
      }
      this.#sendError(req, res, error);
      return;
    }
    this.#send(res, 200, `${api.output.mediaType}; charset=utf-8`, body);
  }

  #send(res: ServerResponse, status: number, contentType: string, body: string): void {
    if (res.headersSent || res.destroyed) return;
    res.statusCode = status;
    res.setHeader('content-type', contentType);
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  }

  #sendError(req: IncomingMessage, res: ServerResponse, err: unknown, headers?: Record<string, string>): void {
    let body: ErrorBody & { truncated?: true } = toErrorBody(err);
    const reqId = (req as StatefulRequest)[kState]?.id;
    if (res.destroyed) {
      // The client went away (its body was cut short): nobody to answer, nothing to alarm about.
      this.logger.debug({ reqId, err }, 'client closed the connection');
      return;
    }
    if (!isMlserveError(err)) {
      this.logger.error({ reqId, err }, 'unhandled error');
    } else if (body.statusCode === 503 || body.statusCode === 504) {
      this.logger.warn({ reqId, code: body.code, reason: body.message }, 'request failed');
    } else if (body.statusCode >= 500) {
      // Other 5xx messages come from inside (ONNX Runtime's text in MLS_ERR_RUNNER_INFERENCE, paths,
      // model details): logged with the request id, answered with the code and a generic message.
      this.logger.error({ reqId, code: body.code, reason: body.message, err }, 'request failed');
      const known = (kServiceErrors as Record<string, { message: string } | undefined>)[body.code];
      body = { statusCode: body.statusCode, code: body.code, error: body.error, message: known?.message ?? 'Internal server error' };
    }
    if ((err as { truncated?: unknown } | null)?.truncated === true && body.statusCode < 500) body.truncated = true;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (headers !== undefined) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (body.statusCode === 503) res.setHeader('retry-after', '1');
    // The rest of the body was not read: closing after the answer keeps it off the next request.
    if (body.code === 'MLS_ERR_IO_BODY_TOO_LARGE' || body.code === 'MLS_ERR_IO_BODY_TIMEOUT') res.setHeader('connection', 'close');
    this.#send(res, body.statusCode, 'application/json; charset=utf-8', JSON.stringify(body));
  }

  // Express's final handler: JSON 404/405 for unmatched requests, JSON errors for the rest.
  #finish(err: unknown, req: IncomingMessage, res: ServerResponse, path: string): void {
    if (err !== undefined && err !== null && err !== 'route' && err !== 'router') {
      this.#sendError(req, res, fromMiddlewareError(err));
      return;
    }
    const allowed = new Set<string>(this.#builtInPaths.has(path) || path.startsWith('/docs/') ? ['GET', 'HEAD'] : []);
    const stack = (this.app as unknown as { router: { stack: LayerLike[] } }).router.stack;
    for (const layer of stack) {
      if (layer.route === undefined) continue;
      try {
        if (layer.match(path)) for (const m of layer.route._methods()) allowed.add(m);
      } catch {
        // ignore layers we cannot inspect
      }
    }
    allowed.delete('*');
    // A method allowed on the path that still reached here (/docs/missing.js) found nothing: 404.
    if (allowed.size > 0 && !allowed.has(req.method ?? 'GET')) {
      const allow = [...allowed].join(', ');
      this.#sendError(req, res, createServiceError('MLS_ERR_HTTP_METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; allowed: ${allow}`, { details: { allow: [...allowed] } }), { allow });
      return;
    }
    this.#sendError(req, res, createServiceError('MLS_ERR_HTTP_NOT_FOUND', `No route for ${req.method} ${path}`));
  }
}

/**
 * True for a Service from any installed copy of @mlserve/service (checks a `Symbol.for` brand, not
 * `instanceof`): how a CLI recognizes the service a user's module exports.
 */
export function isService(value: unknown): value is Service {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kServiceBrand] === true;
}

/**
 * Creates a service (BentoML's `bentoml.Service`): declare APIs with `svc.api()`, extend
 * `svc.app`, then `svc.listen()`.
 *
 * @example
 * const svc = createService('titanic_service', { runners: [runner] });
 * svc.api('predict', { input: records(model.pipeline), output: json() }, (rows) => runner.predict(rows));
 * await svc.listen(3000);
 */
export function createService(name: string, options: ServiceOptions = {}): Service {
  return new Service(name, options);
}
