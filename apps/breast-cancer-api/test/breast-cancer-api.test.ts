import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { type InProcessService, startInProcess } from '@mlserve/test-utils';
import { parse } from 'csv-parse/sync';
import type { Service } from '@mlserve/service';
import { createDiagnosisService } from '../src/create-service';

/** fixtures/reference.json, written by train.py: scikit-learn's answers and the test split. */
interface Reference {
  classes: string[];
  inputs: string[];
  records: Array<Record<string, number>>;
  notes: string[];
  predictedClass: string[];
  predict_proba: number[][];
  testSplit: { indices: number[]; target: string; accuracy: number; trainAccuracy: number };
}

const kApp = resolve(__dirname, '..');
const kCsv = resolve(kApp, '..', '..', '..', 'shared', 'datasets', 'breast_cancer.csv');
const kReference = JSON.parse(readFileSync(join(kApp, 'fixtures', 'reference.json'), 'utf8')) as Reference;
const kFeatures = kReference.inputs;
// The dataset's first row, a malignant tumour, as the seed's notebook sends it.
const kFirstRow =
  '{"mean radius":17.99,"mean texture":10.38,"mean perimeter":122.8,"mean area":1001.0,"mean smoothness":0.1184,"mean compactness":0.2776,"mean concavity":0.3001,"mean concave points":0.1471,"mean symmetry":0.2419,"mean fractal dimension":0.07871,"radius error":1.095,"texture error":0.9053,"perimeter error":8.589,"area error":153.4,"smoothness error":0.006399,"compactness error":0.04904,"concavity error":0.05373,"concave points error":0.01587,"symmetry error":0.03003,"fractal dimension error":0.006193,"worst radius":25.38,"worst texture":17.33,"worst perimeter":184.6,"worst area":2019.0,"worst smoothness":0.1622,"worst compactness":0.6656,"worst concavity":0.7119,"worst concave points":0.2654,"worst symmetry":0.4601,"worst fractal dimension":0.1189}';
const kMalignant = JSON.parse(kFirstRow) as Record<string, number>;
const kBenign = kReference.records[kReference.predictedClass.indexOf('benign')]!;

let app: InProcessService<Service>;
let home: string;
let url: string;

beforeAll(async () => {
  app = await startInProcess('breast-cancer-api-', async (root) => {
    const store = new ModelStore({ root });
    await store.importModel(join(kApp, 'artifacts'), { name: 'breast_cancer_model' });
    return createDiagnosisService({ store, runner: { workers: 1 }, service: { logLevel: 'silent' } });
  });
  ({ home, url } = app);
});

afterAll(() => app?.close());

const post = (body: unknown) => app.post('/predict', body);

function without(record: Record<string, number>, ...features: string[]): Record<string, number> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => !features.includes(name)));
}

describe('POST /predict', () => {
  it("answers one record with the seed's predict_diagnosis result", async () => {
    const res = await post(kFirstRow);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      prediction: 'malignant',
      malignant_probability: expect.any(Number),
      benign_probability: expect.any(Number),
      confidence: res.body.malignant_probability,
    });
    expect(res.body.malignant_probability + res.body.benign_probability).toBeCloseTo(1, 6);
  });

  it('answers a list with a list, in order', async () => {
    const res = await post([kMalignant, kBenign, kMalignant]);
    expect(res.status).toBe(200);
    expect(res.body.map((d: { prediction: string }) => d.prediction)).toEqual(['malignant', 'benign', 'malignant']);
    expect(res.body[1].confidence).toBe(res.body[1].benign_probability);
  });

  it('answers negative values with warnings naming the features', async () => {
    const res = await post({ ...kMalignant, 'mean radius': -1, 'worst area': -0.5 });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual(['mean radius has a negative value: -1', 'worst area has a negative value: -0.5']);
    expect(res.body.prediction).toMatch(/^(malignant|benign)$/);
  });
});

describe('bad requests', () => {
  it('names every missing feature in one 400', async () => {
    const missing = ['mean radius', 'texture error', 'worst fractal dimension'];
    const res = await post(without(kMalignant, ...missing));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expect.objectContaining({ statusCode: 400, code: 'MLS_ERR_IO_VALIDATION', error: 'Bad Request' }));
    for (const feature of missing) expect(res.body.message).toContain(`/${feature} is required`);
  });

  it('names the missing features of each record of a list', async () => {
    const res = await post([without(kMalignant, 'mean area'), kBenign, without(kBenign, 'worst texture', 'mean symmetry')]);
    expect(res.status).toBe(400);
    for (const path of ['/0/mean area', '/2/worst texture', '/2/mean symmetry']) expect(res.body.message).toContain(path);
    expect(res.body.message).not.toContain('/1/');
  });

  it('refuses a measurement that is not a number', async () => {
    const res = await post({ ...kMalignant, 'mean radius': 'large' });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('/mean radius');
  });
});

describe('GET /model', () => {
  it('answers the model card: metadata, features, classes and accuracy', async () => {
    const card = (await (await fetch(`${url}/model`)).json()) as any;
    expect(card).toEqual(
      expect.objectContaining({
        name: 'breast_cancer_model',
        tag: expect.stringMatching(/^breast_cancer_model:/),
        estimator: 'RandomForestClassifier',
        features: kFeatures,
        classes: ['malignant', 'benign'],
        accuracy: { train: kReference.testSplit.trainAccuracy, test: kReference.testSplit.accuracy },
      }),
    );
    expect(card.metadata).toEqual(expect.objectContaining({ model_name: 'breast_cancer_model', version: '1.0.0', sklearn_version: '1.2.1' }));
  });
});

describe('parity with scikit-learn', () => {
  it('serves the probabilities and labels of predict_proba and predict for the reference records', async () => {
    const res = await post(kReference.records);
    expect(res.status).toBe(200);
    const served = res.body as Array<{ prediction: string; malignant_probability: number; benign_probability: number }>;
    expect(served.map((d) => d.prediction)).toEqual(kReference.predictedClass);
    const diff = Math.max(
      ...served.map((d, i) => Math.max(Math.abs(d.malignant_probability - kReference.predict_proba[i]![0]!), Math.abs(d.benign_probability - kReference.predict_proba[i]![1]!))),
    );
    expect(diff).toBeLessThanOrEqual(1e-6);
  });

  (existsSync(kCsv) ? it : it.skip)('serves the test-split accuracy scikit-learn measured', async () => {
    const { indices, target, accuracy } = kReference.testSplit;
    const rows: Array<Record<string, string>> = parse(readFileSync(kCsv, 'utf8'), { columns: true, skip_empty_lines: true });
    const split = indices.map((i) => rows[i]!);
    const res = await post(split.map((row) => Object.fromEntries(kFeatures.map((f) => [f, Number(row[f])]))));
    expect(res.status).toBe(200);
    const correct = (res.body as Array<{ prediction: string }>).filter((d, i) => d.prediction === kReference.classes[Number(split[i]![target])]).length;
    expect(correct / split.length).toBe(accuracy);
  });
});

describe('importing artifacts/ into the store', () => {
  it('skips the save when the latest version holds the same files', async () => {
    const store = new ModelStore({ root: home });
    const before = await store.list('breast_cancer_model');
    const again = await store.importModel(join(kApp, 'artifacts'), { name: 'breast_cancer_model', ifChanged: true });
    expect(again).toEqual(expect.objectContaining({ tag: before[0]!.tag, saved: false }));
    expect(await store.list('breast_cancer_model')).toHaveLength(before.length);
  });
});
