import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readErrorsTable } from '@mlserve/errors';
import { createStoreError, kStoreErrors } from './errors';

describe('the errors table of the README', () => {
  const documented = readErrorsTable(readFileSync(join(__dirname, '..', 'README.md'), 'utf8'));

  it('lists every code with its status', () => {
    for (const [code, { status }] of Object.entries(kStoreErrors)) {
      expect([code, documented.get(code)]).toEqual([code, status]);
    }
  });

  it('lists no code that does not exist', () => {
    for (const code of documented.keys()) expect(Object.keys(kStoreErrors)).toContain(code);
  });

  it('creates errors with the status of their code', () => {
    expect(createStoreError('MLS_ERR_STORE_NOT_FOUND', 'No model "x"')).toMatchObject({ statusCode: 404, code: 'MLS_ERR_STORE_NOT_FOUND', message: 'No model "x"' });
  });
});
