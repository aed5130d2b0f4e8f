import { defineErrors } from '@mlserve/errors';

/**
 * Every error code of @mlserve/model-store, with its HTTP status and default message. The README's
 * errors table lists exactly these codes (checked by errors.test.ts).
 */
export const kStoreErrors = {
  MLS_ERR_STORE_INVALID_TAG: { status: 400, message: 'Invalid model name, version or tag' },
  MLS_ERR_STORE_INVALID_INPUT: { status: 400, message: 'Invalid save input' },
  MLS_ERR_STORE_NOT_FOUND: { status: 404, message: 'Model not found' },
  MLS_ERR_STORE_AMBIGUOUS_TAG: { status: 409, message: 'Version prefix matches several versions' },
  MLS_ERR_STORE_ALREADY_EXISTS: { status: 409, message: 'Model version already exists' },
  MLS_ERR_STORE_TOO_LARGE: { status: 413, message: 'The model is larger than the maximum model size' },
  MLS_ERR_STORE_INVALID_MODEL: { status: 422, message: 'The ONNX model cannot be loaded' },
  MLS_ERR_STORE_NON_TENSOR_OUTPUT: { status: 422, message: 'The ONNX model has non-tensor inputs or outputs' },
  MLS_ERR_STORE_PICKLE_REFUSED: { status: 422, message: 'Pickle files are never loaded' },
  MLS_ERR_STORE_INVALID_PIPELINE: { status: 422, message: 'The pipeline is not a valid mlserve.pipeline/v1 document' },
  MLS_ERR_STORE_INVALID_STATS: { status: 422, message: 'The reference statistics are not a valid mlserve.stats/v1 document' },
  MLS_ERR_STORE_INVALID_ARCHIVE: { status: 422, message: 'The model archive is invalid' },
  MLS_ERR_STORE_CORRUPT: { status: 500, message: 'A stored model is damaged' },
  MLS_ERR_STORE_DANGLING_LATEST: { status: 500, message: 'The latest pointer names a missing version' },
  MLS_ERR_STORE_LOCK_TIMEOUT: { status: 503, message: 'Timed out waiting for the store lock' },
} as const;

/** A model-store error code. */
export type StoreErrorCode = keyof typeof kStoreErrors;

/** Creates an `MlserveError` with a model-store code: `createStoreError(code, message, { details, cause })`. */
export const createStoreError = defineErrors<StoreErrorCode>(kStoreErrors);
