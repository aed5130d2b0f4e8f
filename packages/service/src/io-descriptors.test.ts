import { json, records, tensor, text } from './index';

const kRecordSchema = {
  type: 'object',
  required: ['x'],
  properties: { x: { type: 'number' }, kind: { enum: ['a', 'b'] } },
};
const pipeline = { inputSchema: () => kRecordSchema };

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('json()', () => {
  it('validates against its schema and reports every failing field', () => {
    const d = json({ schema: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string' } } } });
    expect(d.decodeRaw('{"a":"x","b":1}').value).toEqual({ a: 'x', b: 1 });
    expect(() => d.decodeRaw('{"a":1}')).toThrow(
      expect.objectContaining({
        code: 'MLS_ERR_IO_VALIDATION',
        details: [
          { path: '/b', message: 'is required', keyword: 'required' },
          { path: '/a', message: 'must be string', keyword: 'type' },
        ],
      }),
    );
  });

  it('lists at most 50 issues and counts the others', () => {
    const d = json({ schema: { type: 'array', items: { type: 'number' } } });
    const err = catchError(() => d.decodeRaw(JSON.stringify(Array.from({ length: 80 }, () => 'x')))) as { details: unknown[]; message: string; truncated?: boolean };
    expect(err.details).toHaveLength(50);
    expect(err.message).toMatch(/; and 30 more$/);
    expect(err.truncated).toBe(true);
  });

  it('validates a raw body over 64 KiB up to its first failing field only', () => {
    const d = json({ schema: { type: 'array', items: { type: 'object', required: ['a', 'b'] } } });
    const err = catchError(() => d.decodeRaw(`[${Array(100_000).fill('{}').join(',')}]`)) as { details: unknown[]; message: string; truncated?: boolean };
    expect(err.details).toEqual([{ path: '/0/a', message: 'is required', keyword: 'required' }]);
    expect(err.message).toBe('Request body does not match the schema: /0/a is required; and more (validation stopped early)');
    expect(err.truncated).toBe(true);
    expect(d.decodeRaw(`[${Array(100_000).fill('{"a":1,"b":2}').join(',')}]`).value).toHaveLength(100_000);
  });

  it('accepts anything without a schema', () => {
    expect(json().decodeRaw('[1, 2]').value).toEqual([1, 2]);
  });

  it('derives an example from the schema unless one is given', () => {
    expect(json({ schema: kRecordSchema }).example).toEqual({ x: 0, kind: 'a' });
    expect(json({ schema: kRecordSchema, example: { x: 3 } }).example).toEqual({ x: 3 });
  });

  it('encodes BigInts and typed arrays as JSON numbers and arrays', () => {
    expect(json().encode({ label: new BigInt64Array([1n, 0n]), p: new Float32Array([0.5]) })).toBe('{"label":[1,0],"p":[0.5]}');
  });

  it('rejects a schema that is not an object, naming the option', () => {
    expect(() => json({ schema: 'x' as never })).toThrow('options.schema must be a JSON Schema object');
  });
});

describe('records()', () => {
  it('hands one record to the handler as an array of one and marks it single', () => {
    expect(records(pipeline).decodeRaw('{"x":1}')).toEqual({ value: [{ x: 1 }], single: true });
    expect(records(pipeline).decodeRaw('[{"x":1},{"x":2}]')).toEqual({ value: [{ x: 1 }, { x: 2 }], single: false });
  });

  it('prefixes failing paths with the record index', () => {
    const err = (() => {
      try {
        records(pipeline).decodeRaw('[{"x":1},{"kind":"c"}]');
      } catch (e) {
        return e as { details: Array<{ path: string }> };
      }
    })();
    expect(err?.details.map((d) => d.path)).toEqual(['/1/x', '/1/kind']);
  });

  it('refuses an empty array, and more than maxRecords (default 10,000) with 413', () => {
    expect(() => records(pipeline).decodeRaw('[]')).toThrow('must contain at least one record');
    expect(() => records(pipeline, { maxRecords: 1 }).decodeRaw('[{"x":1},{"x":2}]')).toThrow(
      expect.objectContaining({
        code: 'MLS_ERR_IO_TOO_MANY_RECORDS',
        statusCode: 413,
        details: { maxRecords: 1, received: 2 },
      }),
    );
    const many = JSON.stringify(Array.from({ length: 10_001 }, () => ({ x: 1 })));
    expect(() => records(pipeline).decodeRaw(many)).toThrow(expect.objectContaining({ code: 'MLS_ERR_IO_TOO_MANY_RECORDS' }));
    expect(records(pipeline, { maxRecords: Infinity }).decodeRaw(many).value).toHaveLength(10_001);
    expect(() => records(pipeline, { maxRecords: 0 })).toThrow('options.maxRecords must be a positive integer or Infinity');
  });

  it('lists at most 50 issues, stopping validation there', () => {
    const err = catchError(() => records(pipeline, { maxRecords: Infinity }).decodeRaw(JSON.stringify(Array.from({ length: 100_000 }, () => ({}))))) as {
      details: unknown[];
      message: string;
      truncated?: boolean;
    };
    expect(err.details).toHaveLength(50);
    expect(err.message).toMatch(/\/49\/x is required; and more \(validation stopped early\)$/);
    expect(err.truncated).toBe(true);
    // Below the cap nothing is marked.
    expect(catchError(() => records(pipeline).decodeRaw('[{}]'))).not.toHaveProperty('truncated');
  });

  it('documents one record or an array of them', () => {
    expect(records(pipeline).schema()).toEqual({ oneOf: [kRecordSchema, { type: 'array', items: kRecordSchema, minItems: 1, maxItems: 10_000 }] });
  });

  it('needs a pipeline', () => {
    expect(() => records({} as never)).toThrow('pipeline must be a Pipeline');
  });
});

describe('tensor()', () => {
  it('decodes nested arrays into a typed array and dims', () => {
    const t = tensor({ dtype: 'float32', shape: [-1, 2] }).decodeRaw('[[1,2],[3,4],[5,6]]').value;
    expect(t.type).toBe('float32');
    expect(t.data).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    expect(t.dims).toEqual([3, 2]);
  });

  it('uses BigInt64Array for int64 and 0/1 bytes for bool', () => {
    expect(tensor({ dtype: 'int64' }).decodeRaw('[1,2]').value.data).toEqual(new BigInt64Array([1n, 2n]));
    expect(tensor({ dtype: 'bool', shape: [2] }).decodeRaw('[true,false]').value.data).toEqual(new Uint8Array([1, 0]));
  });

  it('refuses the wrong rank, a fixed dimension of another size, ragged rows and wrong dtypes', () => {
    const d = tensor({ dtype: 'int32', shape: [null, 3] });
    expect(() => d.decodeRaw('[1,2,3]')).toThrow('must have 2 dimension(s), got 1');
    expect(() => d.decodeRaw('[[1,2]]')).toThrow('dimension 1 must have size 3, got 2');
    expect(() => d.decodeRaw('[[1,2,3],[1,2]]')).toThrow('/1 must be an array of 3 element(s)');
    expect(() => d.decodeRaw('[[1,2.5,3]]')).toThrow('/0/1 must be an integer');
    expect(() => tensor({ dtype: 'uint8' }).decodeRaw('[256]')).toThrow('/0 must be an integer in [0, 255]');
  });

  it('checks the structure before allocating: a small ragged body claiming 1e9 elements is a 400', () => {
    // The first row along each axis has 1000 elements: the first-row dims multiply to 1e9.
    const row = `[${Array(1000).fill(0).join(',')}]`;
    const body = `[[${row}${',[0]'.repeat(999)}]${',[[0]]'.repeat(999)}]`;
    const err = catchError(() => tensor({ dtype: 'float32' }).decodeRaw(body)) as { code: string; statusCode: number; details: unknown[] };
    expect(err).toMatchObject({ code: 'MLS_ERR_IO_TENSOR', statusCode: 400 });
    expect(err.details).toHaveLength(50);
    expect(() => tensor({ dtype: 'float32' }).decodeRaw('['.repeat(40) + ']'.repeat(40))).toThrow('must have at most 32 dimensions');
  });

  it('documents fixed dimensions as minItems/maxItems', () => {
    expect(tensor({ dtype: 'float64', shape: [-1, 2] }).schema()).toMatchObject({ type: 'array', items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } });
  });

  it('encodes a tensor result as nested arrays', () => {
    const d = tensor({ dtype: 'float32' });
    expect(d.encode({ data: new Float32Array([1, 2, 3, 4]), dims: [2, 2] })).toBe('[[1,2],[3,4]]');
    expect(d.encode({ data: new BigInt64Array([7n]), dims: [1] })).toBe('[7]');
  });

  it('rejects an unknown dtype or a bad shape, naming the option', () => {
    expect(() => tensor({ dtype: 'float16' as never })).toThrow('options.dtype must be one of');
    expect(() => tensor({ dtype: 'float32', shape: [1.5] })).toThrow('options.shape must be');
  });
});

describe('text()', () => {
  it('passes the body through and refuses a non-string result', () => {
    expect(text().decodeRaw('hé').value).toBe('hé');
    expect(() => text().encode(42)).toThrow(expect.objectContaining({ code: 'MLS_ERR_IO_OUTPUT', statusCode: 500 }));
  });
});
