import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { ColumnTransformer, OneHotEncoder, Pipeline, SimpleImputer, loadPipeline } from './index';

interface Fixture {
  pipeline: unknown;
  cases: Array<{ input: Record<string, unknown> }>;
}

function readFixture(name: string): Fixture {
  return JSON.parse(readFileSync(path.resolve(__dirname, `../test/fixtures/parity/${name}.json`), 'utf8')) as Fixture;
}

function load(name: string): Pipeline {
  return loadPipeline(readFixture(name).pipeline);
}

function accepts(pipeline: Pipeline, record: Record<string, unknown>): boolean {
  try {
    pipeline.transformOne(record);
    return true;
  } catch {
    return false;
  }
}

describe('inputSchema', () => {
  it('requires the columns nothing imputes and makes imputed ones nullable', () => {
    expect(load('titanic_basic').inputSchema()).toEqual({
      type: 'object',
      properties: {
        Pclass: { type: 'number' },
        Sex: { type: ['string', 'null'] },
        Age: { type: ['number', 'null'] },
        SibSp: { type: 'number' },
        Parch: { type: 'number' },
        Fare: { type: ['number', 'null'] },
        Embarked: { type: ['string', 'null'] },
      },
      required: ['Pclass', 'SibSp', 'Parch'],
      additionalProperties: true,
    });
  });

  it('lists the known categories where unknown ones are an error', () => {
    const { properties, required } = load('titanic_drop_first').inputSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(properties.Pclass).toEqual({ type: 'number', enum: [1, 2, 3] });
    expect(properties.Sex).toEqual({ type: ['string', 'null'], enum: ['female', 'male', null] });
    expect(required).toEqual(['Pclass']);
  });

  it('accepts null where the encoder saw missing values, and leaves unused columns optional', () => {
    const { properties, required } = load('titanic_minmax').inputSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(properties.Embarked).toEqual({ type: ['string', 'null'], enum: ['C', 'Q', 'S', null] });
    expect(properties.Sex).toEqual({ type: ['string', 'null'] });
    expect(required).toEqual(['Parch', 'Fare']);
  });

  it('requires a column whose constant fill is an unknown category', () => {
    const ct = new ColumnTransformer([['c', [new SimpleImputer({ strategy: 'constant', fillValue: 'zzz' }), new OneHotEncoder()], ['c']]]);
    const p = new Pipeline([ct]).fit([{ c: 'a' }, { c: 'b' }]);
    expect(p.inputSchema()).toMatchObject({ properties: { c: { type: 'string', enum: ['a', 'b'] } }, required: ['c'] });
  });

  it('keeps a column named __proto__ as a property', () => {
    const p = new Pipeline([new SimpleImputer()]).fit(JSON.parse('[{"__proto__": 1}, {"__proto__": null}]'));
    expect(Object.keys(p.inputSchema().properties as object)).toEqual(['__proto__']);
    expect(Array.from(p.transform(JSON.parse('[{"__proto__": null}]')).data)).toEqual([1]);
  });

  it('returns a copy the caller may change', () => {
    const p = load('titanic_basic');
    (p.inputSchema().properties as Record<string, unknown>).Age = 'changed';
    expect((p.inputSchema().properties as Record<string, unknown>).Age).toEqual({ type: ['number', 'null'] });
  });

  it.each([
    'titanic_basic',
    'titanic_drop_first',
    'titanic_if_binary',
    'titanic_minmax',
    'titanic_mean_constant',
    'titanic_ordinal',
    'titanic_robust_maxabs',
    'titanic_polynomial',
    'titanic_kbins',
  ])('accepts exactly the records transform accepts (%s, ajv strict, draft 2020-12 and draft-07)', (name) => {
    const fixture = readFixture(name);
    const pipeline = loadPipeline(fixture.pipeline);
    for (const validator of [new Ajv2020({ strict: true }), new Ajv({ strict: true })]) {
      const validate = validator.compile(pipeline.inputSchema());
      const verdicts = fixture.cases.map((c) => [validate(c.input), accepts(pipeline, c.input)]);
      expect(verdicts.filter(([schema, transform]) => schema !== transform)).toEqual([]);
    }
  });

  it("bounds the columns a FunctionTransformer reads by the function's domain", () => {
    expect(load('titanic_function').inputSchema().properties).toEqual({
      Pclass: { type: 'number', exclusiveMinimum: 0 },
      Sex: { type: ['string', 'null'] },
      Age: { type: ['number', 'null'], exclusiveMinimum: -1 },
      SibSp: { type: 'number', minimum: 0 },
      Parch: { type: 'number' },
      Fare: { type: 'number', exclusiveMinimum: -1 },
      Embarked: { type: ['string', 'null'] },
    });
  });

  it('leaves to transform only the domain of a function behind another step', () => {
    const fixture = readFixture('titanic_function');
    const pipeline = loadPipeline(fixture.pipeline);
    const validate = new Ajv2020({ strict: true }).compile(pipeline.inputSchema());
    const disagreements = fixture.cases.filter((c) => validate(c.input) !== accepts(pipeline, c.input));
    expect(disagreements.map((c) => c.input.Fare)).toEqual([1e12]);
    expect(() => pipeline.transformOne(disagreements[0]!.input)).toThrow(expect.objectContaining({ code: 'MLS_ERR_PIPELINE_OUT_OF_DOMAIN', details: { row: 0, column: 'Fare' } }));
  });

  it('makes a column nullable when an OrdinalEncoder codes its missing values as a number or an imputer fills their NaN', () => {
    const { properties, required } = load('titanic_ordinal').inputSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(properties.Embarked).toEqual({ type: ['string', 'null'], enum: ['C', 'Q', 'S', null] });
    expect(properties.Pclass).toEqual({ type: ['number', 'null'] });
    expect(properties.Sex).toEqual({ type: 'string', enum: ['female', 'male'] });
    expect(required).toEqual(['Sex']);
  });
});
