export { MlserveError, isMlserveError, toErrorBody } from './mlserve-error';
export type { ErrorBody, ErrorDefinition } from './mlserve-error';
export { defineErrors } from './define-errors';
export type { ErrorFactory } from './define-errors';
export { readErrorsTable } from './errors-table';
