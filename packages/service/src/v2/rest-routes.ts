import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMlserveError, toErrorBody } from '@mlserve/errors';
import type { ApiCallHost } from '../api-call';
import { readBody } from '../body-reader';
import { createServiceError, kServiceErrors } from '../errors';
import { send } from '../error-response';
import { mediaTypeOf, stateOf } from '../request-state';
import { compileSchema, createValidationError, toIssues } from '../validation';
import { type V2InferRequest, infer } from './inference';
import type { V2Model, V2ModelSet } from './model-view';
import type { ModelRepository } from './repository';
import { kInferenceRequestSchema } from './schemas';

/** What the V2 REST endpoints need of their service. */
export interface V2Host extends ApiCallHost {
  /** Server name and version (`GET /v2`). */
  readonly name: string;
  readonly version: string;
  readonly models: V2ModelSet;
  /** Extensions named in the server metadata. */
  readonly extensions: readonly string[];
  /** The model repository extension (absent: off, its paths answer 404). */
  readonly repository?: ModelRepository | undefined;
  /** True when every runner is ready and the service is not shutting down. */
  isReady(): boolean;
}

/** The V2 health endpoints, open without an API key like `/livez` and `/readyz`. */
export const kV2PublicPaths: ReadonlySet<string> = new Set(['/v2/health/live', '/v2/health/ready']);

/** Answers a request whose path is `/v2` or under `/v2/`. */
export type V2Handler = (req: IncomingMessage, res: ServerResponse, path: string) => void;

/** A parsed V2 path: which endpoint, and of which model. */
type V2Route =
  | { kind: 'server-metadata' | 'live' | 'ready' }
  | { kind: 'model-metadata' | 'model-ready' | 'infer'; name: string; version: string | undefined }
  | { kind: 'repository-index' }
  | { kind: 'repository-load' | 'repository-unload'; name: string }
  | { kind: 'unknown' };

const kModelEndpoints: ReadonlyMap<string, 'model-metadata' | 'model-ready' | 'infer'> = new Map([
  ['', 'model-metadata'],
  ['ready', 'model-ready'],
  ['infer', 'infer'],
]);

