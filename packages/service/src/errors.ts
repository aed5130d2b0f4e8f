import { defineErrors } from '@mlserve/errors';

/**
 * Every error code @mlserve/service answers with, grouped by area. Errors raised by runners
 * (`MLS_ERR_RUNNER_*`) and pipelines (`MLS_ERR_PIPELINE_*`) pass through with their own status.
 */
export const kServiceErrors = {
  MLS_ERR_IO_MALFORMED_JSON: { status: 400, message: 'Request body is not valid JSON' },
  MLS_ERR_IO_VALIDATION: { status: 400, message: 'Request body does not match the schema' },
  MLS_ERR_IO_TENSOR: { status: 400, message: 'Request body is not a tensor of the declared shape and dtype' },
  MLS_ERR_IO_BODY_TOO_LARGE: { status: 413, message: 'Request body is larger than the limit' },
  MLS_ERR_IO_TOO_MANY_RECORDS: { status: 413, message: 'Request carries more records than the API accepts' },
  MLS_ERR_IO_BODY_TIMEOUT: { status: 408, message: 'Request body was not received in time' },
  MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Content-Type' },
  MLS_ERR_IO_OUTPUT: { status: 500, message: 'The API produced a result its output descriptor cannot encode' },
  MLS_ERR_HTTP_NOT_FOUND: { status: 404, message: 'Route not found' },
  MLS_ERR_HTTP_METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  MLS_ERR_HTTP_BAD_REQUEST: { status: 400, message: 'Bad request' },
  MLS_ERR_HTTP_HEADERS_TIMEOUT: { status: 408, message: 'Request headers were not received in time' },
  MLS_ERR_HTTP_EXPECTATION_FAILED: { status: 417, message: 'Expectation failed' },
  MLS_ERR_HTTP_HEADERS_TOO_LARGE: { status: 431, message: 'Request headers are too large' },
  MLS_ERR_AUTH_UNAUTHORIZED: { status: 401, message: 'A valid API key is required' },
  MLS_ERR_SERVICE_NOT_READY: { status: 503, message: 'Service is not ready' },
  MLS_ERR_SERVICE_OVERLOADED: { status: 503, message: 'Service is overloaded' },
  MLS_ERR_SERVICE_SHUTTING_DOWN: { status: 503, message: 'Service is shutting down' },
  MLS_ERR_SERVICE_TIMEOUT: { status: 504, message: 'The API did not answer in time' },
  MLS_ERR_MONITOR_UNKNOWN_PREDICTION: { status: 404, message: 'No logged prediction has this request id' },
  MLS_ERR_MONITOR_INVALID_FEEDBACK: { status: 400, message: 'The feedback does not address a logged prediction row' },
  MLS_ERR_MONITOR_INVALID_LABEL: { status: 400, message: 'The label is not a class or value of the model' },
  MLS_ERR_MONITOR_TOO_MANY_LABELS: { status: 413, message: 'The feedback request carries too many labels' },
  MLS_ERR_MONITOR_INPUT_OUT_OF_RANGE: { status: 422, message: 'Input values lie outside the training data' },
  MLS_ERR_INTERNAL: { status: 500, message: 'Internal server error' },
} as const;

/** A code from {@link kServiceErrors}. */
export type ServiceErrorCode = keyof typeof kServiceErrors;

/** Creates an MlserveError whose status comes from {@link kServiceErrors}. */
export const createServiceError = defineErrors<ServiceErrorCode>(kServiceErrors);
