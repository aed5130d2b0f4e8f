import { ColumnTransformer, MinMaxScaler, OneHotEncoder, Pipeline, SimpleImputer, StandardScaler } from './index';
import type { Step } from './index';

function fitOne(step: Step, records: Array<Record<string, unknown>>): Pipeline {
  return new Pipeline([step]).fit(records);
}

const column = (values: unknown[], name = 'x'): Array<Record<string, unknown>> => values.map((v) => ({ [name]: v }));

describe('StandardScaler', () => {
  it('uses the population standard deviation', () => {
    const p = fitOne(new StandardScaler(), column([1, 2, 3, 4]));
    expect(p.toJSON().steps[0]).toMatchObject({ mean: [2.5], var: [1.25], scale: [Math.sqrt(1.25)], nSamplesSeen: 4 });
  });

  it('keeps scale 1 for a constant column, so it transforms to zeros', () => {
    const p = fitOne(new StandardScaler(), column([2.5, 2.5, 2.5]));
    expect(p.toJSON().steps[0]).toMatchObject({ var: [0], scale: [1] });
    expect(Array.from(p.transform(column([2.5, 3])).data)).toEqual([0, 0.5]);
  });

  it('only divides without the mean, and only centres without the std', () => {
    const noMean = fitOne(new StandardScaler({ withMean: false }), column([1, 3]));
    expect(noMean.toJSON().steps[0]).toMatchObject({ mean: null, scale: [1] });
    expect(Array.from(noMean.transform(column([4])).data)).toEqual([4]);
    const noStd = fitOne(new StandardScaler({ withStd: false }), column([1, 3]));
    expect(noStd.toJSON().steps[0]).toMatchObject({ mean: [2], var: null, scale: null });
    expect(Array.from(noStd.transform(column([4])).data)).toEqual([2]);
  });
});

describe('MinMaxScaler', () => {
  it('maps the fitted range onto featureRange, and clips when asked', () => {
    const p = fitOne(new MinMaxScaler({ featureRange: [-1, 1], clip: true }), column([0, 10]));
    expect(Array.from(p.transform(column([5, 20, -20])).data)).toEqual([0, 1, -1]);
  });

  it('uses scale (max - min) / 1 for a constant column', () => {
    const p = fitOne(new MinMaxScaler(), column([3, 3]));
    expect(p.toJSON().steps[0]).toMatchObject({ dataRange: [0], scale: [1], min: [-3] });
  });
});

describe('SimpleImputer', () => {
  function statistics(options: ConstructorParameters<typeof SimpleImputer>[0], values: unknown[]): unknown[] {
    const p = new Pipeline([new SimpleImputer(options), new OneHotEncoder({ handleUnknown: 'ignore' })]).fit(column(values));
    return (p.toJSON().steps[0] as { statistics: unknown[] }).statistics;
  }

  it('takes the mean and the median over present values', () => {
    expect(statistics({ strategy: 'mean' }, [1, null, 2, NaN, 6])).toEqual([3]);
    expect(statistics({ strategy: 'median' }, [4, null, 1, 3, 2])).toEqual([2.5]);
    expect(statistics({ strategy: 'median' }, [5, 1, 3])).toEqual([3]);
  });

  it('breaks most_frequent ties towards the smallest value', () => {
    expect(statistics({ strategy: 'most_frequent' }, [3, 2, 3, 2, 10, null, null, null])).toEqual([2]);
    expect(statistics({ strategy: 'most_frequent' }, ['b', 'B', 'b', 'B', 'a'])).toEqual(['B']);
  });

  it('fills constants with 0 for numbers and "missing_value" for strings by default', () => {
    expect(statistics({ strategy: 'constant' }, [1, null])).toEqual([0]);
    expect(statistics({ strategy: 'constant' }, ['a', null])).toEqual(['missing_value']);
    expect(() => statistics({ strategy: 'constant', fillValue: 'x' }, [1])).toThrow(/options.fillValue must be a number/);
  });

  it('drops a column that was all missing, except with a constant', () => {
    const records = [
      { a: 1, b: null },
      { a: 2, b: null },
    ];
    expect(new Pipeline([new SimpleImputer()]).fit(records).featureNames).toEqual(['a']);
    expect(new Pipeline([new SimpleImputer({ strategy: 'constant' })]).fit(records).featureNames).toEqual(['a', 'b']);
  });
});

