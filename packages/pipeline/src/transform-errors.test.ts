import { ColumnTransformer, OneHotEncoder, Pipeline, SimpleImputer, StandardScaler } from './index';

const training = [
  { age: 22, fare: 7.25, sex: 'male', embarked: 'S', pclass: 3 },
  { age: 38, fare: 71.28, sex: 'female', embarked: 'C', pclass: 1 },
  { age: null, fare: 7.92, sex: 'female', embarked: 'S', pclass: 3 },
  { age: 35, fare: 53.1, sex: 'female', embarked: null, pclass: 1 },
];

// age is imputed; fare has no imputer; sex refuses unknown categories; embarked ignores them.
const pipeline = new Pipeline([
  [
    'preprocess',
    new ColumnTransformer(
      [
        ['age', [new SimpleImputer({ strategy: 'median' }), new StandardScaler()], ['age']],
        ['fare', new StandardScaler(), ['fare']],
        ['sex', new OneHotEncoder({ handleUnknown: 'error' }), ['sex']],
        ['embarked', [new SimpleImputer({ strategy: 'most_frequent' }), new OneHotEncoder({ handleUnknown: 'ignore' })], ['embarked']],
      ],
      { remainder: 'passthrough' },
    ),
  ],
]).fit(training);

const good = { age: 30, fare: 10, sex: 'male', embarked: 'Q', pclass: 2 };

function errorOf(records: unknown[]): { code: string; statusCode: number; message: string; details: unknown } {
  try {
    pipeline.transform(records as Array<Record<string, unknown>>);
  } catch (err) {
    return err as never;
  }
  throw new Error('transform accepted the records');
}

describe('transform refuses bad records with a stable code naming the row and the column', () => {
  it.each([
    ['a missing column', { fare: undefined }, 'MLS_ERR_PIPELINE_MISSING_COLUMN', 'fare'],
    ['a null with no imputer', { fare: null }, 'MLS_ERR_PIPELINE_MISSING_VALUE', 'fare'],
    ['a NaN with no imputer', { fare: NaN }, 'MLS_ERR_PIPELINE_MISSING_VALUE', 'fare'],
    ['a passthrough column left null', { pclass: null }, 'MLS_ERR_PIPELINE_MISSING_VALUE', 'pclass'],
    ['a string where a number belongs', { fare: '10' }, 'MLS_ERR_PIPELINE_INVALID_TYPE', 'fare'],
    ['a number where a string belongs', { sex: 1 }, 'MLS_ERR_PIPELINE_INVALID_TYPE', 'sex'],
    ['a boolean', { age: true }, 'MLS_ERR_PIPELINE_INVALID_TYPE', 'age'],
    ['an infinite number', { age: Infinity }, 'MLS_ERR_PIPELINE_INVALID_TYPE', 'age'],
    ['an object', { embarked: { code: 'S' } }, 'MLS_ERR_PIPELINE_INVALID_TYPE', 'embarked'],
    ['an unseen category with handleUnknown error', { sex: 'other' }, 'MLS_ERR_PIPELINE_UNKNOWN_CATEGORY', 'sex'],
    ['a missing category with handleUnknown error', { sex: null }, 'MLS_ERR_PIPELINE_MISSING_VALUE', 'sex'],
  ])('%s', (_what, change, code, column) => {
    const bad: Record<string, unknown> = { ...good, ...change };
    if ('fare' in change && change.fare === undefined) delete bad.fare;
    const err = errorOf([good, good, bad]);
    expect(err).toMatchObject({ code, statusCode: 400, details: { row: 2, column } });
    expect(err.message).toContain('Row 2');
    expect(err.message).toContain(`"${column}"`);
  });

  it('says which categories are known', () => {
    expect(errorOf([{ ...good, sex: 'other' }]).message).toBe('Row 0, column "sex": unknown category "other" (known: "female", "male")');
  });

  it('refuses a record that is not an object', () => {
    expect(errorOf([good, 42])).toMatchObject({ code: 'MLS_ERR_PIPELINE_INVALID_TYPE', details: { row: 1, column: null } });
    expect(errorOf([[1, 2]])).toMatchObject({ code: 'MLS_ERR_PIPELINE_INVALID_TYPE', details: { row: 0, column: null } });
  });

  it('accepts what the imputers and an ignoring encoder cover', () => {
    const { data, shape } = pipeline.transform([
      { ...good, age: null, embarked: 'X' },
      { fare: 1, sex: 'female', pclass: 1 },
    ]);
    // age, fare, sex_female, sex_male, embarked_C, embarked_S, pclass
    expect(shape).toEqual([2, 7]);
    expect(Array.from(data.subarray(4, 6))).toEqual([0, 0]);
  });

  it('ignores properties it does not use', () => {
    const record = { ...good, name: 'Braund, Mr. Owen Harris', survived: 0 };
    expect(pipeline.transform([record]).data).toEqual(pipeline.transform([good]).data);
  });

  it('takes an inherited non-value (a prototype method) as a missing column', () => {
    const ct = new ColumnTransformer([['c', new StandardScaler(), ['constructor']]]);
    const p = new Pipeline([ct]).fit([{ constructor: 1 }, { constructor: 3 }] as never);
    expect(() => p.transform([{}])).toThrow(expect.objectContaining({ code: 'MLS_ERR_PIPELINE_MISSING_COLUMN', details: { row: 0, column: 'constructor' } }));
  });

  it('throws a TypeError when records is not an array', () => {
    expect(() => pipeline.transform({} as never)).toThrow(TypeError);
  });

  it('returns an empty matrix for no records', () => {
    expect(pipeline.transform([])).toEqual({ data: new Float32Array(0), shape: [0, 7] });
  });

  it('answers NOT_FITTED (500) before fit', () => {
    const unfitted = new Pipeline([new StandardScaler()]);
    expect(unfitted.fitted).toBe(false);
    for (const call of [() => unfitted.transform([]), () => unfitted.toJSON(), () => unfitted.inputSchema(), () => unfitted.featureNames]) {
      expect(call).toThrow(expect.objectContaining({ code: 'MLS_ERR_PIPELINE_NOT_FITTED', statusCode: 500 }));
    }
  });
});

