import {
  ColumnTransformer,
  FunctionTransformer,
  KBinsDiscretizer,
  MaxAbsScaler,
  OrdinalEncoder,
  Pipeline,
  PolynomialFeatures,
  RobustScaler,
  SimpleImputer,
  StandardScaler,
} from './index';
import type { Step } from './index';

function fitOne(step: Step, records: Array<Record<string, unknown>>): Pipeline {
  return new Pipeline([step]).fit(records);
}

const column = (values: unknown[], name = 'x'): Array<Record<string, unknown>> => values.map((v) => ({ [name]: v }));
const values = (p: Pipeline, records: Array<Record<string, unknown>>): number[] => Array.from(p.transform(records).data);
const roundTrip = (p: Pipeline): Pipeline => Pipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));

function errorOf(run: () => unknown): { code: string; statusCode: number; message: string; details: unknown } {
  try {
    run();
  } catch (err) {
    return err as never;
  }
  throw new Error('no error was thrown');
}

describe('OrdinalEncoder', () => {
  it('codes categories by their sorted index, and missing values seen at fit by encodedMissingValue', () => {
    const p = fitOne(new OrdinalEncoder({ encodedMissingValue: -2 }), column(['b', 'a', null, 'c']));
    expect(p.toJSON().steps[0]).toMatchObject({ categories: [['a', 'b', 'c', null]], encodedMissingValue: -2, unknownValue: null });
    expect(values(p, column(['c', 'a', null]))).toEqual([2, 0, -2]);
    expect(values(roundTrip(p), column(['c', 'a', null]))).toEqual([2, 0, -2]);
  });

  it('refuses unknown categories by default, naming the known ones', () => {
    const p = fitOne(new OrdinalEncoder(), column([1, 2, 3], 'Pclass'));
    expect(errorOf(() => p.transform(column([1, 4], 'Pclass')))).toMatchObject({
      code: 'MLS_ERR_PIPELINE_UNKNOWN_CATEGORY',
      message: 'Row 1, column "Pclass": unknown category 4 (known: 1, 2, 3)',
    });
  });

  it('codes unknown categories, and missing values unseen at fit, as unknownValue', () => {
    const p = fitOne(new OrdinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: -1 }), column(['a', 'b']));
    expect(values(p, column(['zz', null, 'b']))).toEqual([-1, -1, 1]);
  });

  it('lets a SimpleImputer fill the NaN codes after it', () => {
    const p = new Pipeline([new OrdinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: NaN }), new SimpleImputer({ strategy: 'constant', fillValue: 9 })]).fit(
      column(['a', 'b']),
    );
    expect(values(p, column(['zz', 'a']))).toEqual([9, 0]);
    expect(p.toJSON().steps[0]).toMatchObject({ unknownValue: null });
  });

  it('validates its options as scikit-learn does', () => {
    expect(() => new OrdinalEncoder({ handleUnknown: 'ignore' as never })).toThrow("options.handleUnknown must be 'error' or 'use_encoded_value'");
    expect(() => new OrdinalEncoder({ handleUnknown: 'use_encoded_value' })).toThrow(/options.unknownValue must be an integer or NaN/);
    expect(() => new OrdinalEncoder({ unknownValue: 3 })).toThrow(/options.unknownValue/);
    expect(() => new OrdinalEncoder({ encodedMissingValue: 0.5 })).toThrow('options.encodedMissingValue must be an integer or NaN');
    expect(() => fitOne(new OrdinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: 1 }), column(['a', 'b']))).toThrow(/unknownValue \(1\) is one of the codes/);
    expect(() => fitOne(new OrdinalEncoder({ encodedMissingValue: 0 }), column(['a', null]))).toThrow(/encodedMissingValue \(0\) is already the code/);
  });
});

describe('RobustScaler', () => {
  it('subtracts the median and divides by the interquartile range, as numpy computes them', () => {
    const p = fitOne(new RobustScaler(), column([1, 2, 3, 4, 100]));
    expect(p.toJSON().steps[0]).toMatchObject({ center: [3], scale: [2], quantileRange: [25, 75], unitVariance: false });
    expect(values(p, column([5, 3]))).toEqual([1, 0]);
  });

  it('interpolates percentiles linearly and keeps scale 1 for a constant range', () => {
    const p = fitOne(new RobustScaler({ quantileRange: [10, 90], withCentering: false }), column([0, 10, 20, 30]));
    expect(p.toJSON().steps[0]).toMatchObject({ center: null, scale: [24] });
    expect(fitOne(new RobustScaler(), column([7, 7, 7])).toJSON().steps[0]).toMatchObject({ center: [7], scale: [1] });
  });

  it('validates quantileRange', () => {
    expect(() => new RobustScaler({ quantileRange: [80, 20] })).toThrow('options.quantileRange must satisfy 0 <= low <= high <= 100');
    expect(() => new RobustScaler({ quantileRange: [1] as never })).toThrow('options.quantileRange must be a [low, high] pair of percentiles');
  });
});

