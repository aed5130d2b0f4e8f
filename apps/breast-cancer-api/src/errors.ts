import { defineErrors } from '@mlserve/errors';

/**
 * The errors breast-cancer-api adds to those of @mlserve/service. The README's errors table lists
 * exactly these codes (checked by errors.test.ts).
 */
export const kDiagnosisErrors = {
  MLS_ERR_DIAGNOSIS_MODEL: { status: 500, message: 'The stored breast cancer model has no preprocessing pipeline' },
} as const;

/** A breast-cancer-api error code. */
export type DiagnosisErrorCode = keyof typeof kDiagnosisErrors;

/** Creates an `MlserveError` with a breast-cancer-api code. */
export const createDiagnosisError = defineErrors<DiagnosisErrorCode>(kDiagnosisErrors);
