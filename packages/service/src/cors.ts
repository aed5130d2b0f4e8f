import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsOptions } from './options';

/**
 * Sets CORS headers for a request; answers a preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) with 204 and returns true when it did.
 */
export function applyCors(cors: CorsOptions, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  const allowed = cors.origin ?? '*';
  let allowOrigin: string | undefined;
  if (allowed === '*') allowOrigin = cors.credentials && origin ? origin : '*';
  else if (allowed === true) allowOrigin = origin;
  else if (typeof allowed === 'string') allowOrigin = allowed;
  else if (origin !== undefined && allowed.includes(origin)) allowOrigin = origin;
  if (allowOrigin === undefined) return false;
  res.setHeader('access-control-allow-origin', allowOrigin);
  if (allowOrigin !== '*') res.setHeader('vary', 'Origin');
  if (cors.credentials) res.setHeader('access-control-allow-credentials', 'true');
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
    res.setHeader('access-control-allow-methods', 'GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS');
    const headers = cors.allowedHeaders?.join(',') ?? req.headers['access-control-request-headers'];
    if (headers) res.setHeader('access-control-allow-headers', headers);
    res.setHeader('access-control-max-age', String(cors.maxAge ?? 600));
    res.statusCode = 204;
    res.setHeader('content-length', '0');
    res.end();
    return true;
  }
  res.setHeader('access-control-expose-headers', (cors.exposedHeaders ?? ['x-request-id', 'retry-after']).join(','));
  return false;
}
