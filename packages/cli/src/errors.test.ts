import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readErrorsTable } from '@mlserve/errors';
import { kCliErrors } from './errors';

describe('the errors table in the README', () => {
  const table = readErrorsTable(readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8'));

  it('lists every code the CLI raises, with its status', () => {
    for (const [code, def] of Object.entries(kCliErrors)) expect([code, table.get(code)]).toEqual([code, def.status]);
  });

  it('names no code that does not exist', () => {
    for (const code of table.keys()) expect(Object.keys(kCliErrors)).toContain(code);
  });
});
