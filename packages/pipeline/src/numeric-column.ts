import type { Column } from './column';
import { createPipelineError } from './errors';
import type { ColumnValues } from './step';

/**
 * The values of a column a scaler fits on: numbers without missing values. scikit-learn would
 * skip NaN here, but a scaler cannot transform a missing value later either, so fit refuses it
 * with the same error transform would raise, naming the first bad row.
 */
export function readNumericColumn(column: Column, values: ColumnValues, step: string): Float64Array {
  if (column.kind !== 'number') {
    throw new TypeError(`${step} needs numbers, but column "${column.name}" holds strings`);
  }
  const numbers = values as Float64Array;
  for (let row = 0; row < numbers.length; row++) {
    if (numbers[row] !== numbers[row]) {
      throw createPipelineError('MLS_ERR_PIPELINE_MISSING_VALUE', `Row ${row}, column "${column.node.source}": the value is missing and no imputer precedes the ${step}`, {
        details: { row, column: column.node.source },
      });
    }
  }
  return numbers;
}
