import { defineErrors } from '@mlserve/errors';

/**
 * Every error code of @mlserve/pipeline with its HTTP status. Input errors are 400 so the service
 * can answer them as client errors; `details` is `{ row, column }` for them and `{ path }` for
 * MLS_ERR_PIPELINE_FORMAT.
 */
export const kPipelineErrors = {
  MLS_ERR_PIPELINE_MISSING_COLUMN: { status: 400, message: 'A record lacks a column the pipeline needs' },
  MLS_ERR_PIPELINE_INVALID_TYPE: { status: 400, message: 'A record holds a value of the wrong type' },
  MLS_ERR_PIPELINE_UNKNOWN_CATEGORY: { status: 400, message: 'A record holds a category unseen at fit time' },
  MLS_ERR_PIPELINE_MISSING_VALUE: { status: 400, message: 'A record holds a missing value that no imputer fills' },
  MLS_ERR_PIPELINE_OUT_OF_DOMAIN: { status: 400, message: 'A record holds a value outside the domain of a FunctionTransformer function' },
  MLS_ERR_PIPELINE_NOT_FITTED: { status: 500, message: 'The pipeline is not fitted' },
  MLS_ERR_PIPELINE_FORMAT: { status: 422, message: 'Invalid pipeline JSON' },
} as const;

/** The error codes of @mlserve/pipeline. */
export type PipelineErrorCode = keyof typeof kPipelineErrors;

/** Creates an MlserveError from kPipelineErrors: `createPipelineError(code, message, { details })`. */
export const createPipelineError = defineErrors<PipelineErrorCode>(kPipelineErrors);
