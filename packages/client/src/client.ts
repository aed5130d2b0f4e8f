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
 * Inference Protocol over REST (`v2`). Create one with {@link createClient}.
 */
export class MlserveClient {
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
   * starts with `/`) and resolves with the decoded answer. Type it with the API's input and output:
   * `client.call<Passenger[], Prediction[]>('predict', rows)`.
   */
  async call<TInput = unknown, TOutput = unknown>(api: string, input: TInput, options: RequestOptions = {}): Promise<TOutput> {
    return (await this.request<TOutput>('POST', api.startsWith('/') ? api : `/${api}`, input, options)).body;
  }

  /** Sends any request and resolves with status, headers, body, request id and attempts (2xx only). */
  request<T = unknown>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<ClientResponse<T>> {
    if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError('path must start with "/"');
    return httpCall<T>(this.#options, method, path, body, options);
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
 * Creates a client of a service.
 *
 * @example
 * const client = createClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.KEY });
 * const predictions = await client.call('predict', [{ Age: 22, Sex: 'male' }]);
 * const answer = await client.v2.infer('titanic_model', { inputs: [...] });
 */
export function createClient(options: ClientOptions): MlserveClient {
  return new MlserveClient(options);
}
