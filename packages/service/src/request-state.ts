import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { ApiContext } from './types';

/** What the core knows of one request, from its first byte to its access-log line. */
export interface RequestState {
  readonly id: string;
  readonly start: number;
  /** The in-progress gauge label: the API name, or `other`. */
  readonly inProgress: string;
  /** The API served, for metrics and the access log. */
  api: string | undefined;
  /** The built-in endpoint served, when no API was. */
  label: string | undefined;
  /** The model the request was for (the `model` metrics label), when its API or V2 path names one. */
  model: string | undefined;
  /** Rows admission counted for this request, released when it ends. */
  admitted: number;
}

const kState = Symbol('mlserve.requestState');

/** A request carrying its state, and the parsed body a middleware may have left on it. */
export type StatefulRequest = IncomingMessage & { [kState]?: RequestState; body?: unknown; route?: { path?: unknown } };

/** The state the core attached to a request, if it went through the core. */
export function stateOf(req: IncomingMessage): RequestState | undefined {
  return (req as StatefulRequest)[kState];
}

/** Attaches the state to a request. */
export function attachState(req: IncomingMessage, state: RequestState): void {
  (req as StatefulRequest)[kState] = state;
}

/** The path of a request target, without its query string. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The request's media type, lower case and without parameters (`''` when absent). */
export function mediaTypeOf(req: IncomingMessage): string {
  const header = req.headers['content-type'];
  if (header === undefined) return '';
  const semi = header.indexOf(';');
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/** The `ctx` of an API handler. */
export class HandlerContext implements ApiContext {
  #logger: Logger | undefined;
  readonly #base: Logger;
  constructor(
    readonly requestId: string,
    readonly headers: IncomingMessage['headers'],
    readonly api: string,
    base: Logger,
  ) {
    this.#base = base;
  }

  // Created on first use: most handlers never log, and a child logger costs an allocation.
  get logger(): Logger {
    return (this.#logger ??= this.#base.child({ reqId: this.requestId, api: this.api }));
  }
}
