// Throughput and latency of single-row requests at concurrency 1, 8 and 64, for:
//   in-process  — session.run on this thread with the c rows merged into one call: the limit
//   batching    — the runner (worker pool, greedy batching, maxBatchSize 64)
//   batch=1     — the runner with maxBatchSize 1 (one worker hop per request)
// and, for reference, the runner with inProcess: true (queue and batching, no worker).
// Model: test/fixtures/forest.onnx, a 100-tree random-forest-like TreeEnsembleClassifier on 10
// float features. Run after `pnpm build`: `pnpm --filter @mlserve/runner bench`.
// Each phase is bounded by PHASE_MS (default 3000) of measurement, split into 3 rounds that
// alternate between the modes, each after a short warm-up.
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { createRunner, kDefaultRunnerOptions } from '../dist/index.js';

const kModel = fileURLToPath(new URL('../test/fixtures/forest.onnx', import.meta.url));
const kFeatures = 10;
const kPhaseMs = Number(process.env.PHASE_MS ?? 3000);
const kRounds = 3;
const kWarmupMs = Math.min(200, kPhaseMs / 10);
const kConcurrency = (process.env.CONCURRENCY ?? '1,8,64').split(',').map(Number);
const kWorkers = Number(process.env.WORKERS ?? kDefaultRunnerOptions.workers);

// A fixed pool of random rows, cycled through by every caller.
const kRows = 4096;
const kData = new Float32Array(kRows * kFeatures);
let seed = 42;
for (let i = 0; i < kData.length; i++) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  kData[i] = (seed / 0x7fffffff) * 4 - 2;
}
const row = (i) => kData.subarray((i % kRows) * kFeatures, ((i % kRows) + 1) * kFeatures);

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(name, concurrency, tally) {
  const latencies = tally.latencies.sort((a, b) => a - b);
  const extra = tally.batchCount > 0 ? `mean batch ${(tally.batchSum / tally.batchCount).toFixed(1)}` : '';
  return {
    name,
    concurrency,
    rowsPerSec: (tally.rows / tally.elapsedMs) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    // Warm-ups are included in the CPU time but not in the rows: an upper bound.
    cpuUsPerRow: tally.cpuUs / tally.rows,
    extra,
  };
}

/** Accumulates one mode's measurements over its rounds. */
class Tally {
  rows = 0;
  elapsedMs = 0;
  latencies = [];
  batchSum = 0;
  batchCount = 0;
  cpuUs = 0;
}

/** Runs fn and adds the process's CPU time (all threads) to the tally. */
async function withCpu(tally, fn) {
  const before = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(before);
  tally.cpuUs += used.user + used.system;
}

/** The limit: c single rows merged into one session.run on this thread, no queue, no hop. */
async function benchInProcess(session, concurrency, ms, tally) {
  const input = new Float32Array(concurrency * kFeatures);
  let next = 0;
  const once = async () => {
    for (let r = 0; r < concurrency; r++) input.set(row(next++), r * kFeatures);
    await session.run({ input: new ort.Tensor('float32', input, [concurrency, kFeatures]) });
  };
  const warmEnd = performance.now() + kWarmupMs;
  while (performance.now() < warmEnd) await once();
  const start = performance.now();
  const end = start + ms;
  while (performance.now() < end) {
    const t0 = performance.now();
    await once();
    tally.latencies.push(performance.now() - t0);
    tally.rows += concurrency;
  }
  tally.elapsedMs += performance.now() - start;
}

/** c callers, each sending one row and awaiting it before sending the next. */
async function benchRunner(runner, concurrency, ms, tally) {
  let next = 0;
  let measuring = false;
  let stopAt = performance.now() + kWarmupMs;
  const caller = async () => {
    while (performance.now() < stopAt) {
      const t0 = performance.now();
      await runner.run({ input: { type: 'float32', data: row(next++), dims: [1, kFeatures] } });
      if (measuring) {
        tally.latencies.push(performance.now() - t0);
        tally.rows++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const before = runner.stats().batchSize;
  measuring = true;
  const start = performance.now();
  stopAt = start + ms;
  await Promise.all(Array.from({ length: concurrency }, caller));
  tally.elapsedMs += performance.now() - start;
  const after = runner.stats().batchSize;
  tally.batchSum += after.sum - before.sum;
  tally.batchCount += after.count - before.count;
}

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  console.log(`@mlserve/runner benchmark — forest.onnx (100 trees, ${kFeatures} features), single-row requests`);
  console.log(`node ${process.version}, onnxruntime-node ${ort.env.versions.node ?? ''}, ${availableParallelism()} cores, workers: ${kWorkers}, phase ${kPhaseMs} ms\n`);
  const session = await ort.InferenceSession.create(kModel, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const batching = createRunner({ modelPath: kModel }, { workers: kWorkers, maxBatchSize: 64 });
  const single = createRunner({ modelPath: kModel }, { workers: kWorkers, maxBatchSize: 1 });
  // Not one of the three compared modes: the runner's queue with the session on this thread.
  const inProcess = createRunner({ modelPath: kModel }, { inProcess: true, maxBatchSize: 64 });
  await Promise.all([batching.ready(), single.ready(), inProcess.ready()]);
  const results = [];
  for (const c of kConcurrency) {
    // The three modes alternate in rounds so that load from elsewhere on the machine hits each alike.
    const modes = [
      ['in-process session.run batched', (ms, t) => benchInProcess(session, c, ms, t)],
      ['runner, batching (maxBatchSize 64)', (ms, t) => benchRunner(batching, c, ms, t)],
      ['runner, maxBatchSize 1', (ms, t) => benchRunner(single, c, ms, t)],
      ['(for reference) runner, inProcess: true', (ms, t) => benchRunner(inProcess, c, ms, t)],
    ];
    const tallies = modes.map(() => new Tally());
    for (let round = 0; round < kRounds; round++) {
      for (let m = 0; m < modes.length; m++) await withCpu(tallies[m], () => modes[m][1](kPhaseMs / kRounds, tallies[m]));
    }
    modes.forEach(([name], m) => results.push(summarize(name, c, tallies[m])));
  }
  await Promise.all([batching.close(), single.close(), inProcess.close()]);
  await session.release();

  console.log('| mode | concurrency | rows/s | p50 ms | p99 ms | CPU µs/row | notes |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) {
    console.log(`| ${r.name} | ${r.concurrency} | ${fmt(r.rowsPerSec)} | ${fmt(r.p50, 3)} | ${fmt(r.p99, 3)} | ${fmt(r.cpuUsPerRow, 1)} | ${r.extra} |`);
  }
  console.log('\nRatios (rows/s):');
  let pass = true;
  for (const c of kConcurrency) {
    const get = (prefix) => results.find((r) => r.concurrency === c && r.name.startsWith(prefix)).rowsPerSec;
    const limit = get('in-process');
    const batched = get('runner, batching');
    const one = get('runner, maxBatchSize 1');
    const vsOne = batched / one;
    const vsLimit = batched / limit;
    let verdict = '';
    if (c === 64) {
      const ok = vsOne >= 5 && vsLimit >= 0.3;
      pass &&= ok;
      verdict = ok ? '  (targets: >= 5x and >= 30%: met)' : '  (targets: >= 5x and >= 30%: MISSED)';
    }
    console.log(`  concurrency ${c}: batching / maxBatchSize 1 = ${vsOne.toFixed(2)}x; batching / in-process = ${(vsLimit * 100).toFixed(1)}%${verdict}`);
  }
  process.exitCode = pass ? 0 : 1;
}

await main();
