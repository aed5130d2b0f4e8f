import type { MlserveError } from '@mlserve/errors';
import type { Node, NumpyFunction } from './column';
import { createPipelineError } from './errors';
import { kDomains } from './numpy-function';

// The errors a record can cause at transform time, each naming its row and raw column.

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** True when `record` has its own property `key`, other than undefined. */
export function hasKey(record: object, key: string): boolean {
  const value = (record as Record<string, unknown>)[key];
  return value !== undefined && Object.hasOwn(record, key);
}

/** The error for a missing value that nothing downstream accepts: absent key or null/NaN. */
export function createMissingError(record: unknown, row: number, column: string): MlserveError {
  if (typeof record === 'object' && record !== null && !hasKey(record, column)) {
    return createPipelineError('MLS_ERR_PIPELINE_MISSING_COLUMN', `Row ${row}: column "${column}" is missing and no imputer fills it`, {
      details: { row, column },
    });
  }
  return createPipelineError('MLS_ERR_PIPELINE_MISSING_VALUE', `Row ${row}, column "${column}": the value is missing (null or NaN) and no imputer fills it`, {
    details: { row, column },
  });
}

/** The error for a value of the wrong JSON type. */
export function createTypeError(row: number, column: string, expected: string, value: unknown): MlserveError {
  return createPipelineError('MLS_ERR_PIPELINE_INVALID_TYPE', `Row ${row}, column "${column}": expected ${expected}, got ${typeName(value)}`, {
    details: { row, column },
  });
}

/** The error for a record that is not an object. */
export function createRecordError(row: number, value: unknown): MlserveError {
  return createPipelineError('MLS_ERR_PIPELINE_INVALID_TYPE', `Row ${row}: expected an object (one record), got ${typeName(value)}`, {
    details: { row, column: null },
  });
}

/** The error for a value outside a FunctionTransformer's domain (log of 0, exp overflowing). */
export function createDomainError(row: number, column: string, func: NumpyFunction, value: number): MlserveError {
  return createPipelineError(
    'MLS_ERR_PIPELINE_OUT_OF_DOMAIN',
    `Row ${row}, column "${column}": ${func}(${value}) is not a finite number (${func} needs ${kDomains[func]}, after the steps before it)`,
    { details: { row, column } },
  );
}

/** The error for a category unseen at fit, under handleUnknown 'error'. */
export function createUnknownError(row: number, node: Node, value: number | string): MlserveError {
  const known = node.op === 'onehot' ? node.categories.filter((c) => c !== null) : [];
  const list =
    known
      .slice(0, 20)
      .map((c) => JSON.stringify(c))
      .join(', ') + (known.length > 20 ? ', ...' : '');
  return createPipelineError('MLS_ERR_PIPELINE_UNKNOWN_CATEGORY', `Row ${row}, column "${node.source}": unknown category ${JSON.stringify(value)} (known: ${list})`, {
    details: { row, column: node.source },
  });
}
