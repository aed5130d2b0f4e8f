import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { toErrorBody } from '@mlserve/errors';
import type { Logger } from 'pino';
import { createServiceError, type ServiceErrorCode } from './errors';
import { sendError } from './error-response';

/** The connection limits and timeouts of a service's server. */
export interface ServerLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** The body deadline of the API routes (0: none); Node's own request timeout is a backstop past it. */
  requestTimeoutMs: number;
}

/** The `createServer()` options for these limits. */
export function serverOptions(limits: ServerLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    // A backstop for bodies sent to routes of the Express app; API bodies get their JSON 408 first.
    requestTimeout: limits.requestTimeoutMs === 0 ? 0 : limits.requestTimeoutMs + limits.headersTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often Node checks the timeouts above: the default (30 s) lets idle sockets linger far past them.
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
}

// Node's parser errors a client can cause, as the JSON error the client gets.
const kClientErrors: Record<string, [ServiceErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: ['MLS_ERR_HTTP_HEADERS_TOO_LARGE', 'Request headers are larger than the server accepts'],
  ERR_HTTP_REQUEST_TIMEOUT: ['MLS_ERR_HTTP_HEADERS_TIMEOUT', 'The request was not received in time'],
  HPE_INVALID_CHUNK_SIZE: ['MLS_ERR_HTTP_BAD_REQUEST', 'Malformed request: invalid chunk size'],
  HPE_UNEXPECTED_CONTENT_LENGTH: ['MLS_ERR_HTTP_BAD_REQUEST', 'Malformed request: Content-Length together with Transfer-Encoding'],
  HPE_INVALID_CONTENT_LENGTH: ['MLS_ERR_HTTP_BAD_REQUEST', 'Malformed request: invalid Content-Length'],
  HPE_INVALID_TRANSFER_ENCODING: ['MLS_ERR_HTTP_BAD_REQUEST', 'Malformed request: invalid Transfer-Encoding'],
};

/**
 * Applies the limits to a server and answers Node's client errors (malformed requests, header
 * overflow, header timeout, unmet `Expect`) with the JSON error body while the socket can still
 * take an answer.
 */
export function setUpServer(server: Server, limits: ServerLimits, logger: Logger): void {
  server.maxConnections = limits.maxConnections;
  limitConnections(server, limits);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [code, message] = kClientErrors[err.code ?? ''] ?? ['MLS_ERR_HTTP_BAD_REQUEST', 'Malformed HTTP request'];
    const error = createServiceError(code, message);
    const body = JSON.stringify(toErrorBody(error));
    logger.debug({ code: err.code }, 'client error');
    socket.end(
      `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const expect = String(req.headers.expect).slice(0, 100);
    sendError(logger, req, res, createServiceError('MLS_ERR_HTTP_EXPECTATION_FAILED', `Expect: ${expect} is not supported (only 100-continue is)`));
  });
}

/**
 * Keeps room for new clients: a connection that sends nothing is closed after `headersTimeoutMs`
 * (Node's own header timeout starts only with the first byte), and near `maxConnections` (or when
 * Node drops a connection at the limit) the oldest silent connections and the idle keep-alive
 * ones are closed.
 */
function limitConnections(server: Server, limits: ServerLimits): void {
  const evictAt = Math.max(1, Math.floor(limits.maxConnections * 0.9));
  const evictCount = Math.max(1, Math.floor(limits.maxConnections * 0.1));
  // Connected, no request yet; a Set keeps them oldest first.
  const silent = new Set<Socket>();
  let open = 0;
  let lastEviction = 0;
  const evict = () => {
    const now = Date.now();
    if (now - lastEviction < 100) return;
    lastEviction = now;
    server.closeIdleConnections();
    let n = 0;
    for (const socket of silent) {
      if (n++ >= evictCount) break;
      socket.destroy();
    }
  };
  server.on('connection', (socket: Socket) => {
    open++;
    silent.add(socket);
    // Node destroys a socket whose timeout fires when nobody else listens for it.
    socket.setTimeout(limits.headersTimeoutMs);
    socket.once('close', () => {
      open--;
      silent.delete(socket);
    });
    if (open >= evictAt) evict();
  });
  server.on('request', (req: IncomingMessage) => {
    if (silent.delete(req.socket)) req.socket.setTimeout(0);
  });
  server.on('drop', evict);
}
