import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

// pandas.read_csv's default missing-value markers.
const kNaValues = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);
const kNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a CSV as pandas.read_csv does for the parity fixtures: quoted fields may hold commas,
 * missing markers become null, and a column whose present cells are all numbers holds numbers.
 */
export function readCsvRecords(file: string): Array<Record<string, unknown>> {
  const rows: Array<Record<string, string>> = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true });
  const columns = Object.keys(rows[0] ?? {});
  const numeric = new Set(columns.filter((c) => rows.every((r) => kNaValues.has(r[c]!) || kNumber.test(r[c]!))));
  return rows.map((r) => {
    const record: Record<string, unknown> = {};
    for (const c of columns) {
      const cell = r[c]!;
      record[c] = kNaValues.has(cell) ? null : numeric.has(c) ? Number(cell) : cell;
    }
    return record;
  });
}