describe('MaxAbsScaler', () => {
  it('divides by the largest absolute value, and by 1 for an all-zero column', () => {
    const p = new Pipeline([new MaxAbsScaler()]).fit([
      { a: -4, b: 0 },
      { a: 2, b: 0 },
    ]);
    expect(p.toJSON().steps[0]).toMatchObject({ maxAbs: [4, 0], scale: [4, 1], nSamplesSeen: 2 });
    expect(values(roundTrip(p), [{ a: 8, b: 3 }])).toEqual([2, 3]);
  });
});

describe('PolynomialFeatures', () => {
  it("outputs scikit-learn's monomials, names and order", () => {
    const p = fitOne(new PolynomialFeatures(), [{ a: 2, b: 3 }]);
    expect(p.featureNames).toEqual(['1', 'a', 'b', 'a^2', 'a b', 'b^2']);
    expect(values(p, [{ a: 2, b: 3 }])).toEqual([1, 2, 3, 4, 6, 9]);
    expect(p.toJSON().steps[0]).toMatchObject({
      degree: 2,
      powers: [
        [0, 0],
        [1, 0],
        [0, 1],
        [2, 0],
        [1, 1],
        [0, 2],
      ],
    });
  });

  it('keeps only interactions, or a range of degrees, when asked', () => {
    const inter = fitOne(new PolynomialFeatures({ degree: 3, interactionOnly: true, includeBias: false }), [{ a: 2, b: 3, c: 5 }]);
    expect(inter.featureNames).toEqual(['a', 'b', 'c', 'a b', 'a c', 'b c', 'a b c']);
    expect(values(inter, [{ a: 2, b: 3, c: 5 }])).toEqual([2, 3, 5, 6, 10, 15, 30]);
    const range = fitOne(new PolynomialFeatures({ degree: [2, 3], includeBias: false }), [{ a: 2 }]);
    expect(range.featureNames).toEqual(['a^2', 'a^3']);
  });

  it('refuses a missing value, as scikit-learn refuses NaN', () => {
    const p = fitOne(new PolynomialFeatures(), [{ a: 2, b: 3 }]);
    expect(errorOf(() => p.transform([{ a: 2, b: null }]))).toMatchObject({ code: 'MLS_ERR_PIPELINE_MISSING_VALUE', details: { row: 0, column: 'b' } });
  });

  it('validates degree', () => {
    expect(() => new PolynomialFeatures({ degree: -1 })).toThrow(/options.degree must be a non-negative integer/);
    expect(() => new PolynomialFeatures({ degree: [3, 2] })).toThrow(/options.degree/);
    expect(() => new PolynomialFeatures({ degree: 0, includeBias: false })).toThrow(/would output no column/);
  });
});

describe('KBinsDiscretizer', () => {
  it('bins by counting the inner edges <= x, so values beyond the fitted range go to the outer bins', () => {
    const p = fitOne(new KBinsDiscretizer({ nBins: 2, encode: 'ordinal', strategy: 'uniform' }), column([0, 4, 10]));
    expect(p.toJSON().steps[0]).toMatchObject({ binEdges: [[0, 5, 10]], nBins: [2] });
    expect(values(p, column([-1, 4.999, 5, 10, 100]))).toEqual([0, 0, 1, 1, 1]);
  });

  it("one-hot encodes bins under scikit-learn's names, and gives a constant column one bin", () => {
    const p = new Pipeline([new KBinsDiscretizer({ nBins: 3, encode: 'onehot-dense', strategy: 'quantile' })]).fit([
      { x: 1, c: 7 },
      { x: 2, c: 7 },
      { x: 3, c: 7 },
      { x: 4, c: 7 },
    ]);
    expect(p.featureNames).toEqual(['x_0.0', 'x_1.0', 'x_2.0', 'c_0.0']);
    expect(p.toJSON().steps[0]).toMatchObject({
      binEdges: [
        [1, 2, 3, 4],
        [null, null],
      ],
      nBins: [3, 1],
    });
    expect(values(roundTrip(p), [{ x: 2.5, c: 100 }])).toEqual([0, 1, 0, 1]);
  });

  it('fits the kmeans strategy and refuses missing values', () => {
    const p = fitOne(new KBinsDiscretizer({ nBins: 2, encode: 'ordinal', strategy: 'kmeans' }), column([0, 1, 2, 10, 11, 12]));
    expect(p.toJSON().steps[0]).toMatchObject({ binEdges: [[0, 6, 12]] });
    expect(errorOf(() => p.transform(column([null])))).toMatchObject({ code: 'MLS_ERR_PIPELINE_MISSING_VALUE' });
  });

  it('validates its options', () => {
    expect(() => new KBinsDiscretizer({ nBins: 1 })).toThrow('options.nBins must be an integer >= 2, or an array of them (one per column)');
    expect(() => new KBinsDiscretizer({ encode: 'sparse' as never })).toThrow("options.encode must be one of 'ordinal', 'onehot', 'onehot-dense'");
    expect(() => new KBinsDiscretizer({ strategy: 'mean' as never })).toThrow("options.strategy must be one of 'uniform', 'quantile', 'kmeans'");
  });
});

