import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { type Logger, destination, pino } from 'pino';
import { createKeyCheck } from './auth';
import { createBuiltInEndpoints, kHealthPaths } from './built-in-endpoints';
import { DeadlineQueue } from './deadline-queue';
import { createRequestListener, type DispatchHost } from './dispatch';
import type { IODescriptor } from './io-descriptor';
import { Lifecycle, type ListenOptions, type ListenResult } from './lifecycle';
import { ServiceMetrics } from './metrics';
import type { ApiMiddleware } from './middleware-chain';
import { type ApiDefinition, buildOpenApiDocument } from './openapi';
import { type ResolvedServiceOptions, type ServiceOptions, resolveServiceOptions } from './options';
import { RouteTable } from './route-table';
import { serverOptions, setUpServer } from './server-setup';
import { TurnBudget } from './turn-budget';
import { Admission } from './admission';
import { swaggerUiAssets, swaggerUiMiddleware } from './swagger-ui';
import type { ApiHandler, RunnerLike } from './types';

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

const kServiceBrand = Symbol.for('mlserve.service');
const kRouteRe = /^\/[A-Za-z0-9._~\-/]*$/;
const kNameRe = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * A service: named APIs with validated IO, an OpenAPI document and Swagger UI, health and metrics
 * endpoints. A node:http core serves the APIs and built-in endpoints; every other request goes to
 * the Express 5 app `svc.app`. Create one with {@link createService}.
 */
export class Service {
  /** The service name (OpenAPI title, logs). */
  readonly name: string;
  /** The Express app for your own routes and middleware (API routes never reach it: see `use()`). */
  readonly app: Express;
  /** The pino logger the service logs with. */
  readonly logger: Logger;
  /** The Prometheus registry of this service (not prom-client's global one). */
  readonly registry: ServiceMetrics['registry'];
  /** Brand read by {@link isService}: survives two installed copies of this package. */
  readonly [kServiceBrand] = true;
  /** The node:http request listener `listen()` uses; pass it to your own (https) server if needed. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;

  readonly #options: ResolvedServiceOptions;
  readonly #apis: ApiDefinition[] = [];
  readonly #routes = new RouteTable('/docs/', swaggerUiAssets());
  readonly #middleware: ApiMiddleware[] = [];
  readonly #metrics: ServiceMetrics;
  readonly #lifecycle: Lifecycle;
  #openapi: Record<string, unknown> | undefined;
  #metricsSource: (() => Promise<string>) | undefined;

  constructor(name: string, options: ServiceOptions = {}) {
    if (typeof name !== 'string' || !kNameRe.test(name)) {
      throw new TypeError('name must be a non-empty string of letters, digits, "_", "-" or "." starting with a letter or "_"');
    }
    this.name = name;
    const o = (this.#options = resolveServiceOptions(options));
    // Written asynchronously (pino flushes what is left when the process exits): a synchronous
    // write per access-log line costs more main-thread time than the rest of the logging.
    this.logger = o.logger ?? pino({ name, level: o.logLevel }, destination({ dest: 1, sync: false }));
    this.#metrics = new ServiceMetrics(o.runners, { processMetrics: o.processMetrics });
    this.registry = this.#metrics.registry;
    this.app = express();
    this.app.disable('x-powered-by');
    this.app.use('/docs', ...swaggerUiMiddleware());
    for (const [path, endpoint] of createBuiltInEndpoints(this)) this.#routes.addBuiltIn(path, endpoint);
    const admission = o.admission && o.runners.length > 0 ? new Admission(o.runners) : undefined;
    this.#lifecycle = new Lifecycle({
      name,
      logger: this.logger,
      runners: o.runners,
      shutdownTimeoutMs: o.shutdownTimeoutMs,
      handler: (req, res) => this.handler(req, res),
      serverOptions: serverOptions(o),
      configure: (server) => setUpServer(server, o, this.logger),
      routes: () => this.#apis.map((a) => a.route),
      closed: () => {
        this.#metrics.detach();
        admission?.detach();
      },
    });
    const host: DispatchHost = {
      app: this.app,
      logger: this.logger,
      routes: this.#routes,
      lifecycle: this.#lifecycle,
      metrics: this.#metrics,
      middleware: this.#middleware,
      cors: o.cors,
      keyCheck: o.apiKeys.length > 0 ? createKeyCheck(o.apiKeys) : undefined,
      bodyLimit: o.bodyLimit,
      bodyDeadlines: o.requestTimeoutMs === 0 ? undefined : new DeadlineQueue(o.requestTimeoutMs),
      handlerDeadlines: o.timeoutMs === 0 ? undefined : new DeadlineQueue(o.timeoutMs),
      isPublic: (path) => this.#isPublic(path),
      admission,
      budget: new TurnBudget(o.turnBudgetMs),
    };
    this.handler = createRequestListener(host);
  }

  /**
   * Makes `/metrics` answer what `source` resolves with (Prometheus text) instead of this
   * service's own registry; `undefined` goes back to the registry. `mlserve serve --api-workers N`
   * uses it so that every process answers the metrics of all of them, aggregated.
   */
  setMetricsSource(source: (() => Promise<string>) | undefined): void {
    if (source !== undefined && typeof source !== 'function') throw new TypeError('source must be a function or undefined');
    this.#metricsSource = source;
  }

