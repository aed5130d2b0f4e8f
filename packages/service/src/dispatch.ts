import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Express, Request, Response } from 'express';
import type { AccessLine, AccessLog } from './access-log';
import { type ApiCallHost, serveApi } from './api-call';
import { applyCors } from './cors';
import { createServiceError } from './errors';
import { fromMiddlewareError, sendError } from './error-response';
import type { Lifecycle } from './lifecycle';
import type { ServiceMetrics } from './metrics';
import { type ApiMiddleware, runMiddleware } from './middleware-chain';
import type { CorsOptions } from './options';
import { attachState, pathOf, stateOf, type RequestState, type StatefulRequest } from './request-state';
import type { RouteTable } from './route-table';
import type { V2Handler } from './v2/rest-routes';

/** What the request listener needs of its service. */
export interface DispatchHost extends ApiCallHost {
  readonly app: Express;
  readonly routes: RouteTable;
  readonly lifecycle: Lifecycle;
  readonly metrics: ServiceMetrics;
  readonly middleware: readonly ApiMiddleware[];
  readonly cors: CorsOptions | undefined;
  /** Writes the access-log line of each request, at level info. */
  readonly accessLog: AccessLog;
  /** Checks the API key of a request (absent: no keys configured). */
  readonly keyCheck: ((req: IncomingMessage) => boolean) | undefined;
  /** True for paths open without an API key. */
  isPublic(path: string): boolean;
  /** Answers `/v2` and every path under `/v2/` (absent: the V2 endpoints are off). */
  readonly v2?: V2Handler | undefined;
}

/** The request target as logged: query values are redacted (they may carry keys, `?api_key=`). */
export function scrubUrl(url: string | undefined): string | undefined {
  if (url === undefined) return url;
  const q = url.indexOf('?');
  if (q === -1) return url;
  const names = url
    .slice(q + 1)
    .split('&')
    .map((pair) => pair.split('=', 1)[0]!.slice(0, 100));
  return `${url.slice(0, q)}?${names.map((name) => `${name}=[redacted]`).join('&')}`;
}

const kRequestIdRe = /^[\x21-\x7e]{1,200}$/;

// A path is echoed in messages by its start: the request line may be kilobytes long.
const shorten = (path: string) => (path.length > 200 ? `${path.slice(0, 200)}…` : path);

/**
 * The node:http request listener of a service. Every request gets its id, metrics, access log,
 * CORS and API-key check here; the core then serves its own paths (APIs, after the `svc.use()`
 * middleware; built-in endpoints; Swagger UI assets through their middleware) and hands every
 * other request to the Express app, whose final handler answers JSON errors and 404s.
 */
export function createRequestListener(host: DispatchHost): (req: IncomingMessage, res: ServerResponse) => void {
  const { logger, routes } = host;
  // One function for every response (EventEmitter calls it with the response as `this`), not a
  // closure per request.
  const onResponseClose = function onResponseClose(this: ServerResponse) {
    endRequest(host, this.req, this);
  };
  const toExpress = (req: IncomingMessage, res: ServerResponse, path: string) => {
    host.app(req as Request, res as Response, (err?: unknown) => {
      if (err !== undefined && err !== null && err !== 'route' && err !== 'router') sendError(logger, req, res, fromMiddlewareError(err));
      else sendError(logger, req, res, createServiceError('MLS_ERR_HTTP_NOT_FOUND', `No route for ${req.method} ${shorten(path)}`));
    });
  };

  return (req, res) => {
    const path = pathOf(req.url);
    const state = beginRequest(host, req, res, path, onResponseClose);
    if (state === undefined) return;
    if (host.v2 !== undefined && path.startsWith('/v2') && (path.length === 3 || path[3] === '/')) return host.v2(req, res, path);
    const match = routes.match(req.method ?? 'GET', path);
    if (match === undefined) return toExpress(req, res, path);
    switch (match.kind) {
      case 'api': {
        const api = match.api;
        state.api = api.name;
        if (host.admission !== undefined) {
          const declared = Number(req.headers['content-length']);
          const rows = host.admission.estimateRows(Number.isFinite(declared) ? declared : 0);
          const refusal = host.admission.admit(rows);
          if (refusal !== undefined) return refuse(host, req, res, refusal.retryAfterS, refusal.reason);
          state.admitted = rows;
        }
        if (host.middleware.length === 0) return serveApi(host, api, req, res);
        return runMiddleware(host.middleware, req, res, (err) => {
          if (err !== undefined) sendError(logger, req, res, fromMiddlewareError(err));
          else serveApi(host, api, req, res);
        });
      }
      case 'built-in':
        state.label = match.path;
        return match.endpoint(req, res);
      case 'asset':
        state.label = '/docs';
        return toExpress(req, res, path);
      case 'missing':
        state.label = '/docs';
        return sendError(logger, req, res, createServiceError('MLS_ERR_HTTP_NOT_FOUND', `No route for ${req.method} ${shorten(path)}`));
      case 'options':
        res.statusCode = 204;
        res.setHeader('allow', match.allow.join(', '));
        res.end();
        return;
      case 'wrong-method': {
        const allow = match.allow.join(', ');
        const err = createServiceError('MLS_ERR_HTTP_METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${shorten(path)}; allowed: ${allow}`, {
          details: { allow: match.allow },
        });
        return sendError(logger, req, res, err, { allow });
      }
    }
  };
}

