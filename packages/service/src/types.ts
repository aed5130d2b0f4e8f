import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';

/**
 * What the service needs of a runner. `@mlserve/runner`'s `Runner` satisfies it; the service
 * depends on this shape rather than on the runner package, so any object with these members works.
 */
export interface RunnerLike {
  readonly name: string;
  readonly isReady: boolean;
  ready(): Promise<void>;
  close(): Promise<void>;
  /** Read by metrics (`queueRows`) and by admission (`queueRows`, `inFlightRows`, `workers`). */
  stats?(): { queueRows?: number; inFlightRows?: number; workers?: number };
  /** Read by admission: the queue a request must fit in, and how long it may wait there. */
  readonly options?: { readonly maxQueue?: number; readonly maxLatencyMs?: number };
  readonly model?: { name?: string; tag?: string; signature?: unknown };
  on?(event: 'batch', listener: (batch: RunnerBatchEvent) => void): unknown;
  off?(event: 'batch', listener: (batch: RunnerBatchEvent) => void): unknown;
}

/** The payload of a runner's `'batch'` event, read for metrics. */
export interface RunnerBatchEvent {
  size: number;
  queueWaitMs?: number;
  inferenceMs?: number;
}

/** What `records()` needs of a pipeline: `@mlserve/pipeline`'s `Pipeline` satisfies it. */
export interface PipelineLike {
  /** The JSON Schema of one raw record (a plain object). */
  inputSchema(): object;
  readonly featureNamesIn?: readonly string[];
}

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as a plain object. */
export type JSONSchema = Record<string, unknown>;

/** The second argument of every API handler. */
export interface ApiContext {
  /** The request id: the client's `x-request-id` or a generated UUID; echoed in the response. */
  readonly requestId: string;
  /** The request headers (lower-cased names). */
  readonly headers: IncomingHttpHeaders;
  /** A pino child logger bound to `{ reqId, api }`. */
  readonly logger: Logger;
  /** The name of the API being served. */
  readonly api: string;
}

/** An API handler: receives the decoded, validated input and returns the output (or a promise). */
export type ApiHandler<TInput = unknown> = (input: TInput, ctx: ApiContext) => unknown;
