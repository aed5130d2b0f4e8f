import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { createRunner } from '@mlserve/runner';
import { captureWriter, kTinyModelDir, makeTempDir, runBin } from '../../../test/helpers';
import { runCli, type Dispatch } from '../../cli';
import { exportModel, importModel } from './index';
import { findExporterPython } from './sklearn-exporter';

// The datasets sit beside the repository (../shared/datasets), never inside it.
const kBreastCancerCsv = path.resolve(__dirname, '../../../../../../shared/datasets/breast_cancer.csv');

describe('models import and export flags', () => {
  it('parses --version on models import as the model version, and keeps mlserve --version for the CLI', async () => {
    const calls: Array<[string, object]> = [];
    const dispatch: Dispatch = async (command, options) => void calls.push([command, options]);
    await runCli(['models', 'import', 'dir', '--version', 'v2.0.0', '--json', '--quiet', '--export'], dispatch);
    expect(calls).toEqual([['models import', expect.objectContaining({ file: 'dir', version: 'v2.0.0', json: true, quiet: true, export: true })]]);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect((await runCli(['--version'], dispatch)).printedOnly).toBe(true);
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^\d+\.\d+\.\d+/));
    } finally {
      log.mockRestore();
    }
    expect(calls).toHaveLength(1);
  });
});

