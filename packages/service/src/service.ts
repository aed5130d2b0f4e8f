import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { type Logger, destination, pino } from 'pino';
import { type AccessLog, directAccessLog, loggerAccessLog } from './access-log';
import { createKeyCheck } from './auth';
import { createBuiltInEndpoints, kHealthPaths } from './built-in-endpoints';
import { DeadlineQueue } from '@mlserve/core';
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
import { addV2ToOpenApi } from './v2/openapi-paths';
import { V2ModelSet, type V2RunnerLike } from './v2/model-view';
import { createV2Handler, kV2PublicPaths } from './v2/rest-routes';
import { V2GrpcServer } from './v2/grpc-server';
import { kRepositoryExtension, ModelRepository } from './v2/repository';
import { Monitoring } from './monitoring/monitoring';
import type { ModelMonitor, MonitoredRunner } from './monitoring/model-monitor';
import type { MonitoringOptions } from './monitoring/monitoring-options';

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
  /** The model this API serves: the `model` label of its request metrics (none by default). */
  model?: string;
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
  readonly #v2Models: V2ModelSet;
  readonly #grpcHost: ConstructorParameters<typeof V2GrpcServer>[0];
  readonly #repository: ModelRepository | undefined;
  #grpc: V2GrpcServer | undefined;
  #monitoring: Monitoring | undefined;
  #metricsSource: (() => Promise<string>) | undefined;

  constructor(name: string, options: ServiceOptions = {}) {
    if (typeof name !== 'string' || !kNameRe.test(name)) {
      throw new TypeError('name must be a non-empty string of letters, digits, "_", "-" or "." starting with a letter or "_"');
    }
    this.name = name;
    const o = (this.#options = resolveServiceOptions(options));
    // Written asynchronously (pino flushes what is left when the process exits), access lines
    // buffered on top (access-log.ts): a write per line costs more than the rest of the logging.
    let accessLog: AccessLog;
    if (o.logger === undefined) {
      const dest = destination({ dest: 1, sync: false });
      this.logger = pino({ name, level: o.logLevel }, dest);
      accessLog = directAccessLog(name, dest);
    } else {
      this.logger = o.logger;
      accessLog = loggerAccessLog(o.logger);
    }
    this.#metrics = new ServiceMetrics(o.runners, { processMetrics: o.processMetrics });
    this.registry = this.#metrics.registry;
    this.app = express();
    this.app.disable('x-powered-by');
    this.app.use('/docs', ...swaggerUiMiddleware());
    for (const [path, endpoint] of createBuiltInEndpoints(this)) this.#routes.addBuiltIn(path, endpoint);
    // Also without runners: a model repository may load some at run time.
    const admission = o.admission ? new Admission(o.runners) : undefined;
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
        accessLog.close();
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
      accessLog,
      keyCheck: o.apiKeys.length > 0 ? createKeyCheck(o.apiKeys) : undefined,
      bodyLimit: o.bodyLimit,
      bodyDeadlines: o.requestTimeoutMs === 0 ? undefined : new DeadlineQueue(o.requestTimeoutMs),
      handlerDeadlines: o.timeoutMs === 0 ? undefined : new DeadlineQueue(o.timeoutMs),
      isPublic: (path) => this.#isPublic(path),
      admission,
      budget: new TurnBudget(o.turnBudgetMs),
    };
    this.#v2Models = new V2ModelSet(o.v2 ? o.runners : []);
    // A model loaded or unloaded at run time changes the metrics' runners and the OpenAPI document.
    const events = {
      added: (runner: V2RunnerLike) => {
        this.#metrics.addRunner(runner);
        admission?.addRunner(runner);
        this.#grpc?.updateHealth();
        this.#openapi = undefined;
      },
      removed: (runner: V2RunnerLike) => {
        this.#metrics.removeRunner(runner);
        admission?.removeRunner(runner);
        this.#grpc?.updateHealth();
        this.#openapi = undefined;
      },
    };
    this.#repository = o.v2 && o.modelRepository !== undefined ? new ModelRepository(this.#v2Models, o.modelRepository, events) : undefined;
    const extensions = this.#repository === undefined ? [] : [kRepositoryExtension];
    const v2 = o.v2
      ? createV2Handler({ ...host, name, version: o.version, models: this.#v2Models, extensions, repository: this.#repository, isReady: () => this.isReady })
      : undefined;
    this.handler = createRequestListener({ ...host, v2 });
    const keyCheck = host.keyCheck;
    this.#grpcHost = {
      name,
      version: o.version,
      logger: this.logger,
      models: this.#v2Models,
      extensions,
      maxMessageBytes: o.bodyLimit,
      admission,
      handlerDeadlines: host.handlerDeadlines,
      metrics: this.#metrics,
      keyCheck: keyCheck && ((headers) => keyCheck({ headers } as unknown as IncomingMessage)),
      isReady: () => this.isReady,
    };
  }

  /** The models the Open Inference Protocol (V2) endpoints serve: every runner with `run()`, by name. */
  get v2Models(): V2ModelSet {
    return this.#v2Models;
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
    if (options.model !== undefined && (typeof options.model !== 'string' || options.model === '')) throw new TypeError('options.model must be a non-empty string');
    if (this.#apis.some((a) => a.name === name)) throw new TypeError(`An API named "${name}" is already declared`);
    if (this.#routes.isTaken(route)) throw new TypeError(`options.route "${route}" is already taken`);
    if (this.#options.v2 && (route === '/v2' || route.startsWith('/v2/')))
      throw new TypeError(`options.route "${route}" is under /v2, where the V2 endpoints are (or set the service option v2: false)`);
    const { input, output, description, model } = options;
    const api: ApiDefinition<TInput> = { name, route, method: 'POST', input, output, description, handler, ...(model === undefined ? {} : { model }) };
    this.#apis.push(api as ApiDefinition);
    this.#routes.addApi(api as ApiDefinition);
    this.#openapi = undefined;
    return this;
  }

  /**
   * Removes an API declared with `api()`, at run time too (a model unloaded from the model
   * repository): its route answers 404 from then on, requests already routed to it finish, and
   * the OpenAPI document drops it. Returns false when no API has that name.
   */
  removeApi(name: string): boolean {
    const index = this.#apis.findIndex((a) => a.name === name);
    if (index === -1) return false;
    const [api] = this.#apis.splice(index, 1);
    this.#routes.removeApi(api!.route);
    this.#openapi = undefined;
    return true;
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

  /**
   * Monitors a runner's model and answers its predictions: call `monitor.predict(rows, ctx)` in
   * the handler instead of `runner.predict(rows)`. The first call adds `GET /monitoring/drift`,
   * `/monitoring/performance`, `/monitoring/traffic`, `/monitoring/models`, `POST
   * /monitoring/feedback`, the dashboard at `/dashboard` and the drift and accuracy gauges.
   */
  monitor(runner: MonitoredRunner, options: MonitoringOptions = {}): ModelMonitor {
    if (typeof runner !== 'object' || runner === null || typeof runner.predict !== 'function') throw new TypeError('runner must be a runner (an object with predict())');
    this.#monitoring ??= new Monitoring({
      registry: this.registry,
      logger: this.logger,
      addEndpoint: (path, endpoint) => this.#routes.addBuiltIn(path, endpoint),
      addApi: (name, apiOptions, handler) => this.api(name, apiOptions, handler),
    });
    this.#openapi = undefined;
    return this.#monitoring.add(runner, options);
  }

  /** The OpenAPI 3.1 document, built from the API descriptors (also served at `/docs.json`). */
  openapi(): Record<string, unknown> {
    if (this.#openapi !== undefined) return this.#openapi;
    const document = buildOpenApiDocument({
      name: this.name,
      version: this.#options.version,
      description: this.#options.description,
      apis: this.#apis,
      secured: this.#options.apiKeys.length > 0,
      protectMetrics: this.#options.protectMetrics,
      runners: this.#options.runners,
      extraPaths: this.#monitoring?.openapiPaths(),
    });
    return (this.#openapi = addV2ToOpenApi(document, this.#v2Models, this.#options.apiKeys.length > 0, this.#repository !== undefined));
  }

  /** True once `close()` (or a handled signal) started the shutdown. */
  get isShuttingDown(): boolean {
    return this.#lifecycle.isShuttingDown;
  }

  /** True when every runner is ready and the service is not shutting down (what `/readyz` answers). */
  get isReady(): boolean {
    return !this.isShuttingDown && this.#options.runners.every((r) => r.isReady || this.#repository?.isUnloaded(r.name) === true);
  }

  /**
   * Starts an HTTP server (port 0 picks a free one) and the runners; resolves once listening and,
   * unless `waitForRunners` is false, once every runner is ready.
   */
  async listen(port = 3000, host = '0.0.0.0', options: ListenOptions = {}): Promise<ListenResult & { grpcPort?: number }> {
    const result = await this.#lifecycle.listen(port, host, options);
    const grpcPort = this.#options.grpcPort;
    if (grpcPort === undefined || (this.#v2Models.size === 0 && this.#repository === undefined)) return result;
    const grpc = (this.#grpc = await V2GrpcServer.create(this.#grpcHost));
    try {
      const bound = await grpc.listen(grpcPort, this.#options.grpcHost ?? host);
      Promise.all(this.#options.runners.map((r) => r.ready())).then(
        () => grpc.updateHealth(),
        () => undefined,
      );
      this.logger.info({ grpcPort: bound }, 'V2 gRPC listening');
      return { ...result, grpcPort: bound };
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** The port of the V2 gRPC server once listening (`grpcPort` option), else undefined. */
  get grpcPort(): number | undefined {
    return this.#grpc?.port;
  }

  /**
   * Shuts down gracefully: `/readyz` answers 503, the server stops accepting connections, requests
   * in flight finish (up to `shutdownTimeoutMs`, then connections are cut), runners close.
   * Safe to call more than once.
   */
  close(): Promise<void> {
    // Both start at once: the shutdown is visible (`isShuttingDown`, `/readyz` 503) as close() returns.
    const grpc = this.#grpc?.close(this.#options.shutdownTimeoutMs);
    const http = this.#lifecycle.close();
    return Promise.all([grpc, http]).then(async () => {
      await this.#repository?.close();
      await this.#monitoring?.close();
    });
  }

  #isPublic(path: string): boolean {
    if (kHealthPaths.has(path) || kV2PublicPaths.has(path)) return true;
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
