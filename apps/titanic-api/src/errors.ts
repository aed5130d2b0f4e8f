import { defineErrors } from '@mlserve/errors';

/**
 * The errors titanic-api adds to those of @mlserve/service. The README's errors table lists exactly
 * these codes (checked by errors.test.ts).
 */
export const kTitanicErrors = {
  MLS_ERR_TITANIC_MODEL: { status: 500, message: 'The stored titanic model has no preprocessing pipeline' },
} as const;

/** A titanic-api error code. */
export type TitanicErrorCode = keyof typeof kTitanicErrors;

/** Creates an `MlserveError` with a titanic-api code. */
export const createTitanicError = defineErrors<TitanicErrorCode>(kTitanicErrors);
