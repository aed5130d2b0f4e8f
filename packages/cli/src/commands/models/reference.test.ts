import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { captureWriter, kTinyModelDir, makeTempDir } from '../../../test/helpers';
import { runCli, type Dispatch } from '../../cli';
import { importModel, referenceModel } from './index';

const kApp = path.resolve(__dirname, '../../../../../apps/breast-cancer-api');
// The datasets sit beside the repository (../shared/datasets), never inside it.
const kDatasets = process.env.MLSERVE_DATASETS ?? path.resolve(__dirname, '../../../../../../shared/datasets');
const kCsv = path.join(kDatasets, 'breast_cancer.csv');

describe('models reference', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => (tmp = makeTempDir()));
  afterAll(() => tmp.cleanup());

  it('turns argv into options', async () => {
    const calls: Array<[string, object]> = [];
    const dispatch: Dispatch = async (command, options) => void calls.push([command, options]);
    await runCli(['models', 'reference', 'm:latest', 'train.csv', '--target', 'y', '--bins', '5'], dispatch);
    expect(calls).toEqual([['models reference', { tag: 'm:latest', data: 'train.csv', target: 'y', bins: 5 }]]);
  });

  (existsSync(kCsv) ? it : it.skip)('computes in Node the stats.json the exporter computed in Python from the same training rows', async () => {
    const dir = path.join(tmp.dir, 'artifacts');
    mkdirSync(dir);
    for (const file of ['model.onnx', 'pipeline.json', 'metadata.json']) copyFileSync(path.join(kApp, 'artifacts', file), path.join(dir, file));
    await importModel({ home: tmp.dir, file: dir, stdout: captureWriter() });
    const test = new Set((JSON.parse(readFileSync(path.join(kApp, 'fixtures', 'reference.json'), 'utf8')) as { testSplit: { indices: number[] } }).testSplit.indices);
    const lines = readFileSync(kCsv, 'utf8').trim().split('\n');
    const train = path.join(tmp.dir, 'train.csv');
    writeFileSync(train, `${[lines[0], ...lines.slice(1).filter((_, i) => !test.has(i))].join('\n')}\n`);

    const stdout = captureWriter();
    const stats = await referenceModel({ home: tmp.dir, tag: 'breast_cancer_model', data: train, target: 'target', stdout });
    expect(stdout.text()).toMatch(/455 rows, 30 features, baseline accuracy 0\.9561/);
    const python = JSON.parse(readFileSync(path.join(kApp, 'artifacts', 'stats.json'), 'utf8'));
    expect(stats.rows).toBe(python.rows);
    for (const [name, column] of Object.entries(python.features) as Array<[string, { edges: number[]; proportions: number[]; min: number; max: number }]>) {
      const node = stats.features[name]!;
      if (node.kind !== 'numeric') throw new Error(`${name} should be numeric`);
      expect(node.edges.map((e, i) => Math.abs(e - column.edges[i]!) < 1e-9)).not.toContain(false);
      expect(node.proportions).toEqual(column.proportions);
      expect([node.min, node.max]).toEqual([column.min, column.max]);
    }
    expect(stats.predictions).toEqual(python.predictions);
    expect(stats.metrics).toEqual(python.metrics);
    expect((await new ModelStore({ root: tmp.dir }).get('breast_cancer_model')).stats).toEqual(stats);
  });

  it('names the line of a row it cannot read and stores nothing', async () => {
    await importModel({ home: tmp.dir, file: kTinyModelDir, stdout: captureWriter() });
    const bad = path.join(tmp.dir, 'bad.csv');
    writeFileSync(bad, 'length,width,color\n5,3,red\noops\n');
    await expect(referenceModel({ home: tmp.dir, tag: 'tiny', data: bad, stdout: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_INPUT_FORMAT',
      message: expect.stringMatching(/line 3/),
    });
    expect((await new ModelStore({ root: tmp.dir }).get('tiny')).stats).toBeUndefined();
  });
});
