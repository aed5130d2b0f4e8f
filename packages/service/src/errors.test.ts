import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readErrorsTable } from '@mlserve/errors';
import { kServiceErrors } from './errors';

describe('the README errors table', () => {
  const table = readErrorsTable(readFileSync(join(__dirname, '..', 'README.md'), 'utf8'));

  it('lists every code with its status', () => {
    for (const [code, def] of Object.entries(kServiceErrors)) expect([code, table.get(code)]).toEqual([code, def.status]);
  });

  it('lists no code that does not exist', () => {
    for (const code of table.keys()) expect(Object.keys(kServiceErrors)).toContain(code);
  });
});
