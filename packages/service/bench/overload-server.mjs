// The server of bench/overload.mjs, in its own process: the tiny fixture model behind one runner
// worker, a records() API. Usage: node bench/overload-server.mjs [admission: on|off]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPipeline } from '@mlserve/pipeline';
import { createRunner } from '@mlserve/runner';
import { createService, json, records } from '../dist/index.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const pipeline = loadPipeline(JSON.parse(readFileSync(`${fixtures}pipeline.json`, 'utf8')));
const runner = createRunner(
  { modelPath: `${fixtures}tiny-classifier.onnx`, name: 'tiny_model', tag: 'tiny_model:v1', pipeline, classes: ['died', 'survived'] },
  { workers: 1, maxBatchSize: 512 },
);
const svc = createService('overload', { runners: [runner], logLevel: 'silent', processMetrics: false, admission: process.argv[2] !== 'off' });
svc.api('predict', { input: records(pipeline), output: json() }, async (rows) => (await runner.predict(rows)).map((p) => p.label));
const { port } = await svc.listen(0, '127.0.0.1');
process.send({ port });
