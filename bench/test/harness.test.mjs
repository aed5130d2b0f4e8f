// The harness's own logic: reading the datasets, reading answers, judging targets, measuring memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answersOf, checkAnswers, probabilityOf } from '../src/answers.mjs';
import { makeBodies, parseCsv, toRecords } from '../src/data.mjs';
import { processTree, treeRssBytes } from '../src/proc.mjs';
import { packageOf } from '../src/profile.mjs';
import { formatTable, judgeTargets, renderMarkdown, renderText } from '../src/report.mjs';

test('CSV rows with quoted commas and empty cells become typed records with nulls', () => {
  const rows = parseCsv('Name,Age,Sex\n"Braund, Mr. Owen ""Harris""",22,male\nAnna,,female\n');
  assert.equal(rows[0].Name, 'Braund, Mr. Owen "Harris"');
  const records = toRecords(rows, [
    { name: 'Age', type: 'number' },
    { name: 'Sex', type: 'string' },
  ]);
  assert.deepEqual(records, [
    { Age: 22, Sex: 'male' },
    { Age: null, Sex: 'female' },
  ]);
});

test('bodies cycle through the records, one object or an array per body', () => {
  const records = [{ a: 1 }, { a: 2 }, { a: 3 }];
  assert.deepEqual(makeBodies(records, 1, 4), ['{"a":1}', '{"a":2}', '{"a":3}', '{"a":1}']);
  assert.deepEqual(makeBodies(records, 2, 2), ['[{"a":1},{"a":2}]', '[{"a":3},{"a":1}]']);
});

test('probabilities are read from every answer shape the contenders use', () => {
  assert.equal(probabilityOf({ survived: 1, probability: 0.75, message: 'x' }), 0.75);
  assert.equal(probabilityOf({ prediction: 'benign', malignant_probability: 0.1, benign_probability: 0.9 }), 0.1);
  assert.equal(probabilityOf({ probabilities: [0.2, 0.8] }), 0.8);
  assert.deepEqual(answersOf({ predictions: [1, 2] }), [1, 2]);
  assert.deepEqual(answersOf({ a: 1 }), [{ a: 1 }]);
});

test('answers further apart than float32 from the same model are a mismatch', () => {
  const result = {
    contenders: {
      fastapi: { label: 'FastAPI', answers: [0.1, 0.9] },
      mlserve: { label: 'mlserve', answers: [0.1, 0.9] },
      express: { label: 'Express', answers: [0.1, 0.8] },
    },
  };
  const mismatches = checkAnswers(result);
  assert.equal(mismatches.length, 2);
  assert.match(result.contenders.express.parity, /MISMATCH/);
  assert.doesNotMatch(result.contenders.mlserve.parity, /MISMATCH/);
});

const run = (contender, workload, rps, p99, rows = 1) => ({
  contender,
  workload,
  workloadLabel: workload,
  rows,
  connections: 64,
  rps,
  rowsPerSec: rps * rows,
  latencyMs: { p50: p99 / 2, p99, mean: p99 / 2, max: p99 },
  errors: { total: 0 },
  rssPeakBytes: 100 * 2 ** 20,
});

const sample = {
  date: '2026-01-01T00:00:00.000Z',
  quick: false,
  tool: 'wrk',
  seconds: 10,
  warmupSeconds: 3,
  coldStartRuns: 3,
  totalSeconds: 300,
  machine: { cpu: 'CPU', cores: 2, memGb: 24, os: 'Linux', node: '20', onnxruntime: '1.30.0' },
  contenders: {
    mlserve: { label: 'mlserve', coldStartMs: 900, rssIdleBytes: 1, rssPeakBytes: 200 * 2 ** 20 },
    'mlserve-bento': { label: 'mlserve (bento)', coldStartMs: 1200 },
    'mlserve-w2': { label: 'mlserve --workers 2' },
    express: { label: 'Express baseline', coldStartMs: 600 },
    fastapi: { label: 'FastAPI' },
    ceiling: { label: 'ceiling' },
  },
  runs: [
    run('mlserve', 'single-c64', 12000, 8),
    run('express', 'single-c64', 3000, 40),
    run('fastapi', 'single-c64', 100, 900),
    run('ceiling', 'single-c64', 16000, 6),
    run('mlserve', 'rows1000', 30, 300, 1000),
    run('express', 'rows1000', 20, 400, 1000),
    run('mlserve-w2', 'rows1000', 40, 250, 1000),
    run('mlserve', 'rows100', 700, 30, 100),
    run('express', 'rows100', 200, 60, 100),
    run('mlserve', 'single-c1', 3000, 2),
    run('express', 'single-c1', 2500, 3),
  ],
  inprocess: { results: [{ batchSize: 1000, inferenceRowsPerSec: 100000, withPreprocessingRowsPerSec: 80000, inferenceMsPerBatch: 10 }] },
};

