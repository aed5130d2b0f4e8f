import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Pipeline, loadPipeline } from './index';

const fixture = JSON.parse(readFileSync(path.resolve(__dirname, '../test/fixtures/parity/titanic_basic.json'), 'utf8')) as {
  pipeline: Record<string, unknown>;
};

/** A fresh copy of the titanic pipeline.json that scikit-learn wrote, edited by `edit`. */
function edited(edit: (json: any) => void): unknown {
  const json = structuredClone(fixture.pipeline);
  edit(json);
  return json;
}

function formatErrorOf(json: unknown): { code: string; statusCode: number; message: string; details: { path: string } } {
  try {
    Pipeline.fromJSON(json);
  } catch (err) {
    return err as never;
  }
  throw new Error('fromJSON accepted the JSON');
}

describe('Pipeline.fromJSON', () => {
  it('loads the pipeline.json scikit-learn wrote', () => {
    const pipeline = loadPipeline(fixture.pipeline);
    expect(pipeline.fitted).toBe(true);
    expect(pipeline.featureNamesIn).toEqual(['Pclass', 'Sex', 'Age', 'SibSp', 'Parch', 'Fare', 'Embarked']);
  });

  it('refuses an unknown format version, naming the format field', () => {
    const err = formatErrorOf(edited((j) => (j.format = 'mlserve.pipeline/v2')));
    expect(err).toMatchObject({ code: 'MLS_ERR_PIPELINE_FORMAT', statusCode: 422, details: { path: 'format' } });
    expect(err.message).toContain('mlserve.pipeline/v1');
  });

  it('refuses what is not an object', () => {
    expect(formatErrorOf('{"format"}')).toMatchObject({ code: 'MLS_ERR_PIPELINE_FORMAT', details: { path: '' } });
    expect(formatErrorOf(null).message).toContain('must be an object');
  });

  it.each([
    ['a missing steps list', (j: any) => delete j.steps, 'steps'],
    ['an empty steps list', (j: any) => (j.steps = []), 'steps'],
    ['an input without a type', (j: any) => delete j.inputs[2].type, 'inputs[2].type'],
    ['an unknown step type', (j: any) => (j.steps[0].type = 'PCA'), 'steps[0].type'],
    ['a step without a name', (j: any) => delete j.steps[0].name, 'steps[0].name'],
    ['categories that are not a list', (j: any) => (j.steps[0].transformers[1].steps[1].categories = 'female,male'), 'steps[0].transformers[1].steps[1].categories'],
    ['a category of the wrong type', (j: any) => (j.steps[0].transformers[1].steps[1].categories[0][1] = 1), 'steps[0].transformers[1].steps[1].categories[0][1]'],
    ['a repeated category', (j: any) => (j.steps[0].transformers[1].steps[1].categories[1] = ['C', 'C']), 'steps[0].transformers[1].steps[1].categories[1][1]'],
    ['too few categories lists', (j: any) => j.steps[0].transformers[1].steps[1].categories.pop(), 'steps[0].transformers[1].steps[1].categories'],
    ['a scale that is not a number', (j: any) => (j.steps[0].transformers[0].steps[1].scale[1] = '49.6'), 'steps[0].transformers[0].steps[1].scale[1]'],
    ['a zero scale', (j: any) => (j.steps[0].transformers[0].steps[1].scale[0] = 0), 'steps[0].transformers[0].steps[1].scale[0]'],
    ['too many statistics', (j: any) => j.steps[0].transformers[0].steps[0].statistics.push(1), 'steps[0].transformers[0].steps[0].statistics'],
    ['a string statistic for a number column', (j: any) => (j.steps[0].transformers[0].steps[0].statistics[0] = 'x'), 'steps[0].transformers[0].steps[0].statistics[0]'],
    ['an unknown strategy', (j: any) => (j.steps[0].transformers[0].steps[0].strategy = 'mode'), 'steps[0].transformers[0].steps[0].strategy'],
    ['a column no input has', (j: any) => (j.steps[0].transformers[0].columns[1] = 'Fee'), 'steps[0].transformers[0].columns[1]'],
    ['a remainder column no input has', (j: any) => (j.steps[0].remainderColumns[2] = 'Name'), 'steps[0].remainderColumns[2]'],
    ['a bad remainder', (j: any) => (j.steps[0].remainder = 'keep'), 'steps[0].remainder'],
    ['a string column reaching the output', (j: any) => j.steps[0].remainderColumns.push('Sex'), 'steps'],
  ])('refuses %s, naming the bad path', (_what, edit, expectedPath) => {
    const err = formatErrorOf(edited(edit));
    expect(err.code).toBe('MLS_ERR_PIPELINE_FORMAT');
    expect(err.details.path).toBe(expectedPath);
    expect(err.message).toContain(`at ${expectedPath}:`);
  });

  it('names a nested step without a name after its type, as a single scikit-learn transformer', () => {
    const json = edited((j) => delete j.steps[0].transformers[1].steps[1].name) as any;
    const out = Pipeline.fromJSON(json).toJSON() as any;
    expect(out.steps[0].transformers[1].steps[1].name).toBe('onehotencoder');
  });

  it('accepts per-column sample counts, as scikit-learn writes them after seeing missing values', () => {
    const json = edited((j) => (j.steps[0].transformers[0].steps[1].nSamplesSeen = [714, 891]));
    expect((Pipeline.fromJSON(json).toJSON() as any).steps[0].transformers[0].steps[1].nSamplesSeen).toEqual([714, 891]);
  });

  it('writes back exactly what it read', () => {
    expect(JSON.parse(JSON.stringify(loadPipeline(fixture.pipeline).toJSON()))).toEqual(fixture.pipeline);
  });
});
