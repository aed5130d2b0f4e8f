import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { captureWriter, kTinyModelDir, makeTempDir } from '../../../test/helpers';
import { runCli, type Dispatch } from '../../cli';
import { ModelStore } from '@mlserve/model-store';
import { importModel } from '../models/index';
import { boundaryCases } from './boundary-cases';
import { check } from './index';

const kArtifacts = path.resolve(__dirname, '../../../../../apps/breast-cancer-api/artifacts');

describe('mlserve check', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => (tmp = makeTempDir()));
  afterAll(() => tmp.cleanup());

  it('turns argv into options', async () => {
    const calls: Array<[string, object]> = [];
    const dispatch: Dispatch = async (command, options) => void calls.push([command, options]);
    await runCli(['check', 'm:latest', '--out', 'c.md', '--load-requests', '50', '--load-seconds', '1'], dispatch);
    expect(calls).toEqual([['check', { target: 'm:latest', out: 'c.md', loadRequests: 50, loadSeconds: 1 }]]);
  });

  it('generates boundary cases from the record schema', () => {
    const cases = boundaryCases({ properties: { a: { type: 'number' }, s: { type: 'string' } }, required: ['a', 's'] }, { a: 1, s: 'x' });
    expect(cases.map((c) => c.name)).toEqual([
      'missing field "a"',
      'wrong type: "a" as text',
      'extreme values: 1 numeric field(s) at 1e300',
      'extreme values: 1 numeric field(s) at -1e300',
      'empty list',
      'a body that is not JSON',
    ]);
    expect(cases[0]!.body).toEqual({ s: 'x' });
  });

  it('ticks every required item of the breast cancer model and writes the figures', async () => {
    await importModel({ home: tmp.dir, file: kArtifacts, name: 'breast_cancer_model', stdout: captureWriter() });
    // The request count ends the load test; the time bound only caps it on a busy machine.
    const stdout = captureWriter();
    const result = await check({ home: tmp.dir, cwd: tmp.dir, target: 'breast_cancer_model', loadRequests: 300, loadSeconds: 20, stdout });
    expect(result.passed).toBe(true);
    const text = readFileSync(path.join(tmp.dir, 'deployment_checklist.md'), 'utf8');
    expect(stdout.text().trim()).toBe(text.trim());
    expect(text).toMatch(/- \[x\] Model loads\n/);
    expect(text).toMatch(/ {2}- served at http:\/\/127\.0\.0\.1:\d+: \/healthz ready \(breast_cancer_model ready\)\n/);
    expect(text).toContain('a body that is not JSON: HTTP 400');
    expect(text).toMatch(/- \[x\] Outputs match the reference outputs stored at export\n {2}- 5 \/ 5 rows agree/);
    expect(text).toMatch(/100 row\(s\): [0-9.]+ ms per call, [0-9.]+ ms per sample/);
    expect(text).toMatch(/- \[x\] Boundary cases answer 4xx/);
    expect(text).toContain('extreme values: 30 numeric field(s) at 1e300: HTTP 422');
    expect(text).toContain('missing field "mean radius": HTTP 400');
    expect(text).toContain('empty list: HTTP 400');
    expect(text).toMatch(/- \[x\] Short load test .*\n {2}- 300 requests in/);
    expect(text).toMatch(/peak RSS .*: [0-9.]+ MiB/);
    expect(text).toMatch(/- \[x\] Metadata present .*\n {2}- version: 1\.0\.0\n {2}- scikit-learn version: 1\.2\.1/);
  }, 60_000);

  it('fails honestly when a model cannot be checked: no reference outputs, extremes accepted', async () => {
    await importModel({ home: tmp.dir, file: kTinyModelDir, stdout: captureWriter() });
    const out = path.join(tmp.dir, 'tiny.md');
    await expect(check({ home: tmp.dir, target: 'tiny', out, loadRequests: 50, loadSeconds: 1, stdout: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_CHECK_FAILED',
      message: expect.stringContaining('Boundary cases answer 4xx'),
    });
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/- \[ \] Outputs match the reference outputs stored at export \(skipped\)/);
    expect(text).toMatch(/- \[ \] Boundary cases answer 4xx — FAILED/);
    expect(text).toMatch(/- \[x\] Model loads/);
  }, 60_000);

  it('checks the first model of a bento directory, from the bento’s own store', async () => {
    const bento = path.join(tmp.dir, 'bento');
    mkdirSync(bento);
    const ref = await new ModelStore({ root: bento }).importModel(kArtifacts, { name: 'breast_cancer_model' });
    writeFileSync(
      path.join(bento, 'bento.yaml'),
      `name: bc\nversion: v1\nservice: src/service.mjs:svc\nmodels:\n  - tag: ${ref.tag}\n    name: ${ref.name}\n    version: ${ref.version}\n`,
    );
    const result = await check({
      home: path.join(tmp.dir, 'elsewhere'),
      cwd: tmp.dir,
      target: 'bento',
      out: 'bento.md',
      loadRequests: 50,
      loadSeconds: 1,
      stdout: captureWriter(),
    });
    expect(result).toMatchObject({ tag: ref.tag, passed: true, file: path.join(tmp.dir, 'bento.md') });
  }, 60_000);

  it('says which model is missing', async () => {
    const dir = path.join(tmp.dir, 'empty-home');
    mkdirSync(dir);
    copyFileSync(path.join(kArtifacts, 'metadata.json'), path.join(dir, 'unrelated.json'));
    await expect(check({ home: dir, cwd: dir, target: 'nope', stdout: captureWriter() })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_CHECK_FAILED' });
    expect(readFileSync(path.join(dir, 'deployment_checklist.md'), 'utf8')).toMatch(/- \[ \] Model loads — FAILED\n {2}- .*nope/);
  });
});
