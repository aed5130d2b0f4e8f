import type { Column } from './column';
import {
  ColumnTransformer,
  FunctionTransformer,
  KBinsDiscretizer,
  MinMaxScaler,
  OneHotEncoder,
  OrdinalEncoder,
  Pipeline,
  PolynomialFeatures,
  SimpleImputer,
  StandardScaler,
} from './index';
import { Program } from './program';

// The generated row writer must write what the interpreter writes and throw what it throws, for
// every kind of step: both run over the same records, good and bad, and their answers are compared.
const training = [
  { a: 1, b: 2.5, c: 'x', d: 3, e: 'p' },
  { a: 4, b: null, c: 'y', d: 10, e: 'q' },
  { a: 2, b: 0.5, c: null, d: 1, e: 'p' },
  { a: 7, b: 9, c: 'x', d: 30, e: null },
  { a: 3, b: 4, c: 'z', d: 5, e: 'q' },
];

const pipelines: Array<[string, Pipeline]> = [
  [
    'scalers, imputers and encoders',
    new Pipeline([
      [
        'ct',
        new ColumnTransformer(
          [
            ['a', [new StandardScaler()], ['a']],
            ['b', [new SimpleImputer({ strategy: 'median' }), new MinMaxScaler({ clip: true })], ['b']],
            ['c', new OneHotEncoder({ handleUnknown: 'error' }), ['c']],
            ['e', [new SimpleImputer({ strategy: 'most_frequent' }), new OneHotEncoder({ handleUnknown: 'ignore' })], ['e']],
            ['o', new OrdinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: -1 }), ['e']],
          ],
          { remainder: 'passthrough' },
        ),
      ],
    ]),
  ],
  [
    'functions, bins and products',
    new Pipeline([
      [
        'ct',
        new ColumnTransformer(
          [
            ['log', [new FunctionTransformer({ func: 'log' })], ['d']],
            ['bins', [new KBinsDiscretizer({ nBins: 3, encode: 'ordinal', strategy: 'uniform' })], ['a']],
            ['poly', [new SimpleImputer({ strategy: 'mean' }), new PolynomialFeatures({ degree: 2 })], ['a', 'b']],
            ['ord', new OrdinalEncoder(), ['c']],
          ],
          { remainder: 'drop' },
        ),
      ],
    ]),
  ],
];

const values = [0, 1, 2.5, -3, 1e9, null, undefined, Number.NaN, Infinity, 'x', 'y', 'z', 'w', 'p', 'q', true, [], {}];
function* records(count: number): Generator<Record<string, unknown>> {
  let seed = 7;
  const pick = () => values[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % values.length];
  for (let i = 0; i < count; i++) {
    const record: Record<string, unknown> = {};
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      const value = i % 3 === 0 ? training[i % training.length]![key as 'a'] : pick();
      if (value !== undefined) record[key] = value;
    }
    yield record;
  }
}

function outcome(program: Program, record: unknown, width: number): unknown {
  const data = new Float32Array(width);
  try {
    program.write(record, 3, data, 0);
    return Array.from(data);
  } catch (err) {
    const e = err as { code: string; message: string; details: unknown };
    return { code: e.code, message: e.message, details: e.details };
  }
}

describe.each(pipelines)('the generated row writer of a pipeline of %s', (_name, pipeline) => {
  pipeline.fit(training);
  const outputs = (pipeline as unknown as { state: { outputs: Column[] } }).state.outputs.map((c) => c.node);
  const compiled = new Program(outputs);
  const interpreted = new Program(outputs, { interpreted: true });

  it('writes the same numbers and throws the same errors as the interpreter', () => {
    let errors = 0;
    for (const record of [...records(3000), null, 'x', [1], ...training]) {
      const expected = outcome(interpreted, record, outputs.length);
      if (!Array.isArray(expected)) errors++;
      expect(outcome(compiled, record, outputs.length)).toEqual(expected);
    }
    // Both kinds of answer were compared, not only one.
    expect(errors).toBeGreaterThan(100);
    expect(errors).toBeLessThan(3000);
  });

  it('is what transform() uses', () => {
    const good = [...records(300)].filter((record) => Array.isArray(outcome(interpreted, record, outputs.length)));
    const { data } = pipeline.transform(good);
    expect(good.length).toBeGreaterThan(10);
    expect(Array.from(data)).toEqual(good.flatMap((record) => outcome(interpreted, record, outputs.length) as number[]));
  });
});
