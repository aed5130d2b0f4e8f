import { createServiceError, createValidationError, decodeRecordList } from './index';

const positive = (item: unknown): number => {
  if (typeof item === 'number' && item > 0) return item;
  throw createValidationError([{ path: '/', message: 'must be a positive number', keyword: 'minimum' }]);
};

describe('decodeRecordList()', () => {
  it('hands back a list, and says when one record was sent', () => {
    expect(decodeRecordList(3, positive)).toEqual({ value: [3], single: true });
    expect(decodeRecordList([1, 2], positive)).toEqual({ value: [1, 2], single: false });
  });

  it("answers one record's error as it is, and lists a list's issues under each index", () => {
    expect(() => decodeRecordList(-1, positive)).toThrow(expect.objectContaining({ details: [{ path: '/', message: 'must be a positive number', keyword: 'minimum' }] }));
    expect(() => decodeRecordList([1, -1, 'x'], positive)).toThrow(
      expect.objectContaining({ code: 'MLS_ERR_IO_VALIDATION', details: [expect.objectContaining({ path: '/1' }), expect.objectContaining({ path: '/2' })] }),
    );
  });

  it('refuses an empty list and too many records, naming them with the noun', () => {
    expect(() => decodeRecordList([], positive, { noun: 'tumour' })).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ message: 'must contain at least one tumour' })] }),
    );
    expect(() => decodeRecordList([1, 2, 3], positive, { maxRecords: 2, noun: 'tumour' })).toThrow(
      expect.objectContaining({ code: 'MLS_ERR_IO_TOO_MANY_RECORDS', message: expect.stringContaining('3 tumours') }),
    );
  });

  it('stops after 50 issues and marks the error truncated', () => {
    let err: { details: unknown[]; truncated?: boolean } | undefined;
    try {
      decodeRecordList(Array(1000).fill(-1), positive);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.details).toHaveLength(50);
    expect(err?.truncated).toBe(true);
  });

  it('passes errors other than validation through', () => {
    const boom = (): never => {
      throw createServiceError('MLS_ERR_IO_TENSOR', 'not a tensor');
    };
    expect(() => decodeRecordList([1], boom)).toThrow(expect.objectContaining({ code: 'MLS_ERR_IO_TENSOR' }));
  });
});
