import type { Logger, LevelWithSilent } from 'pino';
import type { RunnerLike } from './types';
import type { ModelRepositorySource } from './v2/repository';

/** CORS settings; `cors: true` allows every origin. */
export interface CorsOptions {
  /** Allowed origins: `'*'`, one origin, a list, or `true` to reflect the request's origin. */
  origin?: string | string[] | true;
  /** Allow cookies and credentials (sends `Access-Control-Allow-Credentials: true`). */
  credentials?: boolean;
  /** Headers the browser may send (default: the requested ones). */
  allowedHeaders?: string[];
  /** Response headers the browser may read (default: `x-request-id`, `retry-after`). */
  exposedHeaders?: string[];
  /** Seconds a preflight answer may be cached (default 600). */
  maxAge?: number;
}

/** Options of `createService()`. */
export interface ServiceOptions {
  /** Runners the service waits for (readiness), reports (metrics) and closes (shutdown). */
  runners?: RunnerLike[];
  /** Largest request body, in bytes or as `'512kb'`, `'1mb'` (default 1 MiB). */
  bodyLimit?: number | string;
  /** Accepted API keys. Default: `MLSERVE_API_KEYS` (comma separated); none means no authentication. */
  apiKeys?: string[];
  /** Require an API key for `/metrics` too (default false; health endpoints are always open). */
  protectMetrics?: boolean;
  /** Require an API key for `/`, `/docs.json` and the Swagger UI files (default false). */
  protectDocs?: boolean;
  /** CORS for every route: `true`, or {@link CorsOptions} (default off). */
  cors?: boolean | CorsOptions;
  /** A pino logger to use (a child is created per request). */
  logger?: Logger;
  /** Level of the service's own pino logger when `logger` is absent (default `MLSERVE_LOG_LEVEL` or `info`). */
  logLevel?: LevelWithSilent;
  /** How long `close()` waits for in-flight requests before cutting connections (default 10000). */
  shutdownTimeoutMs?: number;
  /** Longest an API handler may run before the client gets 504 (default 60000; 0 disables). */
  timeoutMs?: number;
  /** Longest the body of an API request may take to arrive before the client gets 408 (default 30000; 0 disables). */
  requestTimeoutMs?: number;
  /** Version shown in the OpenAPI document (default `'0.0.0'`). */
  version?: string;
  /** Description shown in the OpenAPI document and Swagger UI. */
  description?: string;
  /** Most open connections; past 90 % of it idle keep-alive connections are closed, past it new ones are dropped (default 4096). */
  maxConnections?: number;
  /** Longest a client may take to send the request line and headers before it gets 408 (default 10000). */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept open (default 5000). */
  keepAliveTimeoutMs?: number;
  /** Refuse API requests with 503 from their declared size when the runners cannot serve them within their latency budget (default true). */
  admission?: boolean;
  /** Most main-thread time one event-loop turn spends decoding and dispatching API requests before the rest waits for the next turn (default 5). */
  turnBudgetMs?: number;
  /** Collect Node process metrics (`mlserve_process_*`, `mlserve_nodejs_*`) in this service's registry (default true). */
  processMetrics?: boolean;
  /** Serve the Open Inference Protocol (V2) REST endpoints under `/v2` for every runner with `run()` (default true). */
  v2?: boolean;
  /** Serve the V2 protocol over gRPC (and the gRPC health service) on this port too (0: a free port; default `MLSERVE_GRPC_PORT`, else off). */
  grpcPort?: number;
  /** Address the gRPC server binds (default: the host given to `listen()`). */
  grpcHost?: string;
  /** Enables the V2 model repository extension (`/v2/repository/...`: list, load, unload models at run time); needs `apiKeys` (default off). */
  modelRepository?: ModelRepositorySource;
}

/** Defaults of {@link ServiceOptions}. */
export const kDefaultServiceOptions = {
  bodyLimit: 1024 * 1024,
  protectMetrics: false,
  protectDocs: false,
  shutdownTimeoutMs: 10_000,
  timeoutMs: 60_000,
  requestTimeoutMs: 30_000,
  version: '0.0.0',
  processMetrics: true,
  maxConnections: 4096,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  admission: true,
  turnBudgetMs: 5,
  v2: true,
} as const;