/** Parses `/v2/...` into an endpoint; segments are percent-decoded. */
export function parseV2Path(path: string): V2Route {
  const trimmed = path.endsWith('/') && path.length > 3 ? path.slice(0, -1) : path;
  if (trimmed === '/v2') return { kind: 'server-metadata' };
  if (trimmed === '/v2/health/live') return { kind: 'live' };
  if (trimmed === '/v2/health/ready') return { kind: 'ready' };
  const parts = trimmed.split('/').slice(2);
  if (parts[0] === 'repository') {
    if (parts.length === 2 && parts[1] === 'index') return { kind: 'repository-index' };
    const name = parts.length === 4 && parts[1] === 'models' ? decode(parts[2]!) : undefined;
    if (name === undefined || name === '' || (parts[3] !== 'load' && parts[3] !== 'unload')) return { kind: 'unknown' };
    return { kind: parts[3] === 'load' ? 'repository-load' : 'repository-unload', name };
  }
  if (parts[0] !== 'models' || parts.length < 2) return { kind: 'unknown' };
  let rest = parts.slice(2);
  let version: string | undefined;
  if (rest[0] === 'versions') {
    if (rest.length < 2) return { kind: 'unknown' };
    version = decode(rest[1]!) ?? '';
    rest = rest.slice(2);
  }
  if (rest.length > 1) return { kind: 'unknown' };
  const kind = kModelEndpoints.get(rest[0] ?? '');
  const name = decode(parts[1]!);
  if (kind === undefined || name === undefined || name === '' || version === '') return { kind: 'unknown' };
  return { kind, name, version };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Sends a V2 JSON body. */
function sendV2(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

/**
 * Answers an error as V2 does, `{ "error": "<message>" }` (with the mlserve `code` beside it), at
 * the status of the error. 5xx other than 503/504 get a generic message; the real one is logged.
 */
export function sendV2Error(host: Pick<V2Host, 'logger'>, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (res.destroyed) return;
  const body = toErrorBody(err);
  let message = body.message;
  if (!isMlserveError(err)) host.logger.error({ reqId: stateOf(req)?.id, err }, 'unhandled error');
  else if (body.statusCode >= 500 && body.statusCode !== 503 && body.statusCode !== 504) {
    host.logger.error({ reqId: stateOf(req)?.id, code: body.code, reason: body.message, err }, 'request failed');
    message = (kServiceErrors as Record<string, { message: string } | undefined>)[body.code]?.message ?? 'Internal server error';
  }
  if (body.statusCode === 503 && !res.hasHeader('retry-after')) res.setHeader('retry-after', '1');
  if (body.code === 'MLS_ERR_IO_BODY_TOO_LARGE' || body.code === 'MLS_ERR_IO_BODY_TIMEOUT') res.setHeader('connection', 'close');
  sendV2(res, body.statusCode, { error: message, code: body.code });
}

/** The V2 REST endpoints of a service (health, metadata, inference), behind one request handler. */
export function createV2Handler(host: V2Host): V2Handler {
  // Not allErrors: a large wrong body would build an error per element.
  const validate = compileSchema(kInferenceRequestSchema, false);
  const notFound = (what: string) => createServiceError('MLS_ERR_HTTP_NOT_FOUND', what);

  const findModel = (name: string, version: string | undefined): V2Model => {
    const model = host.models.get(name);
    if (model === undefined)
      throw notFound(
        `Unknown model "${name}"; served: ${
          host.models
            .all()
            .map((m) => `"${m.name}"`)
            .join(', ') || 'none'
        }`,
      );
    if (!model.hasVersion(version)) throw notFound(`Model "${name}" has no version "${version}"${model.version === undefined ? '' : `; its version is "${model.version}"`}`);
    return model;
  };

  const serveInfer = (req: IncomingMessage, res: ServerResponse, model: V2Model): void => {
    const mediaType = mediaTypeOf(req);
    if (mediaType !== '' && mediaType !== 'application/json') {
      return sendV2Error(
        host,
        req,
        res,
        createServiceError('MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE', `V2 inference accepts Content-Type application/json, got "${mediaType.slice(0, 100)}"`),
      );
    }
    const state = stateOf(req);
    if (host.admission !== undefined && state !== undefined) {
      const declared = Number(req.headers['content-length']);
      const rows = host.admission.estimateRows(Number.isFinite(declared) ? declared : 0);
      const refusal = host.admission.admit(rows);
      if (refusal !== undefined) {
        req.resume();
        res.setHeader('retry-after', String(refusal.retryAfterS));
        return sendV2Error(host, req, res, createServiceError('MLS_ERR_SERVICE_OVERLOADED', `Service is overloaded, retry in ${refusal.retryAfterS} s: ${refusal.reason}`));
      }
      state.admitted = rows;
    }
    readBody(req, host.bodyLimit, host.bodyDeadlines, state?.start ?? performance.now(), (err, text) => {
      if (err !== undefined) return sendV2Error(host, req, res, err);
      host.budget.run(() => runInfer(req, res, model, text));
    });
  };

  const runInfer = (req: IncomingMessage, res: ServerResponse, model: V2Model, text: string): void => {
    let request: V2InferRequest;
    try {
      request = JSON.parse(text) as V2InferRequest;
    } catch (err) {
      return sendV2Error(host, req, res, createServiceError('MLS_ERR_IO_MALFORMED_JSON', `Request body is not valid JSON: ${(err as Error).message}`));
    }
    if (!validate(request)) return sendV2Error(host, req, res, createValidationError(toIssues(validate.errors ?? [])));
    if (host.admission !== undefined) host.admission.learn(text.length, request.inputs[0]?.shape[0] ?? 1);
    const deadlines = host.handlerDeadlines;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      if (deadline !== undefined) deadlines!.delete(deadline);
      return true;
    };
    const deadline = deadlines?.add(performance.now(), () => {
      if (settle()) sendV2Error(host, req, res, createServiceError('MLS_ERR_SERVICE_TIMEOUT', `Model "${model.name}" did not answer within ${deadlines.ms} ms`));
    });
    infer(model, request).then(
      (result) => {
        if (settle()) sendV2(res, 200, { ...result, outputs: result.outputs.map((o) => ({ ...o, data: toJsonArray(o.data) })) });
      },
      (err: unknown) => {
        if (settle()) sendV2Error(host, req, res, err);
      },
    );
  };

  return (req, res, path) => {
    const method = req.method ?? 'GET';
    const route = parseV2Path(path);
    const state = stateOf(req);
    const isGet = method === 'GET' || method === 'HEAD';
    try {
      const repository = host.repository;
      if (route.kind === 'unknown' || (route.kind.startsWith('repository') && repository === undefined)) throw notFound(`No route for ${method} ${path}`);
      const wanted = route.kind === 'infer' || route.kind.startsWith('repository') ? 'POST' : 'GET';
      if (state !== undefined) {
        const isModelPath = route.kind === 'infer' || route.kind === 'model-metadata' || route.kind === 'model-ready';
        const known = isModelPath && host.models.get(route.name) !== undefined;
        state.label = isModelPath ? `/v2/models/${known ? route.name : '{unknown}'}/${route.kind}` : `/v2/${route.kind.replace('-', '/')}`;
        // Only a served model's name: a label per unknown name would let any client grow the series without bound.
        if (known) state.model = route.name;
      }
      if (wanted === 'POST' ? method !== 'POST' : !isGet) {
        res.setHeader('allow', wanted === 'POST' ? 'POST' : 'GET, HEAD');
        throw createServiceError('MLS_ERR_HTTP_METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; allowed: ${wanted === 'POST' ? 'POST' : 'GET, HEAD'}`);
      }
      switch (route.kind) {
        case 'server-metadata':
          return sendV2(res, 200, { name: host.name, version: host.version, extensions: [...host.extensions] });
        case 'live':
          return sendV2(res, 200, { live: true });
        case 'ready': {
          const ready = host.isReady();
          return sendV2(res, ready ? 200 : 503, { live: true, ready });
        }
        case 'model-metadata':
          return sendV2(res, 200, findModel(route.name, route.version).metadata());
        case 'model-ready': {
          const model = findModel(route.name, route.version);
          const ready = model.runner.isReady && host.isReady();
          return sendV2(res, ready ? 200 : 503, { name: model.name, ready });
        }
        case 'infer':
          return serveInfer(req, res, findModel(route.name, route.version));
        case 'repository-index':
        case 'repository-load':
        case 'repository-unload': {
          // The body (Triton's optional `parameters`) is not needed: discarded.
          req.resume();
          const work = route.kind === 'repository-index' ? repository!.index() : route.kind === 'repository-load' ? repository!.load(route.name) : repository!.unload(route.name);
          work.then(
            (value) => sendV2(res, 200, value ?? {}),
            (err: unknown) => sendV2Error(host, req, res, err),
          );
          return;
        }
      }
    } catch (err) {
      req.resume();
      sendV2Error(host, req, res, err);
    }
  };
}

/** Typed arrays as plain arrays (JSON.stringify writes a typed array as an object). */
function toJsonArray(data: ArrayLike<unknown>): unknown[] {
  if (Array.isArray(data)) return data;
  const out = new Array<unknown>(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i];
  return out;
}
