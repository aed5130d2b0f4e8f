import { MlserveError, defineErrors, isMlserveError, readErrorsTable, toErrorBody } from './index';

const createError = defineErrors({
  MLS_ERR_TEST_NOT_FOUND: { status: 404, message: 'Thing not found' },
  MLS_ERR_TEST_BAD: { status: 400, message: 'Bad thing' },
});

describe('MlserveError', () => {
  it('takes its status from the table and its message from the caller', () => {
    const err = createError('MLS_ERR_TEST_NOT_FOUND', 'No model "x"');
    expect(err).toBeInstanceOf(MlserveError);
    expect(err.statusCode).toBe(404);
    expect(err.message).toBe('No model "x"');
  });

  it('falls back to the default message of its code', () => {
    expect(createError('MLS_ERR_TEST_BAD').message).toBe('Bad thing');
  });

  it('serializes to the wire format with details when present', () => {
    const err = createError('MLS_ERR_TEST_BAD', 'field "a" is wrong', { details: [{ path: '/a' }] });
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      statusCode: 400,
      code: 'MLS_ERR_TEST_BAD',
      error: 'Bad Request',
      message: 'field "a" is wrong',
      details: [{ path: '/a' }],
    });
  });

  it('recognizes errors from another copy of the package by their code', () => {
    const foreign = Object.assign(new Error('x'), { code: 'MLS_ERR_OTHER', statusCode: 409 });
    expect(isMlserveError(foreign)).toBe(true);
    expect(isMlserveError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
  });

  it('hides everything about errors it does not know', () => {
    const body = toErrorBody(new TypeError('secret internals at /srv/app.js:10'));
    expect(body).toEqual({ statusCode: 500, code: 'MLS_ERR_INTERNAL', error: 'Internal Server Error', message: 'Internal server error' });
  });
});

describe('readErrorsTable', () => {
  it('reads codes and statuses from a markdown table', () => {
    const md = ['| Code | Status | Description | How to solve |', '| --- | --- | --- | --- |', '| `MLS_ERR_A` | 400 | a | b |', '| MLS_ERR_B_C | 503 | a | b |'].join('\n');
    expect([...readErrorsTable(md)]).toEqual([
      ['MLS_ERR_A', 400],
      ['MLS_ERR_B_C', 503],
    ]);
  });
});
