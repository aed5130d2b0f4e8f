import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseCsvStream, type CsvError, type Options as CsvOptions } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';
import { createCliError } from './errors';

/** Formats `predict` reads and writes. */
export type RecordFormat = 'csv' | 'jsonl';

/** One input row: its 1-based line number in the file, and the record or why it could not be read. */
export type InputRow = { line: number; record: Record<string, unknown>; error?: undefined } | { line: number; record?: undefined; error: string };

/** The format of a path, from its extension. */
export function formatOf(file: string, role: 'input' | 'output'): RecordFormat {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(file)) return 'jsonl';
  throw createCliError('MLS_ERR_CLI_INPUT_FORMAT', `Unsupported ${role} file ${file}: use .csv or .jsonl`);
}

/** Splits one CSV record (RFC 4180 quoting, a lone `"` inside an unquoted cell kept as text). */
export function parseCsvLine(line: string): string[] {
  const [cells] = parseCsv(line, { relax_quotes: true, relax_column_count: true }) as string[][];
  return cells ?? [''];
}

/** Quotes a CSV cell when it needs it. */
export function toCsvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Column types taken from a pipeline's input JSON Schema, used to turn CSV strings into values. */
export type ColumnTypes = Map<string, 'number' | 'string' | 'any'>;

/** Reads the column types of an input schema (`properties.<col>.type`). */
export function columnTypesOf(schema: unknown): ColumnTypes {
  const types: ColumnTypes = new Map();
  const props = (schema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties ?? {};
  for (const [name, prop] of Object.entries(props)) {
    const t = ([] as unknown[]).concat(prop?.type ?? []);
    types.set(name, t.includes('number') || t.includes('integer') ? 'number' : t.includes('string') ? 'string' : 'any');
  }
  return types;
}

/** Turns one CSV cell into a value: empty is missing (null); numbers where the schema wants them. */
export function coerceCell(raw: string, type: 'number' | 'string' | 'any' | undefined): unknown {
  if (raw === '') return null;
  if (type === 'string') return raw;
  const n = Number(raw);
  if (type === 'number') return Number.isNaN(n) || raw.trim() === '' ? raw : n;
  return Number.isFinite(n) && raw.trim() !== '' ? n : raw;
}

/** Reads JSON Lines: one object per line; a bad line is one rejected row, and the next line is read as usual. */
async function* readJsonLines(file: string, onBytes?: (bytes: number) => void): AsyncGenerator<InputRow> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  let bytes = 0;
  try {
    for await (const line of lines) {
      lineNo += 1;
      bytes += Buffer.byteLength(line) + 1;
      onBytes?.(bytes);
      if (line.trim() === '') continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (err) {
        yield { line: lineNo, error: `not valid JSON: ${(err as Error).message}` };
        continue;
      }
      if (!record || typeof record !== 'object' || Array.isArray(record)) yield { line: lineNo, error: 'expected a JSON object' };
      else yield { line: lineNo, record: record as Record<string, unknown> };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Where csv-parse says it is: lines read so far and blank lines skipped so far. */
type CsvPosition = { lines: number; empty_lines: number };

/**
 * Reads CSV with a header line through csv-parse (quoted cells may hold commas, quotes and line
 * breaks; a lone `"` in an unquoted cell is text). Each row is numbered by its first line, so a
 * message points at where the row starts; a row csv-parse cannot read is one rejected row.
 */
async function* readCsv(file: string, types: ColumnTypes, onBytes?: (bytes: number) => void): AsyncGenerator<InputRow> {
  const skipped: Array<{ position: CsvPosition; message: string }> = [];
  // on_skip is documented csv-parse API that its 5.x type declarations lack.
  const options: CsvOptions & { on_skip: (err: CsvError) => void } = {
    bom: true,
    info: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      const lines: unknown = err.lines;
      const empty: unknown = err.empty_lines;
      skipped.push({ position: { lines: typeof lines === 'number' ? lines : 0, empty_lines: typeof empty === 'number' ? empty : 0 }, message: err.message });
    },
  };
  const parser = parseCsvStream(options);
  const stream = createReadStream(file);
  stream.on('error', (err) => parser.destroy(err));
  // csv-parse reports where a row ends; it starts after the previous row and any blank lines between.
  let last: CsvPosition = { lines: 0, empty_lines: 0 };
  const startOf = (position: CsvPosition): number => last.lines + 1 + (position.empty_lines - last.empty_lines);
  function* flushSkipped(): Generator<InputRow> {
    for (const { position, message } of skipped.splice(0)) {
      yield { line: startOf(position), error: message.replace(/^Quote Not Closed: .*/, 'a quoted field is not closed before the end of the file') };
      last = position;
    }
  }
  let header: string[] | undefined;
  try {
    for await (const chunk of stream.pipe(parser)) {
      // With `info: true`, each chunk is a record and where it ends.
      const { record: cells, info }: { record: string[]; info: CsvPosition & { bytes: number } } = chunk;
      yield* flushSkipped();
      const line = startOf(info);
      last = info;
      onBytes?.(info.bytes);
      if (!header) {
        header = cells.map((c) => c.trim());
        continue;
      }
      if (cells.length !== header.length) {
        yield { line, error: `expected ${header.length} columns, found ${cells.length}` };
        continue;
      }
      const record: Record<string, unknown> = {};
      header.forEach((name, i) => {
        record[name] = coerceCell(cells[i] ?? '', types.get(name));
      });
      yield { line, record };
    }
    yield* flushSkipped();
  } finally {
    stream.destroy();
    parser.destroy();
  }
}

/**
 * Streams the rows of a CSV (with a header line) or JSON Lines file, one at a time, so memory does
 * not grow with the file. `onBytes` reports progress. Blank lines are skipped.
 */
export function readRows(file: string, format: RecordFormat, types: ColumnTypes, onBytes?: (bytes: number) => void): AsyncGenerator<InputRow> {
  return format === 'jsonl' ? readJsonLines(file, onBytes) : readCsv(file, types, onBytes);
}
