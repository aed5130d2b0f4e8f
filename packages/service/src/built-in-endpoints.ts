import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createServiceError } from './errors';
import { send, sendError, sendJson } from './error-response';
import type { Endpoint } from './route-table';
import { swaggerUiHtml } from './swagger-ui';
import type { RunnerLike } from './types';

/** The paths of the health endpoints, always open (no API key). */
export const kHealthPaths: ReadonlySet<string> = new Set(['/livez', '/readyz', '/healthz']);

/** What the built-in endpoints read of their service. */
export interface BuiltInHost {
  readonly name: string;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly runners: readonly RunnerLike[];
  readonly isReady: boolean;
  readonly isShuttingDown: boolean;
  openapi(): Record<string, unknown>;
  /** The text `/metrics` answers: the registry's, or what `setMetricsSource()` gave. */
  metricsText(): Promise<string>;
}

/** The built-in GET endpoints by path: health, readiness, metrics, the OpenAPI document and Swagger UI. */
export function createBuiltInEndpoints(host: BuiltInHost): Map<string, Endpoint> {
  const runnerStates = () => host.runners.map((r) => ({ name: r.name, ready: r.isReady, ...(r.model?.tag ? { model: r.model.tag } : {}) }));
  let html: string | undefined;
  const readyz = (req: IncomingMessage, res: ServerResponse) => {
    if (host.isShuttingDown) return sendError(host.logger, req, res, createServiceError('MLS_ERR_SERVICE_SHUTTING_DOWN', `${host.name} is shutting down`));
    if (!host.isReady) {
      const waiting = host.runners.filter((r) => !r.isReady).map((r) => r.name);
      const err = createServiceError('MLS_ERR_SERVICE_NOT_READY', `Waiting for runner(s): ${waiting.join(', ')}`, { details: { runners: runnerStates() } });
      return sendError(host.logger, req, res, err);
    }
    sendJson(res, 200, { status: 'ready', runners: runnerStates() });
  };
  const metrics = (req: IncomingMessage, res: ServerResponse) => {
    host.metricsText().then(
      (text) => send(res, 200, host.registry.contentType, text),
      (err: unknown) => sendError(host.logger, req, res, err),
    );
  };
  return new Map<string, Endpoint>([
    ['/livez', (_req, res) => sendJson(res, 200, { status: 'ok' })],
    ['/healthz', (_req, res) => sendJson(res, 200, { status: 'ok', ready: host.isReady, shuttingDown: host.isShuttingDown, runners: runnerStates() })],
    ['/readyz', readyz],
    ['/metrics', metrics],
    ['/docs.json', (_req, res) => sendJson(res, 200, host.openapi())],
    // Relative, so that a path prefix in front of the service is kept.
    ['/docs', (_req, res) => redirect(res, './')],
    ['/docs/', (_req, res) => redirect(res, '../')],
    ['/', (_req, res) => send(res, 200, 'text/html; charset=utf-8', (html ??= swaggerUiHtml(`${host.name} — API`)))],
  ]);
}

function redirect(res: ServerResponse, location: string): void {
  res.setHeader('location', location);
  send(res, 302, 'text/plain; charset=utf-8', 'Swagger UI is at /\n');
}
