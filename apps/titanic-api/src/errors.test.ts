import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readErrorsTable } from '@mlserve/errors';
import { kTitanicErrors } from './errors';

describe('the README errors table', () => {
  it('lists exactly the codes of kTitanicErrors, with their statuses', () => {
    const table = readErrorsTable(readFileSync(join(__dirname, '..', 'README.md'), 'utf8'));
    const codes = new Map(Object.entries(kTitanicErrors).map(([code, { status }]) => [code, status]));
    expect(table).toEqual(codes);
  });
});
