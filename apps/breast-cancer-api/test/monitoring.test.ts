import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import type { Service } from '@mlserve/service';
import { parse } from 'csv-parse/sync';
import { createDiagnosisService } from '../src/create-service';

const kApp = resolve(__dirname, '..');
// The datasets sit beside the repository (../shared/datasets), never inside it.
const kCsv = join(process.env.MLSERVE_DATASETS ?? resolve(kApp, '..', '..', '..', 'shared', 'datasets'), 'breast_cancer.csv');
const kReference = JSON.parse(readFileSync(join(kApp, 'fixtures', 'reference.json'), 'utf8')) as {
  inputs: string[];
  classes: string[];
  testSplit: { indices: number[]; target: string; accuracy: number };
};
const kShifted = ['mean radius', 'worst area', 'mean concavity'];

const describeWithData = existsSync(kCsv) ? describe : describe.skip;

describeWithData('monitoring the breast cancer API (the notebook’s check_drift)', () => {
  let home: string;
  let svc: Service;
  let url: string;
  let testRows: Array<Record<string, number>>;
  let truth: string[];
  let trainStd: Map<string, number>;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'breast-cancer-monitoring-'));
    const store = new ModelStore({ root: home });
    await store.importModel(join(kApp, 'artifacts'), { name: 'breast_cancer_model' });
    // A window as large as the test split: what is measured is exactly those rows.
    svc = await createDiagnosisService({ store, runner: { workers: 1 }, service: { logLevel: 'silent' }, monitoring: { windowSize: kReference.testSplit.indices.length } });
    ({ url } = await svc.listen(0, '127.0.0.1'));
    const data = parse(readFileSync(kCsv, 'utf8'), { columns: true, cast: true }) as Array<Record<string, number>>;
    const test = new Set(kReference.testSplit.indices);
    testRows = kReference.testSplit.indices.map((i) => Object.fromEntries(kReference.inputs.map((f) => [f, data[i]![f]!])));
    truth = kReference.testSplit.indices.map((i) => kReference.classes[data[i]![kReference.testSplit.target]!]!);
    const train = data.filter((_, i) => !test.has(i));
    trainStd = new Map(
      kShifted.map((f) => {
        const xs = train.map((r) => r[f]!);
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        return [f, Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)];
      }),
    );
  });

  afterAll(async () => {
    await svc?.close();
    await rm(home, { recursive: true, force: true });
  });

  const post = async (path: string, body: unknown, id?: string) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(id ? { 'x-request-id': id } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any, id: res.headers.get('x-request-id')! };
  };
  const get = async (path: string) => (await fetch(`${url}${path}`)).json() as Promise<any>;

  it('finds no drift in the test split, and an alert on exactly the shifted features', async () => {
    // One request per row, as clients send them, then the same rows in lists of 10.
    for (const [i, row] of testRows.entries()) expect((await post('/predict', row, `test-${i}`)).status).toBe(200);
    const calm = await get('/monitoring/drift');
    expect(calm.models[0].windowSize).toBe(testRows.length);
    expect(Object.keys(calm.models[0].features)).toHaveLength(30);
    expect(calm.models[0].status).toBe('ok');
    expect(calm.status).toBe('ok');

    const shifted = testRows.map((r) => ({ ...r, ...Object.fromEntries(kShifted.map((f) => [f, r[f]! + trainStd.get(f)!])) }));
    for (let i = 0; i < shifted.length; i += 10) expect((await post('/predict', shifted.slice(i, i + 10))).status).toBe(200);
    const drift = await get('/monitoring/drift');
    const alerted = Object.entries(drift.models[0].features as Record<string, { status: string }>)
      .filter(([, r]) => r.status !== 'ok')
      .map(([f]) => f);
    expect(alerted.sort()).toEqual([...kShifted].sort());
    for (const f of kShifted) expect(drift.models[0].features[f]).toEqual({ psi: expect.any(Number), status: 'alert' });
    expect(drift.status).toBe('alert');

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/mlserve_feature_psi\{model="breast_cancer_model",feature="mean radius"\} [0-9.]+/);
    expect(metrics).toMatch(/mlserve_prediction_psi\{model="breast_cancer_model"\} [0-9.]+/);
  });

  it('measures scikit-learn’s test accuracy from the true labels, then alerts on flipped ones', async () => {
    const labels = truth.map((label, i) => ({ id: `test-${i}`, label }));
    const answer = await post('/monitoring/feedback', labels);
    expect(answer.status).toBe(200);
    expect(answer.body.accepted).toBe(truth.length);
    const performance = await get('/monitoring/performance');
    expect(performance.models[0]).toMatchObject({ task: 'classification', labelled: truth.length, baseline: kReference.testSplit.accuracy, status: 'ok' });
    expect(performance.models[0].accuracy).toBeCloseTo(kReference.testSplit.accuracy, 12);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain(`mlserve_model_accuracy{model="breast_cancer_model"} ${performance.models[0].accuracy}`);

    const flipped = truth.map((label, i) => ({ id: `test-${i}`, label: label === 'benign' ? 'malignant' : 'benign' }));
    expect((await post('/monitoring/feedback', flipped)).status).toBe(200);
    const after = await get('/monitoring/performance');
    expect(after.models[0].accuracy).toBeCloseTo(1 - kReference.testSplit.accuracy, 12);
    expect(after.models[0].status).toBe('alert');
    expect(after.status).toBe('alert');
  });

  it('joins a label to one row of a list request by index, and class indices count as labels', async () => {
    const res = await post('/predict', testRows.slice(0, 3), 'list-request');
    expect((await post('/monitoring/feedback', { id: 'list-request', index: 2, label: kReference.classes.indexOf(truth[2]!) })).status).toBe(200);
    expect(res.body).toHaveLength(3);
  });

  it('answers unknown ids, bad labels, missing indices and oversized lists with JSON 4xx', async () => {
    const before = (await get('/monitoring/performance')).models[0];
    const unknown = await post('/monitoring/feedback', { id: 'never-sent', label: 'benign' });
    expect(unknown).toMatchObject({
      status: 404,
      body: { statusCode: 404, code: 'MLS_ERR_MONITOR_UNKNOWN_PREDICTION', error: 'Not Found', message: expect.stringContaining('never-sent') },
    });
    const bad = await post('/monitoring/feedback', [
      { id: 'test-0', label: 'benign' },
      { id: 'test-1', label: 'maybe' },
    ]);
    expect(bad).toMatchObject({ status: 400, body: { code: 'MLS_ERR_MONITOR_INVALID_LABEL', message: expect.stringContaining('items[1]') } });
    const noIndex = await post('/monitoring/feedback', { id: 'list-request', label: 'benign' });
    expect(noIndex).toMatchObject({ status: 400, body: { code: 'MLS_ERR_MONITOR_INVALID_FEEDBACK' } });
    const shape = await post('/monitoring/feedback', { label: 'benign' });
    expect(shape).toMatchObject({ status: 400, body: { code: 'MLS_ERR_IO_VALIDATION' } });
    const huge = await post(
      '/monitoring/feedback',
      Array.from({ length: 1001 }, () => ({ id: 'test-0', label: 'benign' })),
    );
    expect(huge).toMatchObject({ status: 413, body: { code: 'MLS_ERR_MONITOR_TOO_MANY_LABELS' } });
    // the rejected requests changed nothing
    const after = (await get('/monitoring/performance')).models[0];
    expect([after.labelled, after.accuracy]).toEqual([before.labelled, before.accuracy]);
  });

  it('documents every monitoring endpoint in the OpenAPI document', async () => {
    const doc = await get('/docs.json');
    for (const path of ['/monitoring/drift', '/monitoring/performance', '/monitoring/traffic', '/monitoring/models', '/dashboard']) expect(doc.paths[path]?.get).toBeDefined();
    expect(doc.paths['/monitoring/feedback']?.post).toBeDefined();
  });
});
