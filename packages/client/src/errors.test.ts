import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readErrorsTable } from '@mlserve/errors';
import { kClientErrors } from './index';

describe('the README errors table', () => {
  const table = readErrorsTable(readFileSync(join(__dirname, '..', 'README.md'), 'utf8'));

  it('lists every code with its status', () => {
    for (const [code, { status }] of Object.entries(kClientErrors)) expect([code, table.get(code)]).toEqual([code, status]);
  });

  it('names no code that does not exist', () => {
    for (const code of table.keys()) expect(Object.keys(kClientErrors)).toContain(code);
  });
});