  /** The text `/metrics` answers. */
  metricsText(): Promise<string> {
    return this.#metricsSource ? this.#metricsSource() : this.registry.metrics();
  }

  /** The runners passed in the options. */
  get runners(): readonly RunnerLike[] {
    return this.#options.runners;
  }

  /** The declared APIs, in declaration order. */
  get apis(): readonly ApiDefinition[] {
    return this.#apis;
  }

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
    if (this.#routes.isTaken(route)) throw new TypeError(`options.route "${route}" is already taken`);
    const api: ApiDefinition<TInput> = { name, route, method: 'POST', input: options.input, output: options.output, description: options.description, handler };
    this.#apis.push(api as ApiDefinition);
    this.#routes.addApi(api as ApiDefinition);
    this.#openapi = undefined;
    return this;
  }

  /**
   * Adds a Connect-style middleware `(req, res, next)` run, in the order added, for every API route
   * (whether declared before or after), after the request id, CORS and API-key check and before the
   * body is read. `next(err)` answers with the JSON error body of `err`; answering `res` ends the
   * request there. Middleware for anything else goes on `svc.app`.
   */
  use(middleware: ApiMiddleware): this {
    if (typeof middleware !== 'function') throw new TypeError('middleware must be a function (req, res, next)');
    this.#middleware.push(middleware);
    return this;
  }

  /** The OpenAPI 3.1 document, built from the API descriptors (also served at `/docs.json`). */
  openapi(): Record<string, unknown> {
    return (this.#openapi ??= buildOpenApiDocument({
      name: this.name,
      version: this.#options.version,
      description: this.#options.description,
      apis: this.#apis,
      secured: this.#options.apiKeys.length > 0,
      protectMetrics: this.#options.protectMetrics,
      runners: this.#options.runners,
    }));
  }

  /** True once `close()` (or a handled signal) started the shutdown. */
  get isShuttingDown(): boolean {
    return this.#lifecycle.isShuttingDown;
  }

  /** True when every runner is ready and the service is not shutting down (what `/readyz` answers). */
  get isReady(): boolean {
    return !this.isShuttingDown && this.#options.runners.every((r) => r.isReady);
  }

  /**
   * Starts an HTTP server (port 0 picks a free one) and the runners; resolves once listening and,
   * unless `waitForRunners` is false, once every runner is ready.
   */
  listen(port = 3000, host = '0.0.0.0', options: ListenOptions = {}): Promise<ListenResult> {
    return this.#lifecycle.listen(port, host, options);
  }

  /**
   * Shuts down gracefully: `/readyz` answers 503, the server stops accepting connections, requests
   * in flight finish (up to `shutdownTimeoutMs`, then connections are cut), runners close.
   * Safe to call more than once.
   */
  close(): Promise<void> {
    return this.#lifecycle.close();
  }

  #isPublic(path: string): boolean {
    if (kHealthPaths.has(path)) return true;
    if (path === '/metrics') return !this.#options.protectMetrics;
    if (path === '/' || path === '/docs' || path === '/docs.json' || this.#routes.isAssetPath(path)) return !this.#options.protectDocs;
    return false;
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
 * Creates a service (BentoML's `bentoml.Service`): declare APIs with `svc.api()`, add API middleware
 * with `svc.use()`, extend `svc.app`, then `svc.listen()`.
 *
 * @example
 * const svc = createService('titanic_service', { runners: [runner] });
 * svc.api('predict', { input: records(model.pipeline), output: json() }, (rows) => runner.predict(rows));
 * await svc.listen(3000);
 */
export function createService(name: string, options: ServiceOptions = {}): Service {
  return new Service(name, options);
}

