import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readErrorsTable } from '@mlserve/errors';
import { createPipelineError, kPipelineErrors } from './index';

const table = readErrorsTable(readFileSync(path.resolve(__dirname, '../README.md'), 'utf8'));

describe('the errors table of the README', () => {
  it('lists every code with its status', () => {
    for (const [code, { status }] of Object.entries(kPipelineErrors)) expect([code, table.get(code)]).toEqual([code, status]);
  });

  it('lists no code that does not exist', () => {
    for (const code of table.keys()) expect(Object.keys(kPipelineErrors)).toContain(code);
  });
});

describe('createPipelineError', () => {
  it('creates errors whose status comes from the table', () => {
    const err = createPipelineError('MLS_ERR_PIPELINE_MISSING_VALUE', 'Row 1, column "Age": missing', { details: { row: 1, column: 'Age' } });
    expect(err.toJSON()).toEqual({
      statusCode: 400,
      code: 'MLS_ERR_PIPELINE_MISSING_VALUE',
      error: 'Bad Request',
      message: 'Row 1, column "Age": missing',
      details: { row: 1, column: 'Age' },
    });
  });
});
