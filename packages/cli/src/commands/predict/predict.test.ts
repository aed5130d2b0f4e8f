import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { captureWriter, kTinyModelDir, makeTempDir } from '../../../test/helpers';
import { importModel } from '../models/index';
import { kKeptRejections, predict } from './index';

describe('predict', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(async () => {
    tmp = makeTempDir();
    await importModel({ home: tmp.dir, file: kTinyModelDir, stdout: captureWriter() });
  });
  afterAll(() => tmp.cleanup());

  it('scores a CSV file in batches, rejects bad rows by line number and keeps going', async () => {
    const input = path.join(tmp.dir, 'in.csv');
    const rows = ['length,width,color'];
    for (let i = 0; i < 25; i += 1) rows.push(i === 7 ? '5.1,3.0,green' : i === 12 ? 'oops' : `${4 + (i % 3)},${i % 2 ? '' : '3.2'},${i % 2 ? 'red' : 'blue'}`);
    writeFileSync(input, `${rows.join('\n')}\n`);
    const output = path.join(tmp.dir, 'out.csv');
    const stderr = captureWriter();
    const result = await predict({ home: tmp.dir, model: 'tiny', input, output, batchSize: 4, maxInFlight: 2, workers: 1, stdout: captureWriter(), stderr });
    expect(result).toMatchObject({ rows: 25, scored: 23 });
    expect(result.rejected.map((r) => r.line)).toEqual([9, 14]);
    expect(stderr.text()).toMatch(/line 9: .*green/);
    expect(stderr.text()).toContain('line 14: expected 3 columns, found 1');
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('line,label,probability_setosa,probability_versicolor,probability_virginica');
    expect(lines).toHaveLength(24);
    // Output keeps input order: line numbers ascend.
    const numbers = lines.slice(1).map((l) => Number(l.split(',')[0]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(['setosa', 'versicolor', 'virginica']).toContain(lines[1]!.split(',')[1]);
  });

  it('prints the result as one JSON document with --json (rows to --output), and nothing but rejections with --quiet', async () => {
    const input = path.join(tmp.dir, 'json.csv');
    writeFileSync(input, 'length,width,color\n5,3,red\noops\n6,,blue\n');
    const output = path.join(tmp.dir, 'json.out.csv');
    const stdout = captureWriter();
    const stderr = captureWriter();
    const result = await predict({ home: tmp.dir, model: 'tiny', input, output, json: true, workers: 1, stdout, stderr });
    expect(JSON.parse(stdout.text())).toEqual(JSON.parse(JSON.stringify(result)));
    expect(result).toMatchObject({ rows: 3, scored: 2, rejectedCount: 1, output });
    expect(stderr.text()).not.toContain('Scored');
    await expect(predict({ home: tmp.dir, model: 'tiny', input, json: true, workers: 1, stdout: captureWriter(), stderr: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_USAGE',
    });

    const quiet = captureWriter();
    await predict({ home: tmp.dir, model: 'tiny', input, output, quiet: true, workers: 1, stdout: captureWriter(), stderr: quiet });
    expect(quiet.text().trim()).toBe('line 3: expected 3 columns, found 1');
  });

  it('keeps a bounded list of rejections and the full count, reporting each as it happens', async () => {
    const input = path.join(tmp.dir, 'many-bad.csv');
    const rows = ['length,width,color'];
    // Malformed lines (never reach the runner) and rows the pipeline rejects, mixed with good ones.
    for (let i = 0; i < 3000; i += 1) rows.push(i % 3 === 0 ? 'oops' : i % 3 === 1 ? '5.1,3.0,green' : '5,3,red');
    writeFileSync(input, `${rows.join('\n')}\n`);
    const stderr = captureWriter();
    const output = path.join(tmp.dir, 'many-bad.out.csv');
    const result = await predict({ home: tmp.dir, model: 'tiny', input, output, batchSize: 64, workers: 1, stdout: captureWriter(), stderr });
    expect(result).toMatchObject({ rows: 3000, scored: 1000, rejectedCount: 2000 });
    expect(result.rejected).toHaveLength(kKeptRejections);
    expect(result.rejected.slice(0, 2).map((r) => r.line)).toEqual([2, 3]);
    expect(stderr.text().match(/^line \d+: /gm)).toHaveLength(2000);
    expect(stderr.text()).toContain('Scored 1000 of 3000 rows; 2000 rejected');
    expect(readFileSync(output, 'utf8').trim().split('\n')).toHaveLength(1001);

    const errors = path.join(tmp.dir, 'many-bad.errors.txt');
    const quiet = captureWriter();
    const again = await predict({ home: tmp.dir, model: 'tiny', input, output, errors, batchSize: 64, workers: 1, stdout: captureWriter(), stderr: quiet });
    expect(again).toMatchObject({ rejectedCount: 2000, errors });
    expect(readFileSync(errors, 'utf8').trim().split('\n')).toHaveLength(2000);
    expect(quiet.text()).not.toMatch(/^line \d+:/m);
    expect(quiet.text()).toContain(`2000 rejected (listed in ${errors})`);
  });

  it('writes JSON Lines to stdout when no output is given', async () => {
    const input = path.join(tmp.dir, 'in.jsonl');
    writeFileSync(input, '{"length":5,"width":3,"color":"red"}\n{"length":6,"width":null,"color":"blue"}\n');
    const stdout = captureWriter();
    const result = await predict({ home: tmp.dir, model: 'tiny', input, workers: 1, stdout, stderr: captureWriter() });
    expect(result).toMatchObject({ rejected: [], rejectedCount: 0 });
    const out = stdout
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ line: 1, label: expect.any(String) });
    expect(out[0].probabilities).toHaveLength(3);
  });

  it('refuses unsupported files and missing inputs before starting a runner', async () => {
    await expect(predict({ home: tmp.dir, model: 'tiny', input: 'data.parquet' })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_INPUT_FORMAT' });
    await expect(predict({ home: tmp.dir, model: 'tiny', input: 'missing.csv' })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_FILE_NOT_FOUND' });
    await expect(predict({ home: tmp.dir, model: 'tiny', input: 'x.csv', batchSize: 0 })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE' });
  });
});
