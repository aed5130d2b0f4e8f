import { STATUS_CODES } from 'node:http';

/** The JSON body every mlserve HTTP error answers with. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  details?: unknown;
}

/** One row of a package's error table: the HTTP status and a short default message. */
export interface ErrorDefinition {
  status: number;
  message: string;
}

/**
 * The one error class of mlserve. `code` is a stable string (`MLS_ERR_<AREA>_<WHAT>`) that
 * callers compare instead of using `instanceof`, which breaks when two copies are installed.
 */
export class MlserveError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details: unknown;

  constructor(code: string, statusCode: number, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MlserveError';
    this.code = code;
    this.statusCode = statusCode;
    this.details = options?.details;
  }

  /** The wire format: `{ statusCode, code, error, message, details? }`. */
  toJSON(): ErrorBody {
    return toErrorBody(this);
  }
}

/**
 * True for any error carrying an `MLS_ERR_*` code and a numeric status, whichever copy of this
 * package created it.
 */
export function isMlserveError(err: unknown): err is MlserveError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    (err as { code: string }).code.startsWith('MLS_ERR_') &&
    typeof (err as { statusCode?: unknown }).statusCode === 'number'
  );
}

/**
 * Turns any thrown value into the wire format. Errors without an mlserve code become a generic 500
 * whose message reveals nothing of the internals.
 */
export function toErrorBody(err: unknown): ErrorBody {
  if (!isMlserveError(err)) {
    return { statusCode: 500, code: 'MLS_ERR_INTERNAL', error: STATUS_CODES[500] ?? 'Internal Server Error', message: 'Internal server error' };
  }
  const body: ErrorBody = {
    statusCode: err.statusCode,
    code: err.code,
    error: STATUS_CODES[err.statusCode] ?? 'Error',
    message: err.message,
  };
  if (err.details !== undefined) body.details = err.details;
  return body;
}
