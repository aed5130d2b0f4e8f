import { validate } from '@readme/openapi-parser';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeReferenceStats } from '@mlserve/core';
import { createTinyRunner, get, post, start } from '../../test/helpers';
import { createService, json, records, type ModelMonitor, type Service } from '../index';
import { loadFixturePipeline } from '../../test/helpers';

// Reference statistics of a small "training set" of the tiny model's inputs.
const kTraining = Array.from({ length: 200 }, (_, i) => ({ age: 20 + (i % 40), fare: 5 + ((i * 7) % 80), sex: i % 3 === 0 ? 'female' : 'male' }));
const kStats = computeReferenceStats(kTraining, {
  predictions: kTraining.map((r) => (r.sex === 'female' ? 'survived' : 'died')),
  task: 'classification',
  metrics: { accuracy: 0.8 },
});
const kModel = {
  name: 'tiny_model',
  tag: 'tiny_model:v1',
  stats: kStats,
  classes: ['died', 'survived'],
  manifest: { metadata: { featureImportances: { fare: 0.2, age: 0.5, sex: 0.3 } }, metrics: {} },
};

function createMonitoredService(options: Parameters<Service['monitor']>[1] = {}): { svc: Service; monitor: ModelMonitor } {
  const runner = createTinyRunner();
  const svc = createService('monitored', { runners: [runner], logLevel: 'silent', processMetrics: false });
  const monitor = svc.monitor(runner, { model: kModel, ...options });
  svc.api('predict', { input: records(loadFixturePipeline()), output: json() }, (rows, ctx) => monitor.predict(rows, ctx));
  return { svc, monitor };
}

describe('svc.monitor()', () => {
  let svc: Service;
  let url: string;
  let logDir: string;
  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'mlserve-prediction-log-'));
    ({ svc } = createMonitoredService({ windowSize: 100, minRowsPerBin: 10, predictionLog: { dir: logDir, maxBytes: 4000, maxFiles: 2 } }));
    ({ url } = await start(svc));
  });
  afterAll(async () => {
    await svc.close();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('documents the monitoring endpoints in a valid OpenAPI document, served by Swagger UI', async () => {
    const doc = (await get(`${url}/docs.json`)).body;
    const result = await validate(structuredClone(doc));
    expect(result.valid).toBe(true);
    for (const path of ['/monitoring/drift', '/monitoring/performance', '/monitoring/traffic', '/monitoring/models', '/dashboard'])
      expect(doc.paths[path].get.tags).toEqual(['Monitoring']);
    expect(doc.paths['/monitoring/feedback'].post.requestBody).toBeDefined();
  });

  it('answers warnings beside the prediction for values outside the training range', async () => {
    const res = await post(`${url}/predict`, { age: 90, fare: 10, sex: 'male' });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual(['age is 90, outside the training range [20, 59]']);
    const fine = await post(`${url}/predict`, { age: 30, fare: 10, sex: 'male' });
    expect(fine.body.warnings).toBeUndefined();
  });

  it('keeps a bounded window: drift is measured over the last windowSize rows only', async () => {
    for (let i = 0; i < 3; i++) await post(`${url}/predict`, kTraining.slice(i * 50, i * 50 + 50));
    const drift = (await get(`${url}/monitoring/drift`)).body;
    expect(drift.models[0]).toMatchObject({ model: 'tiny_model', windowSize: 100, bins: 10 });
    expect(drift.models[0].features.sex.status).toBe('ok');
  });

  it('writes inputs, outputs and request ids to rotating JSON-lines files', async () => {
    await post(`${url}/predict`, { age: 31, fare: 12, sex: 'female' }, { 'x-request-id': 'logged-1' });
    await svc.close();
    const files = readdirSync(logDir).sort();
    expect(files).toEqual(['predictions.1.jsonl', 'predictions.2.jsonl', 'predictions.jsonl']);
    const lines = readFileSync(join(logDir, 'predictions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ requestId: 'logged-1', model: 'tiny_model', inputs: [{ age: 31, fare: 12, sex: 'female' }], outputs: [{ label: expect.any(String) }] });
    // A file rotates before a line would take it past maxBytes: larger only when it holds one line.
    for (const file of files) {
      const text = readFileSync(join(logDir, file), 'utf8');
      if (text.length > 4000) expect(text.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('input warnings in reject mode', () => {
  it('refuses a record outside the training range with a 422 naming the feature', async () => {
    const { svc } = createMonitoredService({ inputWarnings: 'reject' });
    const { url } = await start(svc);
    try {
      const res = await post(`${url}/predict`, [
        { age: 30, fare: 10, sex: 'male' },
        { age: 30, fare: -4, sex: 'male' },
      ]);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, code: 'MLS_ERR_MONITOR_INPUT_OUT_OF_RANGE', message: 'Input outside the training data: fare has a negative value: -4' });
      expect((await get(`${url}/monitoring/traffic`)).body.models[0].requests).toBe(0);
    } finally {
      await svc.close();
    }
  });
});

describe('monitoring options', () => {
  it('are checked when monitoring starts, naming the option', () => {
    const svc = createService('options', { logLevel: 'silent', processMetrics: false });
    const runner = createTinyRunner();
    expect(() => svc.monitor(runner, { windowSize: 0 })).toThrow('options.windowSize must be a positive integer');
    expect(() => svc.monitor(runner, { psiWarn: 0.3, psiAlert: 0.2 })).toThrow('options.psiAlert must be at least options.psiWarn');
    expect(() => svc.monitor(runner, { inputWarnings: 'loud' as never })).toThrow('options.inputWarnings must be "off", "warn" or "reject"');
    expect(() => svc.monitor(runner, { predictionLog: { dir: '' } })).toThrow('options.predictionLog.dir must be a non-empty string');
    expect(() => svc.monitor({} as never)).toThrow('runner must be a runner');
    return runner.close();
  });
});