/** Starts the bookkeeping of a request; answers CORS preflights and missing keys. `undefined`: answered. */
function beginRequest(host: DispatchHost, req: IncomingMessage, res: ServerResponse, path: string, onClose: (this: ServerResponse) => void): RequestState | undefined {
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && kRequestIdRe.test(header) ? header : randomUUID();
  const api = req.method === 'POST' ? host.routes.apiAt(path) : undefined;
  const state: RequestState = { id, start: performance.now(), inProgress: api?.name ?? 'other', api: undefined, label: undefined, model: api?.model, admitted: 0 };
  attachState(req, state);
  res.setHeader('x-request-id', id);
  if (host.lifecycle.isShuttingDown) res.setHeader('connection', 'close');
  host.lifecycle.requestStarted();
  host.metrics.startRequest(state.inProgress, state.model);
  res.on('close', onClose);
  if (host.cors !== undefined && applyCors(host.cors, req, res)) return undefined;
  if (host.keyCheck !== undefined && !host.isPublic(path) && !host.keyCheck(req)) {
    // Labelled with the API it was meant for, not `unmatched`: a wave of 401s on /predict shows as such.
    state.api = api?.name;
    res.setHeader('www-authenticate', 'Bearer');
    sendError(host.logger, req, res, createServiceError('MLS_ERR_AUTH_UNAUTHORIZED', 'A valid API key is required: send "Authorization: Bearer <key>" or "x-api-key: <key>"'));
    return undefined;
  }
  return state;
}

/** Metrics, in-flight count and access-log line of a finished (or aborted) request. */
function endRequest(host: DispatchHost, req: IncomingMessage, res: ServerResponse): void {
  const state = stateOf(req)!;
  const ms = performance.now() - state.start;
  const routePath = (req as StatefulRequest).route?.path;
  const label = state.api ?? state.label ?? (typeof routePath === 'string' ? routePath : 'unmatched');
  host.metrics.endRequest(state.inProgress, label, req.method ?? 'GET', res.statusCode, ms / 1000, state.model);
  host.lifecycle.requestEnded();
  if (state.admitted > 0) host.admission?.release(state.admitted);
  if (!host.logger.isLevelEnabled('info')) return;
  const line: AccessLine = {
    reqId: state.id,
    method: req.method ?? 'GET',
    url: scrubUrl(req.url) ?? '/',
    api: label,
    statusCode: res.statusCode,
    durationMs: Math.round(ms * 1000) / 1000,
  };
  if (!res.writableFinished) line.aborted = true;
  host.accessLog.write(line);
}

// Refused before the body is read: it is discarded, and the connection stays usable.
function refuse(host: DispatchHost, req: IncomingMessage, res: ServerResponse, retryAfterS: number, reason: string): void {
  req.resume();
  res.setHeader('retry-after', String(retryAfterS));
  sendError(host.logger, req, res, createServiceError('MLS_ERR_SERVICE_OVERLOADED', `Service is overloaded, retry in ${retryAfterS} s: ${reason}`));
}