describe('FunctionTransformer', () => {
  it("applies numpy's function element-wise", () => {
    const p = new Pipeline([
      new ColumnTransformer([
        ['log1p', new FunctionTransformer({ func: 'log1p' }), ['x']],
        ['sqrt', new FunctionTransformer({ func: 'sqrt' }), ['x']],
        ['abs', new FunctionTransformer({ func: 'abs' }), ['y']],
      ]),
    ]).fit([{ x: 3, y: -2 }]);
    expect(p.featureNames).toEqual(['log1p__x', 'sqrt__x', 'abs__y']);
    expect(values(roundTrip(p), [{ x: 4, y: -2.5 }])).toEqual([Math.fround(Math.log1p(4)), 2, 2.5]);
  });

  it('refuses a value whose result is not finite with MLS_ERR_PIPELINE_OUT_OF_DOMAIN, naming the column', () => {
    const p = fitOne(new FunctionTransformer({ func: 'log' }), column([1, 2], 'Fare'));
    expect(errorOf(() => p.transform(column([1, 0], 'Fare')))).toMatchObject({
      statusCode: 400,
      code: 'MLS_ERR_PIPELINE_OUT_OF_DOMAIN',
      details: { row: 1, column: 'Fare' },
      message: 'Row 1, column "Fare": log(0) is not a finite number (log needs a positive number, after the steps before it)',
    });
    const exp = fitOne(new FunctionTransformer({ func: 'exp' }), column([1]));
    expect(errorOf(() => exp.transform(column([710])))).toMatchObject({ code: 'MLS_ERR_PIPELINE_OUT_OF_DOMAIN' });
  });

  it('passes a missing value on, so that an imputer after it can fill it', () => {
    const p = new Pipeline([new FunctionTransformer({ func: 'sqrt' }), new SimpleImputer({ strategy: 'constant', fillValue: -1 })]).fit(column([4]));
    expect(values(p, column([null, 9]))).toEqual([-1, 3]);
  });

  it('accepts only the supported numpy functions', () => {
    expect(() => new FunctionTransformer({ func: 'log2' as never })).toThrow(
      "options.func must be one of 'log1p', 'log', 'sqrt', 'exp', 'abs' (numpy's np.log1p, np.log, np.sqrt, np.exp, np.abs)",
    );
    const json = new Pipeline([new FunctionTransformer({ func: 'abs' })]).fit(column([1])).toJSON();
    (json.steps[0] as { func: string }).func = 'log2';
    expect(errorOf(() => Pipeline.fromJSON(json))).toMatchObject({ code: 'MLS_ERR_PIPELINE_FORMAT', details: { path: 'steps[0].func' } });
  });
});

describe('the step protocol', () => {
  it('uses no underscore-named members', () => {
    for (const step of [new StandardScaler(), new OrdinalEncoder(), new KBinsDiscretizer(), new ColumnTransformer([])]) {
      const names = Object.getOwnPropertyNames(Object.getPrototypeOf(step));
      expect(names.filter((n) => n.startsWith('_'))).toEqual([]);
    }
  });

  it('refuses malformed new steps in pipeline.json, naming the path', () => {
    const kbins = fitOne(new KBinsDiscretizer({ nBins: 3, encode: 'ordinal', strategy: 'uniform' }), column([0, 3])).toJSON();
    (kbins.steps[0] as { binEdges: number[][] }).binEdges[0] = [0, 2, 1, 3];
    expect(errorOf(() => Pipeline.fromJSON(kbins))).toMatchObject({ code: 'MLS_ERR_PIPELINE_FORMAT', details: { path: 'steps[0].binEdges[0][2]' } });
    const poly = fitOne(new PolynomialFeatures(), column([1])).toJSON();
    (poly.steps[0] as { powers: number[][] }).powers[1] = [1, 1];
    expect(errorOf(() => Pipeline.fromJSON(poly))).toMatchObject({ code: 'MLS_ERR_PIPELINE_FORMAT', details: { path: 'steps[0].powers[1]' } });
  });
});

describe('an OrdinalEncoder coding unknown categories as NaN', () => {
  it('refuses them as unknown categories when nothing imputes the code', () => {
    const p = fitOne(new OrdinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: NaN }), column(['a', 'b'], 'Sex'));
    expect(errorOf(() => p.transform(column(['a', 'other'], 'Sex')))).toMatchObject({
      code: 'MLS_ERR_PIPELINE_UNKNOWN_CATEGORY',
      message: 'Row 1, column "Sex": unknown category "other" (known: "a", "b")',
    });
    expect(errorOf(() => p.transform(column([null], 'Sex')))).toMatchObject({ code: 'MLS_ERR_PIPELINE_MISSING_VALUE' });
  });
});
