import { defineErrors } from '@mlserve/errors';

/**
 * Every error code of @mlserve/client with its status and default message. Errors the server
 * answered with its own mlserve code (`MLS_ERR_IO_VALIDATION`, …) are rethrown with that code and
 * status instead. The README's errors table lists exactly these codes (checked by errors.test.ts).
 */
export const kClientErrors = {
  MLS_ERR_CLIENT_HTTP: { status: 502, message: 'The server answered with an error status' },
  MLS_ERR_CLIENT_RESPONSE: { status: 502, message: 'The server answered with a body that is not the expected JSON' },
  MLS_ERR_CLIENT_TIMEOUT: { status: 504, message: 'The server did not answer within timeoutMs' },
  MLS_ERR_CLIENT_NETWORK: { status: 503, message: 'The server could not be reached' },
  MLS_ERR_CLIENT_ABORTED: { status: 499, message: 'The request was aborted by its signal' },
  MLS_ERR_CLIENT_GRPC: { status: 502, message: 'The gRPC call failed' },
} as const;

/** A code of @mlserve/client (`MLS_ERR_CLIENT_*`). */
export type ClientErrorCode = keyof typeof kClientErrors;

/** Creates an MlserveError with one of the client's codes. */
export const createClientError = defineErrors(kClientErrors);