describe('models import and export on a temporary store', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('imports under a chosen version, refuses it twice, and prints one JSON document with --json', async () => {
    const stdout = captureWriter();
    const ref = await importModel({ home: tmp.dir, file: kTinyModelDir, version: 'v1.0.0', json: true, stdout, stderr: captureWriter() });
    expect(JSON.parse(stdout.text())).toEqual({ name: 'tiny', version: 'v1.0.0', tag: 'tiny:v1.0.0', path: ref.path, saved: true, kind: 'directory' });
    await expect(importModel({ home: tmp.dir, file: kTinyModelDir, version: 'v1.0.0', stdout: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_ALREADY_EXISTS',
      statusCode: 409,
    });
    await expect(importModel({ home: tmp.dir, file: kTinyModelDir, version: 'one', stdout: captureWriter() })).rejects.toMatchObject({ code: 'MLS_ERR_STORE_INVALID_TAG' });
    const quiet = captureWriter();
    await importModel({ home: tmp.dir, file: kTinyModelDir, quiet: true, stdout: quiet, stderr: quiet });
    expect(quiet.text()).toBe('');
  });

  it('export adds .mlmodel, and import recognises the archive by its content under any name', async () => {
    await importModel({ home: tmp.dir, file: kTinyModelDir, version: 'v1.0.0', stdout: captureWriter() });
    const written = await exportModel({ home: tmp.dir, tag: 'tiny:v1.0.0', out: path.join(tmp.dir, 'backup'), stdout: captureWriter(), stderr: captureWriter() });
    expect(written).toBe(path.join(tmp.dir, 'backup.mlmodel'));
    const renamed = path.join(tmp.dir, 'backup.bin');
    copyFileSync(written, renamed);
    const copy = await importModel({ home: path.join(tmp.dir, 'other'), file: renamed, stdout: captureWriter() });
    expect(copy).toMatchObject({ tag: 'tiny:v1.0.0', kind: 'archive' });
  });

  it('explains why a pickle is refused, names the exporter command and the --export flag, and stores nothing', async () => {
    const pickle = path.join(tmp.dir, 'cancer_pipeline.pkl');
    writeFileSync(pickle, Buffer.from([0x80, 0x04, 0x95]));
    await expect(importModel({ home: tmp.dir, file: pickle, interactive: false, stdout: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_PICKLE_REFUSED',
      message: expect.stringMatching(/never loads pickles: unpickling runs arbitrary code.*mlserve_sklearn export cancer_pipeline\.pkl.*--export/),
    });
    const asked: string[] = [];
    await expect(
      importModel({ home: tmp.dir, file: pickle, interactive: true, confirm: async (q) => (asked.push(q), false), stdout: captureWriter(), stderr: captureWriter() }),
    ).rejects.toMatchObject({
      code: 'MLS_ERR_STORE_PICKLE_REFUSED',
    });
    expect(asked).toEqual([expect.stringContaining('Run the exporter')]);
    expect(await new ModelStore({ root: tmp.dir }).list()).toEqual([]);
  });

  it('says how to get a Python with the exporter when none is found', () => {
    expect(() => findExporterPython({ PATH: '/nonexistent' }, ['/nonexistent/python3', 'no-such-python'])).toThrow(
      expect.objectContaining({
        code: 'MLS_ERR_CLI_EXPORTER_UNAVAILABLE',
        message: expect.stringContaining('pip install --no-build-isolation --no-deps ./python/mlserve-sklearn'),
      }),
    );
  });

  it("reports the exporter's own error, exiting non-zero, when it cannot export the file", async () => {
    const pickle = path.join(tmp.dir, 'model.joblib');
    writeFileSync(pickle, Buffer.from([0x80, 0x04, 0x95]));
    await expect(importModel({ home: tmp.dir, file: pickle, export: true, stdout: captureWriter(), stderr: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_EXPORT_FAILED',
      message: expect.stringContaining('The scikit-learn exporter could not export'),
    });
    expect(await new ModelStore({ root: tmp.dir }).list()).toEqual([]);
  }, 60_000);

  (existsSync(kBreastCancerCsv) && existsSync('/usr/bin/python3') ? it : it.skip)(
    'exports a real scikit-learn pickle with --export and imports a model that predicts',
    async () => {
      const pickle = path.join(tmp.dir, 'cancer_pipeline.pkl');
      const train = [
        'import pickle, sys, pandas as pd',
        'from sklearn.pipeline import Pipeline',
        'from sklearn.preprocessing import StandardScaler',
        'from sklearn.linear_model import LogisticRegression',
        'df = pd.read_csv(sys.argv[1]); X = df.drop(columns=["target"]); y = df["target"]',
        'model = Pipeline([("scaler", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]).fit(X, y)',
        'pickle.dump(model, open(sys.argv[2], "wb"))',
        'print(int(model.predict(X.iloc[:1])[0]), list(X.columns))',
      ].join('\n');
      const [expected] = execFileSync('/usr/bin/python3', ['-c', train, kBreastCancerCsv, pickle], { encoding: 'utf8' }).trim().split(' ');
      const stderr = captureWriter();
      const ref = await importModel({ home: tmp.dir, file: pickle, export: true, stdout: captureWriter(), stderr });
      expect(ref).toMatchObject({ tag: expect.stringMatching(/^cancer_pipeline:/), kind: 'pickle', saved: true });
      expect(stderr.text()).toContain('-m mlserve_sklearn export');
      expect(readdirSync(path.join(tmp.dir, '.staging'))).toEqual([]);

      const model = await new ModelStore({ root: tmp.dir }).get(ref.tag);
      const [header, first] = readFileSync(kBreastCancerCsv, 'utf8').split('\n');
      const columns = header!.split(',');
      const record = Object.fromEntries(columns.filter((c) => c !== 'target').map((c) => [c, Number(first!.split(',')[columns.indexOf(c)])]));
      const runner = createRunner(model, { workers: 1 });
      try {
        const [prediction] = await runner.predict([record]);
        expect(String(prediction!.label)).toBe(expected);
        expect(prediction!.probabilities).toHaveLength(2);
      } finally {
        await runner.close();
      }
    },
    120_000,
  );
});

describe('the mlserve binary on bad archives', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => (tmp = makeTempDir()));
  afterAll(() => tmp.cleanup());

  it('exits non-zero with a message, importing nothing, for a truncated archive', async () => {
    const home = path.join(tmp.dir, 'home');
    await importModel({ home, file: kTinyModelDir, stdout: captureWriter() });
    const archive = await exportModel({ home, tag: 'tiny', out: tmp.dir, stdout: captureWriter(), stderr: captureWriter() });
    const truncated = path.join(tmp.dir, 'truncated.mlmodel');
    writeFileSync(truncated, readFileSync(archive).subarray(0, 200));
    const other = path.join(tmp.dir, 'other');
    const run = await runBin(['models', 'import', truncated, '--home', other], { timeoutMs: 20_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not a valid \.mlmodel archive.*MLS_ERR_STORE_INVALID_ARCHIVE/);
    expect(await new ModelStore({ root: other }).list()).toEqual([]);
    expect(readdirSync(path.join(other, '.staging'))).toEqual([]);
    const versioned = await runBin(['models', 'import', kTinyModelDir, '--home', other, '--version', 'v2.0.0', '--json'], { timeoutMs: 20_000 });
    expect(versioned.code).toBe(0);
    expect(JSON.parse(versioned.stdout)).toMatchObject({ tag: 'tiny:v2.0.0' });
  }, 60_000);

  it('exits non-zero with a message when an export fails: a missing directory, a tampered model', async () => {
    const home = path.join(tmp.dir, 'exports');
    const ref = await importModel({ home, file: kTinyModelDir, stdout: captureWriter() });
    const missing = await runBin(['models', 'export', ref.tag, path.join(tmp.dir, 'no', 'such', 'dir', 'x'), '--home', home], { timeoutMs: 20_000 });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist.*MLS_ERR_STORE_NOT_FOUND/);
    const onnx = path.join(ref.path, 'model.onnx');
    const bytes = readFileSync(onnx);
    bytes.writeUInt8(bytes.at(-1)! ^ 0xff, bytes.length - 1);
    writeFileSync(onnx, bytes);
    const tampered = await runBin(['models', 'export', ref.tag, tmp.dir, '--home', home], { timeoutMs: 20_000 });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/model\.onnx has sha256 .*MLS_ERR_STORE_CORRUPT/);
    const deleted = await runBin(['models', 'delete', ref.tag, '-y', '--home', home], { timeoutMs: 20_000 });
    expect(deleted.code).toBe(0);
  }, 60_000);
});
