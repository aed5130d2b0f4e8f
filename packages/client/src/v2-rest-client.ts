import { isMlserveError } from '@mlserve/errors';
import { httpCall, type RequestOptions } from './http-call';
import type { ResolvedClientOptions } from './options';
import type { V2Client, V2InferRequest, V2InferResponse, V2ModelMetadata, V2ServerMetadata } from './v2-types';

function modelPath(name: string, version: string | undefined): string {
  if (typeof name !== 'string' || name === '') throw new TypeError('name must be a non-empty string');
  const base = `/v2/models/${encodeURIComponent(name)}`;
  return version === undefined || version === '' ? base : `${base}/versions/${encodeURIComponent(version)}`;
}

/** The Open Inference Protocol (V2) over REST, for `client.v2`. */
export class V2RestClient implements V2Client {
  readonly #options: ResolvedClientOptions;

  constructor(options: ResolvedClientOptions) {
    this.#options = options;
  }

  async serverLive(options: RequestOptions = {}): Promise<boolean> {
    return (await httpCall<{ live: boolean }>(this.#options, 'GET', '/v2/health/live', undefined, options)).body.live === true;
  }

  async serverReady(options: RequestOptions = {}): Promise<boolean> {
    return this.#readiness('/v2/health/ready', options);
  }

  async modelReady(name: string, version?: string, options: RequestOptions = {}): Promise<boolean> {
    return this.#readiness(`${modelPath(name, version)}/ready`, options);
  }

  async serverMetadata(options: RequestOptions = {}): Promise<V2ServerMetadata> {
    return (await httpCall<V2ServerMetadata>(this.#options, 'GET', '/v2', undefined, options)).body;
  }

  async modelMetadata(name: string, version?: string, options: RequestOptions = {}): Promise<V2ModelMetadata> {
    return (await httpCall<V2ModelMetadata>(this.#options, 'GET', modelPath(name, version), undefined, options)).body;
  }

  async infer(name: string, request: V2InferRequest, options: RequestOptions & { version?: string } = {}): Promise<V2InferResponse> {
    return (await httpCall<V2InferResponse>(this.#options, 'POST', `${modelPath(name, options.version)}/infer`, request, options)).body;
  }

  // Not ready is an answer (503 with `ready: false`), not an error; no retries for a probe.
  async #readiness(path: string, options: RequestOptions): Promise<boolean> {
    try {
      return (await httpCall<{ ready?: boolean }>({ ...this.#options, retries: 0 }, 'GET', path, undefined, options)).body.ready === true;
    } catch (err) {
      if (isMlserveError(err) && err.statusCode === 503) return false;
      throw err;
    }
  }
}
