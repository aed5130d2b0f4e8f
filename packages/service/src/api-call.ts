import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMlserveError } from '@mlserve/errors';
import type { Logger } from 'pino';
import { readBody } from './body-reader';
import type { Admission } from './admission';
import type { DeadlineQueue } from './deadline-queue';
import { createServiceError } from './errors';
import { send, sendError } from './error-response';
import type { ApiDefinition } from './openapi';
import type { TurnBudget } from './turn-budget';
import { HandlerContext, mediaTypeOf, stateOf, type StatefulRequest } from './request-state';

/** What serving an API needs of its service. */
export interface ApiCallHost {
  readonly logger: Logger;
  readonly bodyLimit: number;
  /** Bounds the time a body may take to arrive (absent: no limit). */
  readonly bodyDeadlines: DeadlineQueue | undefined;
  /** Bounds the time a handler may take (absent: no limit). */
  readonly handlerDeadlines: DeadlineQueue | undefined;
  /** Learns the size of a row from decoded requests (absent: admission is off). */
  readonly admission: Admission | undefined;
  /** Bounds the API work of one event-loop turn. */
  readonly budget: TurnBudget;
}

/** Checks the media type and encoding, reads the body, then decodes it and runs the API. */
export function serveApi(host: ApiCallHost, api: ApiDefinition, req: IncomingMessage, res: ServerResponse): void {
  const mediaType = mediaTypeOf(req);
  if (!api.input.acceptsMediaType(mediaType)) {
    const error = createServiceError(
      'MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE',
      `The ${api.name} API accepts Content-Type ${api.input.mediaType}, got ${mediaType === '' ? 'none' : `"${mediaType.slice(0, 100)}"`}`,
      { details: { expected: api.input.mediaType, received: mediaType.slice(0, 100) || null } },
    );
    sendError(host.logger, req, res, error);
    return;
  }
  // A body-parsing middleware added with svc.use() (express.json()) may already have read the body.
  if (req.readableEnded) {
    runApi(host, api, req, res, (req as StatefulRequest).body, undefined);
    return;
  }
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    // Not inflated here (a small gzip body can inflate to gigabytes); refused rather than parsed as binary.
    const error = createServiceError('MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding "${encoding.slice(0, 100)}" is not supported; send the body uncompressed`, {
      details: { contentEncoding: encoding.slice(0, 100), supported: ['identity'] },
    });
    sendError(host.logger, req, res, error);
    return;
  }
  readBody(req, host.bodyLimit, host.bodyDeadlines, stateOf(req)?.start ?? performance.now(), (err, text) => {
    if (err !== undefined) sendError(host.logger, req, res, err);
    else host.budget.run(() => runApi(host, api, req, res, undefined, text));
  });
}

/** Decodes the body (`text`, or `body` parsed by a middleware), runs the handler, answers. */
export function runApi(host: ApiCallHost, api: ApiDefinition, req: IncomingMessage, res: ServerResponse, body: unknown, text: string | undefined): void {
  let single: boolean;
  let ctx: HandlerContext;
  let result: unknown;
  try {
    const decoded = text === undefined ? api.input.decode(body) : api.input.decodeRaw(text);
    single = decoded.single;
    if (text !== undefined && host.admission !== undefined) host.admission.learn(text.length, rowsOf(decoded.value));
    ctx = new HandlerContext(stateOf(req)?.id ?? randomUUID(), req.headers, api.name, host.logger);
    result = api.handler(decoded.value, ctx);
  } catch (err) {
    sendError(host.logger, req, res, err);
    return;
  }
  if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') {
    respond(host, api, req, res, ctx, single, result);
    return;
  }
  const deadlines = host.handlerDeadlines;
  let settled = false;
  // True for the first of the answer and the timeout, which then cancels the other.
  const settle = (): boolean => {
    if (settled) return false;
    settled = true;
    if (deadline !== undefined) deadlines!.delete(deadline);
    return true;
  };
  const deadline = deadlines?.add(performance.now(), () => {
    if (settle()) sendError(host.logger, req, res, createServiceError('MLS_ERR_SERVICE_TIMEOUT', `The ${api.name} API did not answer within ${deadlines.ms} ms`));
  });
  // Promise.resolve returns a native promise as it is, and tames a thenable that throws.
  Promise.resolve(result).then(
    (value) => {
      if (settle()) respond(host, api, req, res, ctx, single, value);
    },
    (err: unknown) => {
      if (settle()) sendError(host.logger, req, res, err);
    },
  );
}

function respond(host: ApiCallHost, api: ApiDefinition, req: IncomingMessage, res: ServerResponse, ctx: HandlerContext, single: boolean, result: unknown): void {
  let body: string;
  try {
    body = api.output.encode(single && Array.isArray(result) ? result[0] : result);
  } catch (err) {
    let error = err;
    if (!isMlserveError(err)) {
      host.logger.error({ reqId: ctx.requestId, api: api.name, err }, 'could not encode the result');
      error = createServiceError('MLS_ERR_IO_OUTPUT', `The result of the ${api.name} API could not be encoded as ${api.output.mediaType}`);
    }
    sendError(host.logger, req, res, error);
    return;
  }
  send(res, 200, `${api.output.mediaType}; charset=utf-8`, body);
}

// What a decoded input counts for admission: records, the first dimension of a tensor, else one.
function rowsOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  const dims = (value as { dims?: unknown } | null)?.dims;
  return Array.isArray(dims) && typeof dims[0] === 'number' ? dims[0] : 1;
}
