import { randomUUID } from 'node:crypto';
import { MlserveError } from '@mlserve/errors';
import { createClientError } from './errors';
import type { ResolvedClientOptions } from './options';

/** Per-request options of every client method. */
export interface RequestOptions {
  /** Sent as `x-request-id` (default a new UUID); the same id on every retry. */
  requestId?: string;
  /** Overrides the client's `timeoutMs` for this request. */
  timeoutMs?: number;
  /** Aborts the request (and its retries). */
  signal?: AbortSignal;
  /** Extra headers for this request (a `content-type` here wins over the one the body implies). */
  headers?: Record<string, string>;
  /** Overrides the client's `retries` (after a 503) for this request; 0 sends it once. */
  retries?: number;
}

/** A complete answer: status, headers, parsed body, the request id and how many attempts it took. */
export interface ClientResponse<T = unknown> {
  /** True for a 2xx status (always, except from `client.send()`). */
  ok: boolean;
  status: number;
  headers: Headers;
  body: T;
  requestId: string;
  attempts: number;
}

const kFirstBackoffMs = 100;

/** How long to wait before retry `attempt` (1-based) after a 503: its Retry-After (seconds or a date), else a doubling backoff; at most `max`. */
export function retryDelayMs(retryAfter: string | null, attempt: number, max: number, now = Date.now()): number {
  let ms: number | undefined;
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) ms = seconds * 1000;
    else {
      const date = Date.parse(retryAfter);
      if (!Number.isNaN(date)) ms = Math.max(0, date - now);
    }
  }
  return Math.min(ms ?? kFirstBackoffMs * 2 ** (attempt - 1), max);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(createClientError('MLS_ERR_CLIENT_ABORTED'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(createClientError('MLS_ERR_CLIENT_ABORTED'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error of a non-2xx answer: the server's own mlserve error (its code and status) when the body is one. */
export function toHttpError(status: number, body: unknown, requestId: string, method: string, url: string): MlserveError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { code?: unknown; message?: unknown; error?: unknown; details?: unknown };
  const details = { status, requestId, body };
  if (typeof b.code === 'string' && b.code.startsWith('MLS_ERR_')) {
    // The service's body has `message`; the V2 body has the message in `error`.
    const message = typeof b.message === 'string' ? b.message : typeof b.error === 'string' ? b.error : `${method} ${url} answered ${status}`;
    return new MlserveError(b.code, status, message, { details });
  }
  const text = typeof b.error === 'string' ? `: ${b.error}` : '';
  return new MlserveError('MLS_ERR_CLIENT_HTTP', status, `${method} ${url} answered ${status}${text}`, { details });
}

/**
 * Sends one request with the client's key, headers and timeout; retries 503 answers (waiting
 * their Retry-After, bounded) up to `retries` times; resolves with the parsed JSON (or text) body
 * of a 2xx answer and rejects with an MlserveError otherwise, unless `throwHttpErrors` is false:
 * then any answered status resolves (only network failures, timeouts and aborts reject).
 */
export async function httpCall<T>(
  o: ResolvedClientOptions,
  method: string,
  path: string,
  body: unknown,
  request: RequestOptions = {},
  throwHttpErrors = true,
): Promise<ClientResponse<T>> {
  const retries = request.retries ?? o.retries;
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError('options.retries must be an integer >= 0');
  const requestId = request.requestId ?? randomUUID();
  const url = `${o.baseUrl}${path}`;
  // Lower-cased, so a caller's `Content-Type` replaces the implied one instead of doubling it.
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries({ ...o.headers, ...request.headers })) headers[name.toLowerCase()] = value;
  headers['x-request-id'] = requestId;
  if (o.apiKey !== undefined) headers.authorization = `Bearer ${o.apiKey}`;
  let payload: string | undefined;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    headers['content-type'] ??= typeof body === 'string' ? 'text/plain' : 'application/json';
  }
  const timeoutMs = request.timeoutMs ?? o.timeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new RangeError('options.timeoutMs must be an integer >= 1');
  for (let attempt = 1; ; attempt++) {
    if (request.signal?.aborted) throw createClientError('MLS_ERR_CLIENT_ABORTED', `${method} ${url} was aborted`, { details: { requestId } });
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await o.fetch(url, { method, headers, body: payload, signal });
      text = await res.text();
    } catch (err) {
      if (request.signal?.aborted) throw createClientError('MLS_ERR_CLIENT_ABORTED', `${method} ${url} was aborted`, { details: { requestId }, cause: err });
      if (timeout.aborted)
        throw createClientError('MLS_ERR_CLIENT_TIMEOUT', `${method} ${url} did not answer within ${timeoutMs} ms`, { details: { requestId, timeoutMs }, cause: err });
      throw createClientError(
        'MLS_ERR_CLIENT_NETWORK',
        `${method} ${url} failed: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`,
        { details: { requestId }, cause: err },
      );
    }
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw createClientError('MLS_ERR_CLIENT_RESPONSE', `${method} ${url} answered ${res.status} with invalid JSON`, { details: { requestId, status: res.status }, cause: err });
      }
    }
    if (res.status === 503 && attempt <= retries) {
      await sleep(retryDelayMs(res.headers.get('retry-after'), attempt, o.maxRetryDelayMs), request.signal);
      continue;
    }
    if (res.ok || !throwHttpErrors) return { ok: res.ok, status: res.status, headers: res.headers, body: parsed as T, requestId, attempts: attempt };
    throw toHttpError(res.status, parsed, requestId, method, url);
  }
}
