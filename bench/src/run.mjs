#!/usr/bin/env node
// `pnpm bench`: starts every contender on 127.0.0.1, checks they answer the same probabilities,
// warms each up, drives each with the same load for the same time, stops it, then prints one
// table and writes bench/results/latest.json and BENCHMARKS.md. See bench/README.md.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defineContenders, describeMachine } from './contenders.mjs';
import { loadRecords, makeBodies } from './data.mjs';
import { hasWrk, runLoad } from './load.mjs';
import { runProfile } from './profile.mjs';
import { setTimeout as sleep } from 'node:timers/promises';
import { probe, sampleRss, stopProcess, treeRssBytes } from './proc.mjs';
import { judgeTargets, renderMarkdown, renderText } from './report.mjs';
import { askProbabilities, checkAnswers, parityRecords } from './answers.mjs';
import { measureProtocols, protocolBodies, grpcLoad, grpcInferenceClient, kProtocols } from './protocols.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// `pnpm bench --quick` hands the script a literal `--`; `pnpm bench --quick` does not.
const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    repeats: { type: 'string' },
    'cold-starts': { type: 'string' },
    only: { type: 'string' },
    workloads: { type: 'string' },
    tool: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'profile-workload': { type: 'string', default: 'single-c64' },
    'profile-contender': { type: 'string', default: 'mlserve' },
    'profile-protocol': { type: 'string', default: 'own' },
    'no-write': { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
    results: { type: 'string' },
    datasets: { type: 'string', default: join(repo, '..', 'shared', 'datasets') },
    python: { type: 'string', default: '/usr/bin/python3' },
    baseline: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (opts.help) {
  console.log(`usage: pnpm bench [-- options]
  --quick            short smoke run (2 s per load, 1 cold start); writes bench/results/quick.json only
  --seconds N        seconds of load per run (default 10)
  --warmup N         seconds of warm-up load per contender (default 3)
  --repeats N        interleaved rounds of the single-row c=64 load, median kept (default 5)
  --cold-starts N    cold starts per contender, in interleaved rounds, median kept (default 11)
  --only a,b         contenders: ceiling,express,fastapi,mlserve,mlserve-v2,mlserve-bento,mlserve-w2,express-bc,mlserve-bc,inprocess
                     (mlserve-w2, --workers 2, runs the rows workloads unless chosen here);
                     opt-in: mlserve-api2 (--api-workers 2), mlserve-base (with --baseline)
  --workloads a,b    workloads by id: single-c1,single-c16,single-c64,single-c256,rows100,rows1000,bc-single-c64 (default all)
  --tool wrk|autocannon   load generator (default: wrk when installed)
  --profile          run mlserve under --cpu-prof and summarize the profile
  --profile-workload W   the load to profile under (default single-c64; also single-c1, rows1000, ...)
  --profile-contender C  what to profile (default mlserve; also express, ceiling, mlserve-v2, to compare)
  --profile-protocol P   with mlserve-v2: own, v2-rest or v2-grpc (default own); workloads single-c64, rows100
  --no-write         print only; write no results
  --render           only rewrite BENCHMARKS.md from bench/results/latest.json and bench/NOTES.md
  --results FILE     with --render: the results file to render instead of latest.json
  --datasets DIR     where titanic.csv and breast_cancer.csv are (default ../shared/datasets)
  --python PATH      interpreter with fastapi, uvicorn, scikit-learn (default /usr/bin/python3)
  --baseline DIR     also run mlserve-base: the Titanic app served by another built checkout (an earlier commit)`);
  process.exit(0);
}

const quick = opts.quick;
const seconds = Number(opts.seconds ?? (quick ? 2 : 10));
const warmupSeconds = Number(opts.warmup ?? (quick ? 1 : 3));
// 11: five starts' median moved by 50 ms from one run to the next (2026-12-04: 266-431 ms for mlserve).
const coldStartRuns = quick ? 1 : Number(opts['cold-starts'] ?? 11);
const repeats = Number(opts.repeats ?? (quick ? 1 : 5));
const arrayConnections = 8;

const paths = {
  repo,
  python: opts.python,
  baseline: opts.baseline ? resolve(opts.baseline) : null,
  titanicCsv: join(opts.datasets, 'titanic.csv'),
  breastCsv: join(opts.datasets, 'breast_cancer.csv'),
  titanicApp: join(repo, 'apps', 'titanic-api'),
  breastApp: join(repo, 'apps', 'breast-cancer-api'),
  // Overridable so the harness can be exercised before the apps exist.
  titanicArtifacts: resolve(process.env.BENCH_TITANIC_ARTIFACTS ?? join(repo, 'apps', 'titanic-api', 'artifacts')),
  breastArtifacts: resolve(process.env.BENCH_BREAST_ARTIFACTS ?? join(repo, 'apps', 'breast-cancer-api', 'artifacts')),
};

let tool = opts.tool ?? (hasWrk() ? 'wrk' : 'autocannon');
if (tool === 'wrk' && !hasWrk()) {
  console.error('wrk is not installed: apt-get install -y wrk (Debian), or pass --tool autocannon');
  process.exit(1);
}
if (!opts.tool && tool === 'autocannon') {
  console.warn('note: wrk is not installed (apt-get install -y wrk); using autocannon, which competes harder for the CPU');
}

const log = (msg) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ---------------------------------------------------------------------------------------------
// Workloads: single-row /predict at four concurrencies, arrays, breast cancer single-row.

const datasets = {};
function dataset(app) {
  if (datasets[app]) return datasets[app];
  const artifacts = app === 'titanic' ? paths.titanicArtifacts : paths.breastArtifacts;
  const csv = app === 'titanic' ? paths.titanicCsv : paths.breastCsv;
  if (!existsSync(join(artifacts, 'pipeline.json')) || !existsSync(csv)) return null;
  return (datasets[app] = loadRecords(csv, join(artifacts, 'pipeline.json')));
}

const allWorkloads = [
  { id: 'single-c1', label: 'single row, c=1', app: 'titanic', rows: 1, connections: 1 },
  { id: 'single-c16', label: 'single row, c=16', app: 'titanic', rows: 1, connections: 16 },
  { id: 'single-c64', label: 'single row, c=64', app: 'titanic', rows: 1, connections: 64 },
  { id: 'single-c256', label: 'single row, c=256', app: 'titanic', rows: 1, connections: 256 },
  { id: 'rows100', label: `100 rows/request, c=${arrayConnections}`, app: 'titanic', rows: 100, connections: arrayConnections },
  { id: 'rows1000', label: `1000 rows/request, c=${arrayConnections}`, app: 'titanic', rows: 1000, connections: arrayConnections },
  { id: 'bc-single-c64', label: 'breast cancer single row, c=64', app: 'breast', rows: 1, connections: 64 },
];
const selected = opts.only ? new Set(opts.only.split(',').map((s) => s.trim())) : null;
const pickedWorkloads = opts.workloads ? new Set(opts.workloads.split(',').map((s) => s.trim())) : null;
const workloads = pickedWorkloads ? allWorkloads.filter((w) => pickedWorkloads.has(w.id)) : allWorkloads;
// The V2 comparison's workloads (src/protocols.mjs), narrowed by --workloads like the others.
const protocolWorkloads = allWorkloads.filter((w) => ['single-c64', 'rows100'].includes(w.id) && (!pickedWorkloads || pickedWorkloads.has(w.id)));

function bodiesFor(workload) {
  const records = dataset(workload.app);
  return makeBodies(records, workload.rows, workload.rows === 1 ? 256 : Math.max(2, Math.ceil(records.length / workload.rows)));
}

// ---------------------------------------------------------------------------------------------

/**
 * Starts a contender to its first `/readyz` 200 (its first cold start) and checks its answers.
 * Resolves with the running handle.
 */
async function bringUp(contender, result) {
  const entry = result.contenders[contender.id];
  contender.prepare?.();
  const handle = await contender.start();
  entry.coldStartsMs = [handle.coldStartMs];
  log(`${contender.label}: ready at ${handle.baseUrl} (cold start ${handle.coldStartMs.toFixed(0)} ms)`);
  try {
    if (contender.app !== 'any') entry.answers = await askProbabilities(handle.baseUrl, parityRecords(dataset(contender.app)));
    entry.rssIdleBytes = treeRssBytes(handle.pid);
  } catch (err) {
    await stopProcess(handle);
    throw err;
  }
  return handle;
}

/**
 * The rest of the `coldStartRuns` cold starts, in interleaved rounds (each round starts and stops
 * every contender once, the breast-cancer ones aside), so a noisy stretch of the machine falls on
 * every contender alike; each keeps the median of its starts.
 */
async function measureColdStarts(contenders, result) {
  const timed = contenders.filter((c) => c.app !== 'breast' && result.contenders[c.id].coldStartsMs);
  for (let round = 1; round < coldStartRuns; round++) {
    for (const c of timed) {
      const handle = await c.start();
      result.contenders[c.id].coldStartsMs.push(handle.coldStartMs);
      await stopProcess(handle);
    }
  }
  for (const c of contenders) {
    const entry = result.contenders[c.id];
    if (!entry.coldStartsMs) continue;
    entry.coldStartsMs.sort((a, b) => a - b);
    entry.coldStartMs = entry.coldStartsMs[Math.floor(entry.coldStartsMs.length / 2)];
  }
  log(`cold starts (${coldStartRuns} interleaved rounds): ${timed.map((c) => `${c.id} ${result.contenders[c.id].coldStartMs.toFixed(0)} ms`).join(', ')}`);
}

// mlserve-v2 runs the protocol comparison instead (measureProtocols): its /predict would repeat mlserve's.
// A contender with `workloads` runs only those, unless chosen with --only.
const runsWorkload = (contender, w) =>
  !contender.v2 &&
  (!contender.workloads || selected?.has(contender.id) || contender.workloads.includes(w.id)) &&
  (contender.app === 'any' ? dataset(w.app) !== null : w.app === contender.app);

/** One timed run of workload `w` against a running contender, with its memory sampled. */
async function measureRun(contender, handle, w, entry) {
  const rss = sampleRss(handle.pid);
  const run = { workload: w.id, workloadLabel: w.label, contender: contender.id, rows: w.rows, connections: w.connections };
  try {
    Object.assign(run, await runLoad({ tool, baseUrl: handle.baseUrl, bodies: bodiesFor(w), connections: w.connections, seconds }));
    run.rowsPerSec = run.rps * w.rows;
  } catch (err) {
    run.failed = true;
    run.error = err.message;
  }
  const mem = rss.stop();
  await settle(handle.baseUrl);
  run.rssPeakBytes = mem.peakBytes;
  if (mem.peakBytes > (entry.rssPeakBytes ?? 0)) {
    entry.rssPeakBytes = mem.peakBytes;
    entry.rssPeakProcesses = mem.peakProcesses.map(({ name, rssBytes }) => ({ name, rssBytes }));
  }
  log(
    run.failed
      ? `${contender.label} / ${w.label}: FAILED ${run.error.split('\n')[0]}`
      : `${contender.label} / ${w.label}: ${run.rps.toFixed(0)} req/s, p99 ${run.latencyMs.p99.toFixed(2)} ms, ${run.errors.total} errors, ${(mem.peakBytes / 2 ** 20).toFixed(0)} MB`,
  );
  return run;
}

/**
 * Every workload, contender after contender, all of them up at once (an idle server costs no
 * CPU). The target workload runs `repeats` rounds, interleaved, and the median of each figure
 * over a contender's rounds is kept (errors are summed): on a shared 2-core VM back-to-back runs of the same server vary by 20-40 %, and
 * interleaving spreads any drift over all contenders alike. Each workload and round starts one
 * contender further on, so none always runs right after the same one (mlserve after FastAPI,
 * read 0.70-0.75x its baseline at c=16 in two full runs, 1.16x rotated).
 */
async function measureAll(up, result) {
  for (const { contender, handle } of up) {
    const warm = workloads.find((w) => w.rows === 1 && runsWorkload(contender, w));
    if (warm && warmupSeconds > 0) {
      await runLoad({ tool, baseUrl: handle.baseUrl, bodies: bodiesFor(warm), connections: 64, seconds: warmupSeconds });
      await settle(handle.baseUrl);
    }
  }
  for (const [index, w] of workloads.entries()) {
    const those = up.filter(({ contender }) => runsWorkload(contender, w));
    const rounds = w.id === 'single-c64' ? repeats : 1;
    const byContender = new Map(those.map(({ contender }) => [contender.id, []]));
    for (let round = 0; round < rounds; round++) {
      const first = (index + round) % those.length;
      for (const { contender, handle } of [...those.slice(first), ...those.slice(0, first)]) {
        byContender.get(contender.id).push(await measureRun(contender, handle, w, result.contenders[contender.id]));
      }
    }
    for (const runs of byContender.values()) {
      const ok = runs.filter((r) => !r.failed);
      if (runs.length === 1 || ok.length === 0) {
        result.runs.push(runs[0]);
        continue;
      }
      // The median of each figure over the rounds: one noisy round moves none of them.
      const median = (f) => ok.map(f).sort((a, b) => a - b)[Math.floor((ok.length - 1) / 2)];
      const chosen = { ...ok.find((r) => r.rps === median((r) => r.rps)) };
      chosen.latencyMs = { ...chosen.latencyMs, p50: median((r) => r.latencyMs.p50), p99: median((r) => r.latencyMs.p99) };
      chosen.errors = { ...chosen.errors, total: ok.reduce((n, r) => n + r.errors.total, 0) };
      chosen.rssPeakBytes = Math.max(...ok.map((r) => r.rssPeakBytes));
      chosen.roundsRps = runs.map((r) => (r.failed ? null : Math.round(r.rps)));
      chosen.roundsP99Ms = runs.map((r) => (r.failed ? null : Number(r.latencyMs.p99.toFixed(2))));
      result.runs.push(chosen);
    }
  }
  for (const { contender, handle } of up.filter((u) => u.contender.v2)) {
    const rss = sampleRss(handle.pid);
    try {
      result.protocols = await measureProtocols({
        handle,
        repo,
        records: dataset('titanic'),
        pipelineJson: join(paths.titanicArtifacts, 'pipeline.json'),
        tool,
        seconds,
        warmupSeconds,
        rounds: (w) => (w.id === 'single-c64' ? Math.min(repeats, 3) : 1),
        workloads: protocolWorkloads,
        settle: () => settle(handle.baseUrl),
        log: (line) => log(`${contender.label} / ${line}`),
      });
    } catch (err) {
      result.protocolsFailed = err.message.split('\n')[0];
      log(`${contender.label}: protocol comparison FAILED ${err.message}`);
    } finally {
      result.contenders[contender.id].rssPeakBytes = rss.stop().peakBytes;
    }
  }
}

/**
 * Waits until the contender has worked through what the last run left queued (a slow server still
 * holds requests of connections the load generator closed), so it does not eat into the next run.
 */
async function settle(baseUrl, timeoutMs = 60_000) {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const s0 = performance.now();
    if ((await probe(`${baseUrl}/readyz`, 5000)) === 200 && performance.now() - s0 < 50) break;
    await sleep(100);
  }
  await sleep(200);
}

