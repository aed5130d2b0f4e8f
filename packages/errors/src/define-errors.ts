import { type ErrorDefinition, MlserveError } from './mlserve-error';

/** A factory bound to one package's error table. */
export type ErrorFactory<TCode extends string> = (code: TCode, message?: string, options?: { details?: unknown; cause?: unknown }) => MlserveError;

/**
 * Binds a package's error table (code -> status and default message) to a factory, so that the
 * status of a code is decided in exactly one place.
 *
 * @example
 * const kStoreErrors = { MLS_ERR_STORE_NOT_FOUND: { status: 404, message: 'Model not found' } } as const;
 * export const createStoreError = defineErrors(kStoreErrors);
 * throw createStoreError('MLS_ERR_STORE_NOT_FOUND', `No model "${tag}"`);
 */
export function defineErrors<TCode extends string>(table: Record<TCode, ErrorDefinition>): ErrorFactory<TCode> {
  return (code, message, options) => {
    const def = table[code];
    return new MlserveError(code, def.status, message ?? def.message, options);
  };
}
