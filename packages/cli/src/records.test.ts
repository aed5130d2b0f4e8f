import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../test/helpers';
import { coerceCell, columnTypesOf, formatOf, parseCsvLine, readRows, toCsvCell } from './records';

describe('reading input rows', () => {
  it('splits CSV lines with quotes and escaped quotes', () => {
    expect(parseCsvLine('1,"Braund, Mr. Owen",,"say ""hi"""')).toEqual(['1', 'Braund, Mr. Owen', '', 'say "hi"']);
    expect(toCsvCell('a,"b"')).toBe('"a,""b"""');
  });

  it('turns CSV cells into numbers where the schema asks, and empty cells into missing values', () => {
    const types = columnTypesOf({ properties: { age: { type: ['number', 'null'] }, sex: { type: 'string' } } });
    expect(coerceCell('22.5', types.get('age'))).toBe(22.5);
    expect(coerceCell('', types.get('age'))).toBeNull();
    expect(coerceCell('abc', types.get('age'))).toBe('abc');
    expect(coerceCell('1', types.get('sex'))).toBe('1');
    expect(coerceCell('7', undefined)).toBe(7);
  });

  it('knows formats by extension', () => {
    expect(formatOf('a.CSV', 'input')).toBe('csv');
    expect(formatOf('a.ndjson', 'output')).toBe('jsonl');
    expect(() => formatOf('a.parquet', 'input')).toThrow(expect.objectContaining({ code: 'MLS_ERR_CLI_INPUT_FORMAT' }));
  });

  it('streams rows with their line numbers and reports unreadable ones', async () => {
    const tmp = makeTempDir();
    try {
      const csv = path.join(tmp.dir, 'in.csv');
      writeFileSync(csv, 'a,b\n1,x\n\n2\n3,"y"\n');
      const rows = [];
      for await (const row of readRows(csv, 'csv', new Map())) rows.push(row);
      expect(rows).toEqual([
        { line: 2, record: { a: 1, b: 'x' } },
        { line: 4, error: 'expected 2 columns, found 1' },
        { line: 5, record: { a: 3, b: 'y' } },
      ]);
      const jsonl = path.join(tmp.dir, 'in.jsonl');
      writeFileSync(jsonl, '{"a":1}\n[1]\n{oops\n');
      const lines = [];
      for await (const row of readRows(jsonl, 'jsonl', new Map())) lines.push(row.line + (row.error ? ' bad' : ' ok'));
      expect(lines).toEqual(['1 ok', '2 bad', '3 bad']);
    } finally {
      tmp.cleanup();
    }
  });

  it('reads quoted fields that span lines, blank lines inside them included, and numbers rows by their first line', async () => {
    const tmp = makeTempDir();
    try {
      const csv = path.join(tmp.dir, 'in.csv');
      writeFileSync(csv, 'a,"note\nabout b"\n1,"line one\n\nline ""three"""\n2,plain\n3,"never\nclosed\n');
      const rows = [];
      for await (const row of readRows(csv, 'csv', new Map())) rows.push(row);
      expect(rows).toEqual([
        { line: 3, record: { a: 1, 'note\nabout b': 'line one\n\nline "three"' } },
        { line: 6, record: { a: 2, 'note\nabout b': 'plain' } },
        { line: 7, error: 'a quoted field is not closed before the end of the file' },
      ]);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('reading CSV cells that hold a lone quote', () => {
  it('keeps `5\'10"` as text and reads the rows after it as usual', async () => {
    const tmp = makeTempDir();
    try {
      const csv = path.join(tmp.dir, 'in.csv');
      writeFileSync(csv, 'name,height\nann,5\'10"\nbob,6\'1"\ncid,170\n');
      const rows = [];
      for await (const row of readRows(csv, 'csv', new Map())) rows.push(row);
      expect(rows).toEqual([
        { line: 2, record: { name: 'ann', height: '5\'10"' } },
        { line: 3, record: { name: 'bob', height: '6\'1"' } },
        { line: 4, record: { name: 'cid', height: 170 } },
      ]);
    } finally {
      tmp.cleanup();
    }
  });
});
