import type { ReferenceStats } from '@mlserve/core';

/**
 * The warnings about one raw record, measured against the training data: a negative value where
 * training had none (the notebook's `validate_input`), else a value outside the training range.
 */
export function findInputWarnings(stats: ReferenceStats, record: Readonly<Record<string, unknown>>): string[] {
  const warnings: string[] = [];
  for (const [name, column] of Object.entries(stats.features)) {
    const value = record[name];
    if (column.kind !== 'numeric' || typeof value !== 'number' || column.min === null || column.max === null) continue;
    if (value < 0 && column.min >= 0) warnings.push(`${name} has a negative value: ${value}`);
    else if (value < column.min || value > column.max) warnings.push(`${name} is ${value}, outside the training range [${column.min}, ${column.max}]`);
  }
  return warnings;
}