test('targets are judged from the ratios of one run', () => {
  const targets = judgeTargets(sample);
  const byName = (prefix) => targets.find((t) => t.name.startsWith(prefix));
  assert.deepEqual(
    targets.map((t) => [t.name.split(':')[0].split(' >=')[0], t.met]),
    [
      ['mlserve 1000 rows/request c=8', false],
      ['mlserve 1000 rows/request c=8', false],
      ['mlserve --workers 2, 1000 rows/request c=8', true],
      ['mlserve 100 rows/request c=8', true],
      ['mlserve --workers 2, 100 rows/request c=8', null],
      ['mlserve single row c=1', false],
      ['mlserve single row c=1', true],
      ['mlserve single row c=64', true],
      ['mlserve serve src/service.ts', true],
      ['mlserve serve <bento>', false],
      ['mlserve resident memory under load (process tree) <= 250 MB', true],
      ['mlserve req/s', true],
      ['mlserve p99 <= 1/2 of Express baseline p99 (c=64)', true],
      ['mlserve req/s', true],
      ['mlserve cold start (spawn -> /readyz 200) <= 1.5 s', true],
    ],
  );
  assert.equal(byName('mlserve req/s >= 3x').measured, 4);
  assert.equal(byName('mlserve 1000 rows/request c=8: rows/s >= 80%').measured, 0.3);
  assert.equal(byName('mlserve 1000 rows/request c=8: rows/s >= 1.6x').measured, 1.5);
  assert.equal(byName('mlserve serve <bento>').measured, 2);
  assert.equal(byName('mlserve --workers 2, 1000 rows').measured, 2);
});

test('a missing contender leaves its targets unjudged rather than failed', () => {
  const targets = judgeTargets({ ...sample, runs: sample.runs.filter((r) => r.contender !== 'fastapi') });
  assert.equal(targets.find((t) => t.name.includes('FastAPI')).met, null);
});

test('the report renders as text and as BENCHMARKS.md', () => {
  const result = { ...sample, targets: judgeTargets(sample) };
  assert.match(renderText(result), /mlserve vs Express baseline/);
  const md = renderMarkdown(result, '## Notes\n\nhello');
  assert.match(md, /\| mlserve req\/s >= 3x Express baseline/);
  assert.match(md, /## Notes\n\nhello/);
  assert.match(formatTable(['a', 'b'], [['x', '1.5x']]), /x {2}1\.5x/);
});

test('the V2 protocols are reported beside the own API as ratios, in the table and BENCHMARKS.md', () => {
  const proto = (workload, protocol, rps, p99, rows = 1) => ({
    workload,
    workloadLabel: workload,
    rows,
    connections: 64,
    protocol,
    protocolLabel: protocol,
    rps,
    rowsPerSec: rps * rows,
    latencyMs: { p50: p99 / 2, p99 },
    errors: { total: 0 },
    roundsRps: [rps, rps],
    ratioToOwn: rps / (workload === 'single-c64' ? 8000 : 100),
    p99RatioToOwn: p99 / 10,
    ...(protocol === 'v2-grpc' ? { clientCpuUsPerRequest: 80 } : {}),
  });
  const result = {
    ...sample,
    targets: judgeTargets(sample),
    protocols: [proto('single-c64', 'own', 8000, 10), proto('single-c64', 'v2-rest', 6000, 12), proto('single-c64', 'v2-grpc', 2000, 40), proto('rows100', 'v2-rest', 50, 20, 100)],
  };
  const text = renderText(result);
  assert.match(text, /single-c64 +v2-rest +6,000 .* 0\.75x +1\.20x/);
  assert.match(text, /v2-grpc +2,000 .* 0\.25x +4\.00x/);
  assert.match(text, /costing single-c64 80 µs of harness CPU per call/);
  const md = renderMarkdown(result, '');
  assert.match(md, /## Open Inference Protocol \(V2\) beside the own API/);
  assert.match(md, /\| rows100 \| v2-rest \| 50 \| 5,000 \| 10.0 \| 20.0 \| 0 \| 0.50x \| 2.00x \|/);
  // An older results file without the comparison still renders, and says how to get it.
  assert.match(renderMarkdown({ ...sample, targets: judgeTargets(sample) }, ''), /Not measured in this run: a full `pnpm bench`/);
});

test('resident memory is summed over a process and its children', () => {
  assert.ok(processTree(process.pid).includes(process.pid));
  assert.ok(treeRssBytes(process.pid) >= process.memoryUsage().rss * 0.5);
});

test('profile frames are attributed to their package', () => {
  assert.equal(packageOf('file:///r/packages/runner/dist/index.js', 'f'), '@mlserve/runner');
  assert.equal(packageOf('file:///r/node_modules/.pnpm/piscina@5.3.2/node_modules/piscina/dist/worker.js', 'f'), 'piscina');
  assert.equal(packageOf('node:internal/http', 'f'), 'node:http');
  assert.equal(packageOf('', '(garbage collector)'), '(garbage collector)');
});
