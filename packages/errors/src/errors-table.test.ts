import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readErrorsTable } from './index';

describe('the README errors table', () => {
  it('lists exactly the code this package raises itself, with its status', () => {
    const table = readErrorsTable(readFileSync(join(__dirname, '..', 'README.md'), 'utf8'));
    expect([...table]).toEqual([['MLS_ERR_INTERNAL', 500]]);
  });
});