async function measureInprocess(result) {
  const records = dataset('titanic');
  const dir = mkdtempSync(join(os.tmpdir(), 'mlserve-bench-'));
  try {
    const file = join(dir, 'records.json');
    writeFileSync(file, JSON.stringify(records));
    const out = await new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [join(repo, 'bench', 'contenders', 'inprocess.mjs')], {
        cwd: repo,
        env: { ...process.env, ARTIFACTS: paths.titanicArtifacts, RECORDS: file, SECONDS: String(quick ? 3 : 15), BATCH_SIZES: '1,100,1000' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`inprocess.mjs exited ${code}`))));
    });
    result.inprocess = JSON.parse(out);
    for (const r of result.inprocess.results) {
      log(`in-process batch ${r.batchSize}: ${r.inferenceRowsPerSec.toFixed(0)} rows/s inference, ${r.withPreprocessingRowsPerSec.toFixed(0)} with preprocessing`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (opts.render) {
    const result = JSON.parse(readFileSync(opts.results ? resolve(opts.results) : join(repo, 'bench', 'results', 'latest.json'), 'utf8'));
    writeMarkdown(result);
    return;
  }
  const all = defineContenders(paths);
  if (opts.profile) {
    const target = all.find((c) => c.id === opts['profile-contender'] && ['mlserve', 'express', 'ceiling', 'mlserve-v2'].includes(c.id));
    if (!target) throw new Error('--profile-contender must be mlserve, express, ceiling or mlserve-v2');
    const why = target.missing();
    if (why) throw new Error(`cannot profile ${target.id}: ${why}`);
    const w = allWorkloads.find((x) => x.id === opts['profile-workload']);
    if (!w || w.app !== 'titanic')
      throw new Error(
        `--profile-workload must be one of ${allWorkloads
          .filter((x) => x.app === 'titanic')
          .map((x) => x.id)
          .join(', ')}`,
      );
    const protocol = opts['profile-protocol'];
    if (!kProtocols.some((p) => p.id === protocol)) throw new Error(`--profile-protocol must be one of ${kProtocols.map((p) => p.id).join(', ')}`);
    if (protocol !== 'own' && !target.v2) throw new Error('--profile-protocol v2-rest or v2-grpc needs --profile-contender mlserve-v2');
    // V2 drives the same rows as tensors; own drives /predict with the workload's records.
    const drive =
      protocol === 'own'
        ? undefined
        : async (handle, s) => {
            const bodies = await protocolBodies({
              baseUrl: handle.baseUrl,
              records: dataset('titanic'),
              pipelineJson: join(paths.titanicArtifacts, 'pipeline.json'),
              rows: w.rows,
            });
            if (protocol === 'v2-rest')
              return runLoad({ tool, baseUrl: handle.baseUrl, path: `/v2/models/${bodies.model}/infer`, bodies: bodies.rest, connections: w.connections, seconds: s });
            const client = grpcInferenceClient(repo, `127.0.0.1:${handle.grpcPort}`);
            try {
              const r = await grpcLoad(client, bodies.grpc, w.connections, s);
              log(`harness (grpc-js client) CPU: ${r.clientCpuUsPerRequest.toFixed(1)} µs per call`);
              return r;
            } finally {
              client.close();
            }
          };
    await runProfile({ contender: target, tool, workload: w, bodies: bodiesFor(w), seconds: Math.max(seconds, 5), repo, log, drive });
    return;
  }
  if (!dataset('titanic')) {
    throw new Error(`need ${paths.titanicArtifacts}/pipeline.json and ${paths.titanicCsv} (run apps/titanic-api/train.py)`);
  }
  const started = Date.now();
  const result = {
    date: new Date().toISOString(),
    quick,
    tool,
    seconds,
    warmupSeconds,
    coldStartRuns,
    repeats,
    arrayConnections,
    machine: describeMachine(paths, os),
    contenders: {},
    runs: [],
  };
  const order = ['ceiling', 'express', 'fastapi', 'mlserve', 'mlserve-v2', 'mlserve-base', 'mlserve-bento', 'mlserve-w2', 'mlserve-api2', 'express-bc', 'mlserve-bc'];
  const contenders = order.map((id) => all.find((c) => c.id === id)).filter((c) => c && (selected ? selected.has(c.id) : !c.optIn));
  log(`load: ${tool}, ${seconds} s per run; contenders: ${contenders.map((c) => c.id).join(', ')}${!selected || selected.has('inprocess') ? ', inprocess' : ''}`);

  if (!selected || selected.has('inprocess')) await measureInprocess(result);
  const up = [];
  const brought = [];
  try {
    for (const c of contenders) {
      result.contenders[c.id] = { label: c.label };
      const why = c.missing() ?? (c.app === 'breast' && !dataset('breast') ? 'breast-cancer artifacts or dataset missing' : null);
      if (why) {
        result.contenders[c.id].skipped = why;
        log(`${c.label}: skipped (${why})`);
        continue;
      }
      try {
        const handle = await bringUp(c, result);
        brought.push(c);
        // Measured for its cold start (and answers) only: it does not hold memory through the runs.
        if (c.coldStartOnly) await stopProcess(handle);
        else up.push({ contender: c, handle });
      } catch (err) {
        c.cleanup?.();
        result.contenders[c.id].skipped = `failed: ${err.message.split('\n')[0]}`;
        log(`${c.label}: FAILED\n${err.message}`);
      }
    }
    await measureColdStarts(brought, result);
    for (const c of brought) if (c.coldStartOnly) c.cleanup?.();
    await measureAll(up, result);
  } finally {
    for (const { contender, handle } of up) {
      await stopProcess(handle);
      contender.cleanup?.();
    }
  }
  const mismatches = checkAnswers(result);
  result.targets = judgeTargets(result);
  result.totalSeconds = (Date.now() - started) / 1000;
  result.machine.loadavgAtEnd = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

  console.log(`\n${renderText(result)}\n`);
  if (!opts['no-write']) writeResults(result);
  log(`done in ${result.totalSeconds.toFixed(0)} s`);
  // Missed targets are findings, not failures; a contender that did not run or answered wrong is.
  const broken = [
    ...mismatches,
    ...Object.values(result.contenders)
      .filter((c) => c.skipped?.startsWith('failed'))
      .map((c) => `${c.label} ${c.skipped}`),
    ...result.runs.filter((r) => r.failed).map((r) => `${r.contender} / ${r.workload} failed`),
  ];
  if (broken.length > 0) {
    log(`problems:\n  ${broken.join('\n  ')}`);
    process.exitCode = 1;
  }
}

function writeMarkdown(result) {
  const notesFile = join(repo, 'bench', 'NOTES.md');
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : '';
  writeFileSync(join(repo, 'BENCHMARKS.md'), renderMarkdown(result, notes));
  log('wrote BENCHMARKS.md');
}

function writeResults(result) {
  const resultsDir = join(repo, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, result.quick ? 'quick.json' : opts.only ? 'partial.json' : 'latest.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${file}`);
  if (!result.quick && !opts.only) {
    writeMarkdown(result);
  } else {
    log('BENCHMARKS.md left as it was (only a full run of every contender rewrites it)');
  }
}

main().catch((err) => {
  console.error(err.stack ?? err);
  process.exitCode = 1;
});
