import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readErrorsTable } from '@mlserve/errors';
import { createRunnerError, kRunnerErrors } from './index';

describe('errors', () => {
  const table = readErrorsTable(readFileSync(join(__dirname, '..', 'README.md'), 'utf8'));

  it('lists every code in the README errors table with its status', () => {
    for (const [code, { status }] of Object.entries(kRunnerErrors)) expect([code, table.get(code)]).toEqual([code, status]);
  });

  it('names no code in the README that does not exist', () => {
    for (const code of table.keys()) expect(Object.keys(kRunnerErrors)).toContain(code);
  });

  it('creates errors with the status of their code', () => {
    expect(createRunnerError('MLS_ERR_RUNNER_OVERLOADED')).toMatchObject({ statusCode: 503, code: 'MLS_ERR_RUNNER_OVERLOADED' });
  });
});
