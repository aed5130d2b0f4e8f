import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type StepSpec, buildPipeline } from '../test/parity/build-config';
import { readCsvRecords } from '../test/parity/read-csv';
import { Pipeline } from './index';

// Fixtures written by test/parity/generate_fixtures.py (scikit-learn 1.2.1); datasets are read from
// <repo>/../shared/datasets, or $MLSERVE_DATASETS, never copied into the repository.
const kFixtures = path.resolve(__dirname, '../test/fixtures/parity');
const kDatasets = process.env.MLSERVE_DATASETS ?? path.resolve(__dirname, '../../../../shared/datasets');

interface Case {
  input: Record<string, unknown>;
  error?: string;
  float64?: number[];
  float32?: number[];
}

interface Fixture {
  name: string;
  config: { dataset: 'titanic' | 'breast_cancer'; columns: string[] | null; steps: StepSpec[] };
  featureNamesIn: string[];
  featureNames: string[];
  pipeline: unknown;
  cases: Case[];
}

const fixtures: Fixture[] = readdirSync(kFixtures)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(kFixtures, f), 'utf8')) as Fixture);

const datasets = new Map<string, Array<Record<string, unknown>>>();
function trainingRecords(config: Fixture['config']): Array<Record<string, unknown>> {
  if (!datasets.has(config.dataset)) datasets.set(config.dataset, readCsvRecords(path.join(kDatasets, `${config.dataset}.csv`)));
  const rows = datasets.get(config.dataset)!;
  const columns = config.columns ?? Object.keys(rows[0]!).filter((c) => c !== 'target');
  return rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])));
}

/** Deep equality where numbers agree to `rtol` relative (exactly for zero). */
function expectClose(actual: unknown, expected: unknown, where: string, rtol = 1e-9): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const tolerance = rtol * Math.max(Math.abs(expected), Math.abs(actual));
    if (!(Math.abs(actual - expected) <= tolerance)) throw new Error(`${where}: ${actual} differs from scikit-learn's ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) throw new Error(`${where}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`);
    expected.forEach((e, i) => expectClose(actual[i], e, `${where}[${i}]`, rtol));
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) throw new Error(`${where}: expected an object, got ${JSON.stringify(actual)}`);
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) expectClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${where}.${k}`, rtol);
    return;
  }
  if (actual !== expected) throw new Error(`${where}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`);
}

/** Every case transforms to scikit-learn's float32 values exactly, or is refused with a 400 code. */
function expectSameTransforms(pipeline: Pipeline, fixture: Fixture): void {
  const accepted = fixture.cases.filter((c) => !c.error);
  fixture.cases.forEach((c, i) => {
    if (c.error) {
      expect(() => pipeline.transformOne(c.input)).toThrow(
        expect.objectContaining({ statusCode: 400, code: expect.stringMatching(/^MLS_ERR_PIPELINE_(MISSING_VALUE|MISSING_COLUMN|UNKNOWN_CATEGORY|OUT_OF_DOMAIN)$/) }),
      );
      return;
    }
    const { data } = pipeline.transformOne(c.input);
    expect({ case: i, values: Array.from(data) }).toEqual({ case: i, values: c.float32 });
  });
  const { data, shape } = pipeline.transform(accepted.map((c) => c.input));
  expect(shape).toEqual([accepted.length, fixture.featureNames.length]);
  expect(Array.from(data)).toEqual(accepted.flatMap((c) => c.float32!));
}

describe.each(fixtures.map((f) => [f.name, f] as const))('scikit-learn parity: %s', (_name, fixture) => {
  const pipeline = buildPipeline(fixture.config.steps).fit(trainingRecords(fixture.config));

  it('fits the same parameters as scikit-learn, to 1e-9 relative', () => {
    expectClose(pipeline.toJSON(), fixture.pipeline, fixture.name);
  });

  it('names its input and output columns as scikit-learn does', () => {
    expect(pipeline.featureNamesIn).toEqual(fixture.featureNamesIn);
    expect(pipeline.featureNames).toEqual(fixture.featureNames);
  });

  it('transforms generated records to the same float32 values, and refuses the same ones', () => {
    expectSameTransforms(pipeline, fixture);
  });

  it('transforms identically when loaded from the pipeline.json scikit-learn wrote', () => {
    const loaded = Pipeline.fromJSON(fixture.pipeline);
    expect(loaded.featureNames).toEqual(fixture.featureNames);
    expectSameTransforms(loaded, fixture);
  });

  it('round-trips through toJSON and fromJSON', () => {
    const json = JSON.parse(JSON.stringify(pipeline.toJSON()));
    const loaded = Pipeline.fromJSON(json);
    expect(loaded.toJSON()).toEqual(json);
    expect(loaded.inputSchema()).toEqual(pipeline.inputSchema());
    expectSameTransforms(loaded, fixture);
  });
});
