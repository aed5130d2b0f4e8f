// Request bodies for the workloads, built from the real datasets so every contender sees the same
// mix of passengers (missing ages and ports included).

import { readFileSync } from 'node:fs';

/** Parses RFC 4180 CSV (quoted fields, doubled quotes) into an array of header-keyed objects. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((r) => r.length > 1 || r[0] !== '');
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/**
 * Turns CSV rows into JSON records holding only `inputs` (pipeline.json's `inputs`: name + type);
 * empty cells become null, numbers are numbers.
 */
export function toRecords(rows, inputs) {
  return rows.map((row) =>
    Object.fromEntries(
      inputs.map(({ name, type }) => {
        const cell = row[name];
        if (cell === undefined || cell === '') return [name, null];
        return [name, type === 'number' ? Number(cell) : cell];
      }),
    ),
  );
}

/** Records of a dataset shaped for a model's pipeline.json. */
export function loadRecords(csvPath, pipelineJsonPath) {
  const { inputs } = JSON.parse(readFileSync(pipelineJsonPath, 'utf8'));
  return toRecords(parseCsv(readFileSync(csvPath, 'utf8')), inputs);
}

/** `count` bodies of `rows` records each, cycling through the records. */
export function makeBodies(records, rows, count) {
  const bodies = [];
  let next = 0;
  for (let b = 0; b < count; b++) {
    if (rows === 1) {
      bodies.push(JSON.stringify(records[next++ % records.length]));
    } else {
      const batch = [];
      for (let i = 0; i < rows; i++) batch.push(records[next++ % records.length]);
      bodies.push(JSON.stringify(batch));
    }
  }
  return bodies;
}
