import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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

/** Splits one CSV record (RFC 4180 quoting; a quoted field may hold line breaks). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
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

function countQuotes(line: string): number {
  let n = 0;
  for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 1)) n += 1;
  return n;
}

/**
 * Streams the rows of a CSV (with a header line) or JSON Lines file, one at a time, so memory does
 * not grow with the file. `onBytes` reports progress. Blank lines are skipped.
 */
export async function* readRows(file: string, format: RecordFormat, types: ColumnTypes, onBytes?: (bytes: number) => void): AsyncGenerator<InputRow> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let header: string[] | undefined;
  let lineNo = 0;
  let bytes = 0;
  // A CSV record whose quotes are not yet balanced: a quoted field goes on over the next line.
  let open: { text: string; line: number; quotes: number } | undefined;
  try {
    for await (const line of lines) {
      lineNo += 1;
      bytes += Buffer.byteLength(line) + 1;
      onBytes?.(bytes);
      if (line.trim() === '' && open === undefined) continue;
      if (format === 'jsonl') {
        let record: unknown;
        try {
          record = JSON.parse(line);
        } catch (err) {
          yield { line: lineNo, error: `not valid JSON: ${(err as Error).message}` };
          continue;
        }
        if (!record || typeof record !== 'object' || Array.isArray(record)) yield { line: lineNo, error: 'expected a JSON object' };
        else yield { line: lineNo, record: record as Record<string, unknown> };
        continue;
      }
      const quotes = (open?.quotes ?? 0) + countQuotes(line);
      const text = open === undefined ? line : `${open.text}\n${line}`;
      const start = open?.line ?? lineNo;
      // Escaped quotes come in pairs, so an odd count means a quoted field is still open.
      if (quotes % 2 === 1) {
        open = { text, line: start, quotes };
        continue;
      }
      open = undefined;
      const cells = parseCsvLine(text);
      if (!header) {
        header = cells.map((c) => c.trim());
        continue;
      }
      if (cells.length !== header.length) {
        yield { line: start, error: `expected ${header.length} columns, found ${cells.length}` };
        continue;
      }
      const record: Record<string, unknown> = {};
      header.forEach((name, i) => {
        record[name] = coerceCell(cells[i] ?? '', types.get(name));
      });
      yield { line: start, record };
    }
    if (open !== undefined) yield { line: open.line, error: 'a quoted field is not closed before the end of the file' };
  } finally {
    lines.close();
    stream.destroy();
  }
}
