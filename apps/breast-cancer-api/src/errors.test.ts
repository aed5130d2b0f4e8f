import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readErrorsTable } from '@mlserve/errors';
import { kDiagnosisErrors } from './errors';

describe('the README errors table', () => {
  it('lists exactly the codes of kDiagnosisErrors, with their statuses', () => {
    const table = readErrorsTable(readFileSync(join(__dirname, '..', 'README.md'), 'utf8'));
    const codes = new Map(Object.entries(kDiagnosisErrors).map(([code, { status }]) => [code, status]));
    expect(table).toEqual(codes);
  });
});