/** Options after validation and defaults. */
export interface ResolvedServiceOptions {
  runners: RunnerLike[];
  bodyLimit: number;
  apiKeys: string[];
  protectMetrics: boolean;
  protectDocs: boolean;
  cors: CorsOptions | undefined;
  logger: Logger | undefined;
  logLevel: LevelWithSilent;
  shutdownTimeoutMs: number;
  timeoutMs: number;
  requestTimeoutMs: number;
  version: string;
  description: string | undefined;
  processMetrics: boolean;
  maxConnections: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  admission: boolean;
  v2: boolean;
  grpcPort: number | undefined;
  grpcHost: string | undefined;
  modelRepository: ModelRepositorySource | undefined;
  turnBudgetMs: number;
}

const kLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const kUnits: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Parses `1048576`, `'512kb'`, `'1mb'` into bytes; `undefined` when it is not a size. */
export function parseBytes(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) return undefined;
  const bytes = Math.floor(Number(match[1]) * kUnits[(match[2] ?? 'b').toLowerCase()]!);
  return bytes > 0 ? bytes : undefined;
}

function checkBoolean(options: Record<string, unknown>, name: string): void {
  if (options[name] !== undefined && typeof options[name] !== 'boolean') throw new TypeError(`options.${name} must be a boolean`);
}

function checkNonNegativeInteger(options: Record<string, unknown>, name: string): void {
  const v = options[name];
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
    throw new RangeError(`options.${name} must be a non-negative integer`);
  }
}

function checkPositiveInteger(options: Record<string, unknown>, name: string): void {
  const v = options[name];
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) throw new RangeError(`options.${name} must be a positive integer`);
}

/** The API keys a service accepts by default: `MLSERVE_API_KEYS`, comma separated (what the CLI's `--api-key` sets). */
export function apiKeysFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.MLSERVE_API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

