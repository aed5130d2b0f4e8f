import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiDefinition } from './openapi';

/** A built-in endpoint: answers a GET (or HEAD) in full. */
export type Endpoint = (req: IncomingMessage, res: ServerResponse) => void;

/** Where the core sends a request. */
export type RouteMatch =
  | { readonly kind: 'api'; readonly api: ApiDefinition }
  | { readonly kind: 'built-in'; readonly path: string; readonly endpoint: Endpoint }
  /** A Swagger UI asset: served by the docs middleware on the Express app. */
  | { readonly kind: 'asset' }
  /** `OPTIONS` on a path of the core: answered 204 with `Allow`. */
  | { readonly kind: 'options'; readonly allow: readonly string[] }
  /** The path is the core's, for other methods only. */
  | { readonly kind: 'wrong-method'; readonly allow: readonly string[] }
  /** A path under the assets prefix with no such file. */
  | { readonly kind: 'missing' };

const kGetMethods = ['GET', 'HEAD'] as const;
const kApiMethods = ['POST'] as const;

/**
 * The paths the core owns: the APIs (POST), the built-in endpoints and the Swagger UI assets (GET,
 * HEAD). Everything else belongs to the Express app. 404 and 405 of the core's own paths come from
 * here, so they never depend on how another router is built.
 */
export class RouteTable {
  readonly #apis = new Map<string, ApiDefinition>();
  readonly #builtIns = new Map<string, Endpoint>();
  readonly #assetPrefix: string;
  readonly #assets: ReadonlySet<string>;

  /** `assets`: the file names served under `assetPrefix` (`/docs/`). */
  constructor(assetPrefix: string, assets: Iterable<string>) {
    this.#assetPrefix = assetPrefix;
    this.#assets = new Set(assets);
  }

  /** True when `path` is already an API, a built-in endpoint or under the assets prefix. */
  isTaken(path: string): boolean {
    return this.#apis.has(path) || this.#builtIns.has(path) || path.startsWith(this.#assetPrefix) || `${path}/` === this.#assetPrefix;
  }

  /** Adds a built-in endpoint (GET and HEAD). */
  addBuiltIn(path: string, endpoint: Endpoint): void {
    this.#builtIns.set(path, endpoint);
  }

  /** Adds an API route (POST). */
  addApi(api: ApiDefinition): void {
    this.#apis.set(api.route, api);
  }

  /** Removes the API route at `path` (requests already routed to it keep their API). */
  removeApi(path: string): void {
    this.#apis.delete(path);
  }

  /** The API at `path` (any method), for labelling requests before they are routed. */
  apiAt(path: string): ApiDefinition | undefined {
    return this.#apis.get(path);
  }

  /** True for a path under the assets prefix. */
  isAssetPath(path: string): boolean {
    return path.startsWith(this.#assetPrefix);
  }

  /** Where `method path` goes; `undefined` when the core does not own the path (Express's turn). */
  match(method: string, path: string): RouteMatch | undefined {
    if (method === 'OPTIONS') {
      const allow = this.#allowed(path);
      return allow === undefined ? undefined : { kind: 'options', allow: [...allow, 'OPTIONS'] };
    }
    const api = this.#apis.get(path);
    if (api !== undefined) return method === 'POST' ? { kind: 'api', api } : { kind: 'wrong-method', allow: kApiMethods };
    const isGet = method === 'GET' || method === 'HEAD';
    const endpoint = this.#builtIns.get(path);
    if (endpoint !== undefined) return isGet ? { kind: 'built-in', path, endpoint } : { kind: 'wrong-method', allow: kGetMethods };
    if (!path.startsWith(this.#assetPrefix)) return undefined;
    if (!isGet) return { kind: 'wrong-method', allow: kGetMethods };
    return this.#assets.has(path.slice(this.#assetPrefix.length)) ? { kind: 'asset' } : { kind: 'missing' };
  }

  #allowed(path: string): readonly string[] | undefined {
    if (this.#apis.has(path)) return kApiMethods;
    if (this.#builtIns.has(path) || path.startsWith(this.#assetPrefix)) return kGetMethods;
    return undefined;
  }
}