describe('OneHotEncoder', () => {
  it('sorts number categories numerically and names whole numbers without a decimal point', () => {
    const p = fitOne(new OneHotEncoder(), column([10, 9, 1, 9]));
    expect(p.featureNames).toEqual(['x_1', 'x_9', 'x_10']);
    expect(Array.from(p.transform(column([9])).data)).toEqual([0, 1, 0]);
  });

  it('names fractional and missing categories as Python prints floats', () => {
    const p = fitOne(new OneHotEncoder(), column([0.5, 2, 1e16, 1.5e-5, null]));
    expect(p.featureNames).toEqual(['x_1.5e-05', 'x_0.5', 'x_2.0', 'x_1e+16', 'x_nan']);
    expect(Array.from(p.transform(column([null])).data)).toEqual([0, 0, 0, 0, 1]);
  });

  it('sorts strings by code point, missing last', () => {
    const p = fitOne(new OneHotEncoder(), column(['b', 'a', 'B', 'é', '\u{1F600}', '\uFF5E', null]));
    expect(p.featureNames).toEqual(['x_B', 'x_a', 'x_b', 'x_é', 'x_\uFF5E', 'x_\u{1F600}', 'x_nan']);
  });

  it('drops the first category, or only for two-category columns', () => {
    const records = [
      { s: 'm', e: 'S' },
      { s: 'f', e: 'C' },
      { s: 'f', e: 'Q' },
    ];
    expect(fitOne(new OneHotEncoder({ drop: 'first' }), records).featureNames).toEqual(['s_m', 'e_Q', 'e_S']);
    const binary = fitOne(new OneHotEncoder({ drop: 'if_binary' }), records);
    expect(binary.featureNames).toEqual(['s_m', 'e_C', 'e_Q', 'e_S']);
    expect(binary.toJSON().steps[0]).toMatchObject({ dropIdx: [0, null] });
    expect(Array.from(binary.transform([{ s: 'f', e: 'Q' }]).data)).toEqual([0, 0, 1, 0]);
  });

  it('drops the categories it is given, one per column', () => {
    const records = [
      { s: 'm', n: 1 },
      { s: 'f', n: 2 },
      { s: 'x', n: null },
    ];
    const p = fitOne(new OneHotEncoder({ drop: ['m', null] }), records);
    expect(p.featureNames).toEqual(['s_f', 's_x', 'n_1.0', 'n_2.0']);
    expect(p.toJSON().steps[0]).toMatchObject({ drop: ['m', null], dropIdx: [1, 2] });
    expect(() => fitOne(new OneHotEncoder({ drop: ['z', 1] }), records)).toThrow('options.drop[0]');
    expect(() => fitOne(new OneHotEncoder({ drop: ['m'] }), records)).toThrow('options.drop must hold 2');
  });

  it('encodes unknown categories as zeros with handleUnknown ignore', () => {
    const p = fitOne(new OneHotEncoder({ handleUnknown: 'ignore' }), column(['a', 'b']));
    expect(Array.from(p.transform(column(['c', null])).data)).toEqual([0, 0, 0, 0]);
  });
});

describe('ColumnTransformer', () => {
  const records = [
    { a: 1, b: 2, c: 'x', d: 5 },
    { a: 3, b: 4, c: 'y', d: 6 },
  ];

  it('orders outputs by transformer then remainder, with scikit-learn names', () => {
    const ct = new ColumnTransformer(
      [
        ['enc', new OneHotEncoder(), ['c']],
        ['keep', 'passthrough', ['b']],
        ['gone', 'drop', ['d']],
      ],
      { remainder: 'passthrough' },
    );
    const p = new Pipeline([ct]).fit(records);
    expect(p.featureNames).toEqual(['enc__c_x', 'enc__c_y', 'keep__b', 'remainder__a']);
    expect(Array.from(p.transform([records[1]!]).data)).toEqual([0, 1, 4, 3]);
    expect(p.toJSON().steps[0]).toMatchObject({ remainderColumns: ['a'], transformers: [{ name: 'enc' }, { name: 'keep', steps: [] }] });
  });

  it('takes a Pipeline or a list of steps as a transformer, named like make_pipeline', () => {
    const inner = new Pipeline([new SimpleImputer(), new StandardScaler()]);
    const ct = new ColumnTransformer([
      ['p', inner, ['a']],
      ['l', [new StandardScaler(), new StandardScaler()], ['b']],
    ]);
    const json = new Pipeline([ct]).fit(records).toJSON() as { steps: Array<{ transformers: Array<{ steps: Array<{ name: string }> }> }> };
    expect(json.steps[0]!.transformers.map((t) => t.steps.map((s) => s.name))).toEqual([
      ['simpleimputer', 'standardscaler'],
      ['standardscaler-1', 'standardscaler-2'],
    ]);
  });

  it('refuses colliding names without verboseFeatureNamesOut', () => {
    const ct = new ColumnTransformer(
      [
        ['one', 'passthrough', ['a']],
        ['two', 'passthrough', ['a']],
      ],
      { verboseFeatureNamesOut: false },
    );
    expect(() => new Pipeline([ct]).fit(records)).toThrow(/not unique/);
  });
});

describe('options', () => {
  it.each([
    [() => new SimpleImputer({ strategy: 'mode' as never }), RangeError, 'options.strategy'],
    [() => new SimpleImputer({ fillValue: {} as never }), TypeError, 'options.fillValue'],
    [() => new StandardScaler({ withMean: 1 as never }), TypeError, 'options.withMean'],
    [() => new StandardScaler({ withStd: 'no' as never }), TypeError, 'options.withStd'],
    [() => new MinMaxScaler({ featureRange: [1, 0] }), RangeError, 'options.featureRange'],
    [() => new MinMaxScaler({ featureRange: [0] as never }), TypeError, 'options.featureRange'],
    [() => new MinMaxScaler({ clip: 'yes' as never }), TypeError, 'options.clip'],
    [() => new OneHotEncoder({ handleUnknown: 'infrequent_if_exist' as never }), RangeError, 'options.handleUnknown'],
    [() => new OneHotEncoder({ drop: 'last' as never }), RangeError, 'options.drop'],
    [() => new ColumnTransformer([], { remainder: 'keep' as never }), RangeError, 'options.remainder'],
    [() => new ColumnTransformer([['a', new StandardScaler(), 'a' as never]]), TypeError, 'transformers[0][2]'],
    [() => new ColumnTransformer([['a', 'scale' as never, ['a']]]), TypeError, 'transformers[0][1]'],
    [() => new Pipeline([]), TypeError, 'steps'],
    [
      () =>
        new Pipeline([
          ['a', new StandardScaler()],
          ['a', new StandardScaler()],
        ]),
      TypeError,
      'steps[1]',
    ],
    [() => new Pipeline([{} as never]), TypeError, 'steps[0]'],
  ])('%#: a bad option throws, naming it', (create, type, name) => {
    expect(create).toThrow(type);
    expect(create).toThrow(name);
  });
});