/** Validates options (errors name the option) and applies defaults and environment variables. */
export function resolveServiceOptions(options: ServiceOptions, env: NodeJS.ProcessEnv = process.env): ResolvedServiceOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const o = options as Record<string, unknown>;
  const runners = options.runners ?? [];
  if (!Array.isArray(runners)) throw new TypeError('options.runners must be an array of runners');
  runners.forEach((r, i) => {
    const ok = typeof r === 'object' && r !== null && typeof r.name === 'string' && typeof r.ready === 'function' && typeof r.close === 'function';
    if (!ok) throw new TypeError(`options.runners[${i}] must be a runner (name, isReady, ready(), close())`);
  });
  const names = new Set<string>();
  for (const r of runners) {
    if (names.has(r.name)) throw new TypeError(`options.runners has two runners named "${r.name}"`);
    names.add(r.name);
  }
  let bodyLimit: number = kDefaultServiceOptions.bodyLimit;
  if (options.bodyLimit !== undefined) {
    const parsed = typeof options.bodyLimit === 'number' || typeof options.bodyLimit === 'string' ? parseBytes(options.bodyLimit) : undefined;
    if (parsed === undefined) throw new RangeError("options.bodyLimit must be a positive integer (bytes) or a size such as '1mb'");
    bodyLimit = parsed;
  }
  let apiKeys: string[];
  if (options.apiKeys !== undefined) {
    if (!Array.isArray(options.apiKeys) || !options.apiKeys.every((k) => typeof k === 'string' && k.length > 0)) {
      throw new TypeError('options.apiKeys must be an array of non-empty strings');
    }
    apiKeys = [...options.apiKeys];
  } else {
    apiKeys = apiKeysFromEnv(env);
  }
  for (const name of ['protectMetrics', 'protectDocs', 'processMetrics', 'admission', 'v2']) checkBoolean(o, name);
  for (const name of ['maxConnections', 'headersTimeoutMs', 'keepAliveTimeoutMs', 'turnBudgetMs']) checkPositiveInteger(o, name);
  checkNonNegativeInteger(o, 'shutdownTimeoutMs');
  checkNonNegativeInteger(o, 'timeoutMs');
  checkNonNegativeInteger(o, 'requestTimeoutMs');
  let cors: CorsOptions | undefined;
  if (options.cors === true) cors = { origin: '*' };
  else if (options.cors === undefined || options.cors === false) cors = undefined;
  else if (typeof options.cors === 'object' && options.cors !== null) cors = { origin: '*', ...options.cors };
  else throw new TypeError('options.cors must be a boolean or an object');
  if (cors !== undefined) {
    const origin = cors.origin;
    const okOrigin = origin === true || typeof origin === 'string' || (Array.isArray(origin) && origin.every((x) => typeof x === 'string'));
    if (!okOrigin) throw new TypeError('options.cors.origin must be a string, an array of strings or true');
    if (cors.maxAge !== undefined && (!Number.isInteger(cors.maxAge) || cors.maxAge < 0)) {
      throw new RangeError('options.cors.maxAge must be a non-negative integer');
    }
  }
  if (options.logger !== undefined && (typeof options.logger !== 'object' || typeof options.logger.child !== 'function')) {
    throw new TypeError('options.logger must be a pino logger');
  }
  const logLevel = options.logLevel ?? (env.MLSERVE_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info';
  if (!kLevels.includes(logLevel)) throw new TypeError(`options.logLevel must be one of ${kLevels.join(', ')}`);
  const grpcPort = options.grpcPort ?? (env.MLSERVE_GRPC_PORT ? Number(env.MLSERVE_GRPC_PORT) : undefined);
  if (grpcPort !== undefined && (!Number.isInteger(grpcPort) || grpcPort < 0 || grpcPort > 65535)) {
    throw new RangeError(`options.grpcPort${options.grpcPort === undefined ? ' (MLSERVE_GRPC_PORT)' : ''} must be an integer between 0 and 65535`);
  }
  if (options.grpcHost !== undefined && (typeof options.grpcHost !== 'string' || options.grpcHost === '')) throw new TypeError('options.grpcHost must be a non-empty string');
  const repo = options.modelRepository;
  if (repo !== undefined) {
    if (typeof repo !== 'object' || repo === null || typeof repo.list !== 'function' || typeof repo.load !== 'function')
      throw new TypeError('options.modelRepository must be { list(), load(name) }');
    for (const hook of ['loaded', 'unloaded'] as const)
      if (repo[hook] !== undefined && typeof repo[hook] !== 'function') throw new TypeError(`options.modelRepository.${hook} must be a function`);
    if (apiKeys.length === 0) throw new TypeError('options.modelRepository needs options.apiKeys: loading and unloading models must not be open to anyone');
  }
  if (options.version !== undefined && typeof options.version !== 'string') throw new TypeError('options.version must be a string');
  if (options.description !== undefined && typeof options.description !== 'string') throw new TypeError('options.description must be a string');
  return {
    runners: [...runners],
    bodyLimit,
    apiKeys,
    protectMetrics: options.protectMetrics ?? kDefaultServiceOptions.protectMetrics,
    protectDocs: options.protectDocs ?? kDefaultServiceOptions.protectDocs,
    cors,
    logger: options.logger,
    logLevel,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? kDefaultServiceOptions.shutdownTimeoutMs,
    timeoutMs: options.timeoutMs ?? kDefaultServiceOptions.timeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? kDefaultServiceOptions.requestTimeoutMs,
    version: options.version ?? kDefaultServiceOptions.version,
    description: options.description,
    processMetrics: options.processMetrics ?? kDefaultServiceOptions.processMetrics,
    maxConnections: options.maxConnections ?? kDefaultServiceOptions.maxConnections,
    headersTimeoutMs: options.headersTimeoutMs ?? kDefaultServiceOptions.headersTimeoutMs,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? kDefaultServiceOptions.keepAliveTimeoutMs,
    admission: options.admission ?? kDefaultServiceOptions.admission,
    turnBudgetMs: options.turnBudgetMs ?? kDefaultServiceOptions.turnBudgetMs,
    v2: options.v2 ?? kDefaultServiceOptions.v2,
    grpcPort,
    grpcHost: options.grpcHost,
    modelRepository: repo,
  };
}
