import type { ApiMap, UntypedApis } from './api-types';
import { httpCall, type ClientResponse, type RequestOptions } from './http-call';
import { type ClientOptions, type ResolvedClientOptions, resolveClientOptions } from './options';
import { V2RestClient } from './v2-rest-client';

/** What `/healthz` answers. */
export interface ServiceHealth {
  status: string;
  ready: boolean;
  shuttingDown: boolean;
  runners: Array<{ name: string; ready: boolean; model?: string }>;
}

/**
 * A client of one mlserve service: its own APIs (`call`), health, OpenAPI document, and the Open
 * Inference Protocol over REST (`v2`). Create one with {@link createClient}; type its APIs with
 * `TApis` (see {@link ApiMap}, {@link OpenApiApis}).
 */
export class MlserveClient<TApis extends ApiMap = UntypedApis> {
  /** The Open Inference Protocol (V2) over REST. */
  readonly v2: V2RestClient;
  readonly #options: ResolvedClientOptions;

  constructor(options: ClientOptions) {
    this.#options = resolveClientOptions(options);
    this.v2 = new V2RestClient(this.#options);
  }

  /** The base URL requests go to. */
  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  /**
   * Calls one of the service's APIs: POSTs `input` as JSON to `/<api>` (or to `api` itself when it
   * starts with `/`) and resolves with the decoded answer, typed by the client's `TApis`.
   */
  async call<K extends keyof TApis & string>(api: K, input: TApis[K]['input'], options: RequestOptions = {}): Promise<TApis[K]['output']> {
    if (typeof api !== 'string' || api === '') throw new TypeError('api must be an API name such as "predict" or a route such as "/predict"');
    return (await this.request<TApis[K]['output']>('POST', api.startsWith('/') ? api : `/${api}`, input, options)).body;
  }

  /** Sends any request and resolves with status, headers, body, request id and attempts (2xx only). */
  request<T = unknown>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<ClientResponse<T>> {
    if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError('path must start with "/"');
    return httpCall<T>(this.#options, method, path, body, options);
  }

  /**
   * Sends any request and resolves with whatever status the service answered (`ok` false for a
   * 4xx or 5xx, whose `body` is the service's error body): for probes and tests that look at a
   * refused request. A 503 is still retried (set `retries: 0` to see the first one); only network
   * failures, timeouts, aborts and invalid JSON reject.
   */
  send<T = unknown>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<ClientResponse<T>> {
    if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError('path must start with "/"');
    return httpCall<T>(this.#options, method, path, body, options, false);
  }

  /** `/healthz`: the service's status and each runner's readiness. */
  async health(options: RequestOptions = {}): Promise<ServiceHealth> {
    return (await this.request<ServiceHealth>('GET', '/healthz', undefined, options)).body;
  }

  /** The service's OpenAPI 3.1 document (`/docs.json`). */
  async openapi(options: RequestOptions = {}): Promise<Record<string, unknown>> {
    return (await this.request<Record<string, unknown>>('GET', '/docs.json', undefined, options)).body;
  }
}

/**
 * Creates a client of a service; `TApis` types `call()` (default: any name, `unknown` in and out).
 *
 * @example
 * const client = createClient<{ predict: { input: Passenger[]; output: Prediction[] } }>({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.KEY });
 * const predictions = await client.call('predict', [{ Age: 22, Sex: 'male' }]); // Prediction[]
 * const answer = await client.v2.infer('titanic_model', { inputs: [...] });
 */
export function createClient<TApis extends ApiMap = UntypedApis>(options: ClientOptions): MlserveClient<TApis> {
  return new MlserveClient<TApis>(options);
}
