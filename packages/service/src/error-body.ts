/** The wire format of every mlserve error: `{ statusCode, code, error, message }`, optionally `details` and `truncated`. */
export interface ErrorResponseBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  details?: unknown;
  truncated?: true;
}

const kKeys = new Set(['statusCode', 'code', 'error', 'message', 'details', 'truncated']);

/**
 * True for a parsed JSON body in the documented error format with an `MLS_ERR_*` code (and no
 * other keys): how a client, or a test, tells an mlserve error from anything else.
 */
export function isErrorBody(value: unknown): value is ErrorResponseBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    Number.isInteger(v.statusCode) &&
    typeof v.code === 'string' &&
    v.code.startsWith('MLS_ERR_') &&
    typeof v.error === 'string' &&
    typeof v.message === 'string' &&
    (v.truncated === undefined || v.truncated === true) &&
    Object.keys(v).every((k) => kKeys.has(k))
  );
}
