import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ErrorBody, isMlserveError, toErrorBody } from '@mlserve/errors';
import type { Logger } from 'pino';
import { createServiceError, kServiceErrors, type ServiceErrorCode } from './errors';
import { stateOf } from './request-state';

// 4xx statuses with a code of their own; any other 4xx from a middleware is answered as 400.
const kClientErrorCodes = new Map<number, ServiceErrorCode>([
  [404, 'MLS_ERR_HTTP_NOT_FOUND'],
  [405, 'MLS_ERR_HTTP_METHOD_NOT_ALLOWED'],
  [408, 'MLS_ERR_IO_BODY_TIMEOUT'],
  [413, 'MLS_ERR_IO_BODY_TOO_LARGE'],
  [415, 'MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE'],
]);

/**
 * Maps an error passed to `next(err)` by a middleware or route to an mlserve error where it is a
 * client error: body-parser's typed errors, http-errors and Express's own 4xx (a route parameter
 * with bad percent-encoding is a URIError with status 400). Anything else is returned as is (a 500).
 */
export function fromMiddlewareError(err: unknown): unknown {
  if (isMlserveError(err) || typeof err !== 'object' || err === null) return err;
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown; limit?: unknown };
  switch (e.type) {
    case 'entity.too.large':
      return createServiceError('MLS_ERR_IO_BODY_TOO_LARGE', `Request body is larger than the limit of ${String(e.limit)} bytes`);
    case 'entity.parse.failed':
      return createServiceError('MLS_ERR_IO_MALFORMED_JSON', `Request body is not valid JSON: ${String(e.message)}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return createServiceError('MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE', String(e.message));
  }
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && e.expose !== false) {
    const code = kClientErrorCodes.get(status) ?? 'MLS_ERR_HTTP_BAD_REQUEST';
    return createServiceError(code, String(e.message), { details: { status } });
  }
  return err;
}

/** Sends a complete response, unless one was already started or the socket is gone. */
export function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** Sends a value as a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

/**
 * Answers an error as the JSON error body, logging it at the level it deserves. 5xx other than
 * 503/504 keep their code and get a generic message: their real one (ONNX Runtime's text, paths)
 * is only logged, with the request id.
 */
export function sendError(logger: Logger, req: IncomingMessage, res: ServerResponse, err: unknown, headers?: Record<string, string>): void {
  let body: ErrorBody & { truncated?: true } = toErrorBody(err);
  const reqId = stateOf(req)?.id;
  if (res.destroyed) {
    // The client went away (its body was cut short): nobody to answer, nothing to alarm about.
    logger.debug({ reqId, err }, 'client closed the connection');
    return;
  }
  if (!isMlserveError(err)) {
    logger.error({ reqId, err }, 'unhandled error');
  } else if (body.code === 'MLS_ERR_SERVICE_OVERLOADED') {
    // One line per refusal would cost the main thread most when it can least afford it.
    logger.debug({ reqId, reason: body.message }, 'request refused');
  } else if (body.statusCode === 503 || body.statusCode === 504) {
    logger.warn({ reqId, code: body.code, reason: body.message }, 'request failed');
  } else if (body.statusCode >= 500) {
    logger.error({ reqId, code: body.code, reason: body.message, err }, 'request failed');
    const known = (kServiceErrors as Record<string, { message: string } | undefined>)[body.code];
    body = { statusCode: body.statusCode, code: body.code, error: body.error, message: known?.message ?? 'Internal server error' };
  }
  if ((err as { truncated?: unknown } | null)?.truncated === true && body.statusCode < 500) body.truncated = true;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (headers !== undefined) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (body.statusCode === 503 && !res.hasHeader('retry-after')) res.setHeader('retry-after', '1');
  // The rest of the body was not read: closing after the answer keeps it off the next request.
  if (body.code === 'MLS_ERR_IO_BODY_TOO_LARGE' || body.code === 'MLS_ERR_IO_BODY_TIMEOUT') res.setHeader('connection', 'close');
  send(res, body.statusCode, 'application/json; charset=utf-8', capBody(body));
}

/** Largest error body sent; past it `details` is dropped and the message shortened. */
export const kMaxErrorBodyBytes = 32 * 1024;
const kMaxMessageChars = 1000;

// Issue lists are capped in count; this caps them in size too (50 issues about 20 KB keys each).
function capBody(body: ErrorBody & { truncated?: true }): string {
  const text = JSON.stringify(body);
  if (text.length <= kMaxErrorBodyBytes) return text;
  const message = body.message.length > kMaxMessageChars ? `${body.message.slice(0, kMaxMessageChars)}…` : body.message;
  return JSON.stringify({ statusCode: body.statusCode, code: body.code, error: body.error, message, truncated: true });
}
