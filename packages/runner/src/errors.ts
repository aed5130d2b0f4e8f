import { defineErrors } from '@mlserve/errors';

/**
 * Every error code of @mlserve/runner with its HTTP status and default message. The README's
 * errors table lists exactly these codes (checked by errors.test.ts).
 */
export const kRunnerErrors = {
  MLS_ERR_RUNNER_OVERLOADED: { status: 503, message: 'The runner queue is full; retry later' },
  MLS_ERR_RUNNER_TOO_LARGE: { status: 413, message: 'The request has more rows than the runner queue holds' },
  MLS_ERR_RUNNER_TIMEOUT: { status: 504, message: 'Inference did not finish within timeoutMs' },
  MLS_ERR_RUNNER_CLOSED: { status: 503, message: 'The runner is closed' },
  MLS_ERR_RUNNER_WORKER_CRASHED: { status: 500, message: 'The inference worker crashed on this request' },
  MLS_ERR_RUNNER_MODEL_LOAD: { status: 500, message: 'The model could not be loaded' },
  MLS_ERR_RUNNER_INPUT: { status: 400, message: 'Invalid model input' },
  MLS_ERR_RUNNER_INFERENCE: { status: 500, message: 'The model failed to run on this request' },
  MLS_ERR_RUNNER_NOT_CLASSIFIER: { status: 500, message: 'The model has no probabilities output' },
} as const;

/** A code of @mlserve/runner (`MLS_ERR_RUNNER_*`). */
export type RunnerErrorCode = keyof typeof kRunnerErrors;

/** Creates an MlserveError with one of the runner's codes. */
export const createRunnerError = defineErrors(kRunnerErrors);