describe('fit refuses data it cannot learn from', () => {
  it('refuses a column mixing numbers and strings, naming the row', () => {
    expect(() => new Pipeline([new StandardScaler()]).fit([{ a: 1 }, { a: 'x' }])).toThrow(
      expect.objectContaining({ code: 'MLS_ERR_PIPELINE_INVALID_TYPE', details: { row: 1, column: 'a' } }),
    );
  });

  it('refuses missing values reaching a scaler', () => {
    expect(() => new Pipeline([new StandardScaler()]).fit([{ a: 1 }, { a: null }])).toThrow(
      expect.objectContaining({ code: 'MLS_ERR_PIPELINE_MISSING_VALUE', details: { row: 1, column: 'a' } }),
    );
  });

  it('refuses strings reaching the output', () => {
    expect(() => new Pipeline([new SimpleImputer({ strategy: 'most_frequent' })]).fit([{ a: 'x' }])).toThrow(/holds strings/);
  });

  it('refuses a mean of strings', () => {
    expect(() => new Pipeline([new SimpleImputer({ strategy: 'mean' })]).fit([{ a: 'x' }])).toThrow(TypeError);
  });

  it('refuses empty or non-array records', () => {
    expect(() => new Pipeline([new StandardScaler()]).fit([])).toThrow(RangeError);
    expect(() => new Pipeline([new StandardScaler()]).fit('x' as never)).toThrow(TypeError);
  });

  it('refuses a ColumnTransformer column that no record has', () => {
    const ct = new ColumnTransformer([['x', new StandardScaler(), ['b']]]);
    expect(() => new Pipeline([ct]).fit([{ a: 1 }])).toThrow(expect.objectContaining({ code: 'MLS_ERR_PIPELINE_MISSING_COLUMN' }));
  });
});
