// Turning one run's measurements into the console table, the targets verdicts and BENCHMARKS.md.

const MB = 1024 * 1024;

/** Fixed-width text table; numbers right-aligned. */
export function formatTable(header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => (c === undefined || c === null ? '' : String(c))));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (/^[-+]?[\d.,]+(x| ms| MB| %)?$/.test(c) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Markdown table. */
export function markdownTable(header, rows) {
  const esc = (c) => String(c ?? '').replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${header.map((_, i) => (rows.length > 0 && rows.every((r) => /^([-+]?[\d.,]+(x| ms| MB| %)?|n\/a)?$/.test(String(r[i] ?? ''))) ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
export const fmtMs = (n) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) : 'n/a');
export const fmtMb = (bytes) => (Number.isFinite(bytes) ? (bytes / MB).toFixed(0) : 'n/a');
export const fmtRatio = (r) => (Number.isFinite(r) ? (r >= 100 ? `${r.toFixed(0)}x` : r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`) : 'n/a');

/** Throughput of a run in its own unit: rows/s when a request carries several rows. */
export const throughput = (run) => (run.rows > 1 ? run.rowsPerSec : run.rps);

export function findRun(result, workload, contender) {
  return result.runs.find((r) => r.workload === workload && r.contender === contender && !r.failed);
}

/** The issue's targets, judged on this run's figures. */
export function judgeTargets(result) {
  const run = (w, c) => findRun(result, w, c);
  const ml = run('single-c64', 'mlserve');
  const ex = run('single-c64', 'express');
  const fa = run('single-c64', 'fastapi');
  const ce = run('single-c64', 'ceiling');
  const inproc = result.inprocess?.results?.find((r) => r.batchSize === 1000);
  const mlc = result.contenders.mlserve;
  const exc = result.contenders.express;
  const bento = result.contenders['mlserve-bento'];
  const ratio = (a, b) => (a && b ? a / b : NaN);
  const rows = (w, c) => run(w, c)?.rowsPerSec;
  const targets = [
    // issue 18
    { name: 'mlserve 1000 rows/request c=8: rows/s >= 1.6x Express baseline', goal: 1.6, measured: ratio(rows('rows1000', 'mlserve'), rows('rows1000', 'express')), unit: 'x' },
    {
      name: 'mlserve 1000 rows/request c=8: rows/s >= 80% of one-thread in-process inference',
      goal: 0.8,
      measured: ratio(rows('rows1000', 'mlserve'), inproc?.inferenceRowsPerSec),
      unit: '%',
    },
    {
      name: 'mlserve --workers 2, 1000 rows/request c=8: rows/s >= 1.6x Express baseline',
      goal: 1.6,
      measured: ratio(rows('rows1000', 'mlserve-w2'), rows('rows1000', 'express')),
      unit: 'x',
    },
    { name: 'mlserve 100 rows/request c=8: rows/s >= 3x Express baseline', goal: 3, measured: ratio(rows('rows100', 'mlserve'), rows('rows100', 'express')), unit: 'x' },
    {
      name: 'mlserve --workers 2, 100 rows/request c=8: rows/s >= 3x Express baseline',
      goal: 3,
      measured: ratio(rows('rows100', 'mlserve-w2'), rows('rows100', 'express')),
      unit: 'x',
    },
    { name: 'mlserve single row c=1: req/s >= 1.5x Express baseline', goal: 1.5, measured: ratio(run('single-c1', 'mlserve')?.rps, run('single-c1', 'express')?.rps), unit: 'x' },
    {
      name: 'mlserve single row c=1: p99 <= Express baseline p99',
      goal: 1,
      measured: ratio(run('single-c1', 'mlserve')?.latencyMs.p99, run('single-c1', 'express')?.latencyMs.p99),
      unit: 'x',
      lowerIsBetter: true,
    },
    { name: 'mlserve single row c=64: req/s >= 70% of node:http ceiling (median of rounds)', goal: 0.7, measured: ratio(ml?.rps, ce?.rps), unit: '%' },
    { name: 'mlserve serve src/service.ts: cold start <= 1.5x Express baseline', goal: 1.5, measured: ratio(mlc?.coldStartMs, exc?.coldStartMs), unit: 'x', lowerIsBetter: true },
    { name: 'mlserve serve <bento>: cold start <= 1.5x Express baseline', goal: 1.5, measured: ratio(bento?.coldStartMs, exc?.coldStartMs), unit: 'x', lowerIsBetter: true },
    { name: 'mlserve resident memory under load (process tree) <= 250 MB', goal: 250 * MB, measured: mlc?.rssPeakBytes ?? NaN, unit: 'MB', lowerIsBetter: true },
    // earlier targets, kept so none regresses
    { name: 'mlserve req/s >= 3x Express baseline (single row, c=64)', goal: 3, measured: ratio(ml?.rps, ex?.rps), unit: 'x' },
    { name: 'mlserve p99 <= 1/2 of Express baseline p99 (c=64)', goal: 0.5, measured: ratio(ml?.latencyMs.p99, ex?.latencyMs.p99), unit: 'x', lowerIsBetter: true },
    { name: 'mlserve req/s >= 100x FastAPI + scikit-learn (c=64)', goal: 100, measured: ratio(ml?.rps, fa?.rps), unit: 'x' },
    { name: 'mlserve cold start (spawn -> /readyz 200) <= 1.5 s', goal: 1500, measured: mlc?.coldStartMs ?? NaN, unit: 'ms', lowerIsBetter: true },
  ];
  for (const t of targets) {
    t.met = Number.isFinite(t.measured) ? (t.lowerIsBetter ? t.measured <= t.goal : t.measured >= t.goal) : null;
  }
  return targets;
}

const fmtTarget = (v, unit) =>
  !Number.isFinite(v) ? 'n/a' : unit === '%' ? `${(v * 100).toFixed(0)} %` : unit === 'MB' ? `${fmtMb(v)} MB` : unit === 'ms' ? `${fmtMs(v)} ms` : fmtRatio(v);

const verdict = (met) => (met === null ? 'not measured' : met ? 'met' : 'MISSED');

/** Rows of the main table: one per (workload, contender). */
export function runRows(result) {
  return result.runs.map((r) => [
    r.workloadLabel,
    result.contenders[r.contender]?.label ?? r.contender,
    r.failed ? 'failed' : fmtInt(r.rps),
    r.failed ? '' : r.rows > 1 ? fmtInt(r.rowsPerSec) : '',
    r.failed ? '' : fmtMs(r.latencyMs.p50),
    r.failed ? '' : fmtMs(r.latencyMs.p99),
    r.failed ? r.error.split('\n')[0].slice(0, 60) : fmtInt(r.errors.total),
    r.failed ? '' : fmtMb(r.rssPeakBytes),
  ]);
}
export const kRunHeader = ['workload', 'contender', 'req/s', 'rows/s', 'p50 ms', 'p99 ms', 'errors', 'RSS MB'];

/**
 * Ratios within each workload: the subject's (mlserve's, or the first contender's) throughput
 * and p99 divided by each other contender's.
 */
export function ratioRows(result) {
  const rows = [];
  const workloads = [...new Set(result.runs.map((r) => r.workload))];
  for (const w of workloads) {
    const runs = result.runs.filter((r) => r.workload === w && !r.failed);
    const subject = runs.find((r) => r.contender.startsWith('mlserve')) ?? runs[0];
    if (!subject) continue;
    for (const other of runs) {
      if (other === subject) continue;
      rows.push([
        subject.workloadLabel,
        `${result.contenders[subject.contender].label} vs ${result.contenders[other.contender].label}`,
        fmtRatio(throughput(subject) / throughput(other)),
        fmtRatio(subject.latencyMs.p99 / other.latencyMs.p99),
      ]);
    }
  }
  return rows;
}
export const kRatioHeader = ['workload', 'comparison', 'throughput ratio', 'p99 ratio'];

/**
 * The Open Inference Protocol beside the own API (result.protocols, from src/protocols.mjs): one
 * process, one model, the same rows; ratios are each way's throughput and p99 over the own API's.
 */
export function protocolRows(result) {
  return (result.protocols ?? []).map((p) => [
    p.workloadLabel,
    p.protocolLabel,
    fmtInt(p.rps),
    p.rows > 1 ? fmtInt(p.rowsPerSec) : '',
    fmtMs(p.latencyMs.p50),
    fmtMs(p.latencyMs.p99),
    fmtInt(p.errors.total),
    fmtRatio(p.ratioToOwn),
    fmtRatio(p.p99RatioToOwn),
  ]);
}
export const kProtocolHeader = ['workload', 'protocol', 'req/s', 'rows/s', 'p50 ms', 'p99 ms', 'errors', 'throughput vs own', 'p99 vs own'];

/** The line under the protocol table: rounds, and what the gRPC load generator cost. */
export function protocolNote(result) {
  if (!result.protocols?.length) return result.protocolsFailed ? `not measured: ${result.protocolsFailed}` : null;
  const rounds = result.protocols.filter((p) => p.roundsRps.length > 1).map((p) => `${p.protocol} ${p.roundsRps.map(fmtInt).join(' / ')}`);
  const grpc = result.protocols.filter((p) => p.clientCpuUsPerRequest !== undefined).map((p) => `${p.workloadLabel} ${p.clientCpuUsPerRequest.toFixed(0)} µs`);
  return [
    rounds.length > 0 ? `single row, c=64, req/s of each interleaved round: ${rounds.join('; ')}.` : '',
    grpc.length > 0
      ? `gRPC load: a closed loop of @grpc/grpc-js calls in the harness (h2load, from nghttp2-client, is not installed), costing ${grpc.join(', ')} of harness CPU per call.`
      : '',
    result.protocols.some((p) => p.tool === 'h2load')
      ? 'gRPC load: h2load (nghttp2, C), one HTTP/2 connection with c concurrent streams, repeating one checked ModelInfer request.'
      : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function processRows(result) {
  return Object.entries(result.contenders)
    .filter(([, c]) => c.coldStartMs !== undefined || c.skipped)
    .map(([, c]) => [
      c.label,
      c.skipped ? `skipped: ${c.skipped}` : `${fmtMs(c.coldStartMs)} ms`,
      c.skipped ? '' : `${fmtMb(c.rssIdleBytes)} MB`,
      c.skipped
        ? ''
        : `${fmtMb(c.rssPeakBytes)} MB${(c.rssPeakProcesses?.length ?? 0) > 1 ? ` (${c.rssPeakProcesses.map((p) => `${p.name} ${fmtMb(p.rssBytes)}`).join(' + ')})` : ''}`,
      c.parity ?? '',
    ]);
}
export const kProcessHeader = ['contender', 'cold start (median)', 'RSS idle', 'RSS peak under load', 'answers check'];

export function inprocessRows(result) {
  return (result.inprocess?.results ?? []).map((r) => [`${r.batchSize}`, fmtInt(r.inferenceRowsPerSec), fmtInt(r.withPreprocessingRowsPerSec), fmtMs(r.inferenceMsPerBatch)]);
}
export const kInprocessHeader = ['batch rows', 'inference rows/s', 'preprocess + inference rows/s', 'ms per batch'];

export function targetRows(targets) {
  return targets.map((t) => [t.name, fmtTarget(t.measured, t.unit), fmtTarget(t.goal, t.unit), verdict(t.met)]);
}
export const kTargetHeader = ['target', 'measured', 'goal', 'verdict'];

/** "mlserve 9,100 / 9,800 / 8,800 req/s; ..." for the repeated workload. */
export function roundsLine(result) {
  return result.runs
    .filter((r) => r.roundsRps)
    .map((r) => `${result.contenders[r.contender]?.label ?? r.contender} ${r.roundsRps.map(fmtInt).join(' / ')}`)
    .join('; ');
}

/** The console report. */
export function renderText(result) {
  return [
    `mlserve benchmark — ${result.date} — ${result.machine.cpu} (${result.machine.cores} cores), Node ${result.machine.node}`,
    `load: ${result.tool}, ${result.seconds} s per run after a ${result.warmupSeconds} s warm-up per contender${result.quick ? ' (QUICK: figures are not meaningful)' : ''}`,
    '',
    formatTable(kRunHeader, runRows(result)),
    ...(roundsLine(result) ? ['', `single row, c=64, req/s of each round (medians shown): ${roundsLine(result)}`] : []),
    '',
    formatTable(kRatioHeader, ratioRows(result)),
    ...(result.protocols?.length || result.protocolsFailed
      ? [
          '',
          'Open Inference Protocol (V2) beside the own JSON API (one mlserve process, same model and rows):',
          formatTable(kProtocolHeader, protocolRows(result)),
          protocolNote(result),
        ]
      : []),
    '',
    formatTable(kProcessHeader, processRows(result)),
    '',
    'In-process onnxruntime-node, one thread, no HTTP (the compute limit):',
    formatTable(kInprocessHeader, inprocessRows(result)),
    '',
    formatTable(kTargetHeader, targetRows(result.targets)),
  ].join('\n');
}

/** BENCHMARKS.md, regenerated from one run plus the hand-written notes (profile findings). */
export function renderMarkdown(result, notes) {
  const m = result.machine;
  return `# Benchmarks

<!-- Generated by \`pnpm bench\` (bench/src/run.mjs) from bench/results/latest.json; edit bench/NOTES.md instead. -->

mlserve serving the Titanic model of \`apps/titanic-api\`, side by side with what you would use
instead, and with the limits of the machine — every figure from one run of \`pnpm bench\`.

- **Date:** ${result.date}
- **Machine:** ${m.cpu}, ${m.cores} cores, ${m.memGb} GB RAM, ${m.os}; Node ${m.node}, onnxruntime-node ${m.onnxruntime}${m.python ? `; ${m.python}` : ''}
- **Load:** ${result.tool === 'wrk' ? `wrk ${m.wrk ?? ''} (one thread)` : 'autocannon'} on 127.0.0.1, ${result.seconds} s per run after a ${result.warmupSeconds} s warm-up per contender.
  The benchmark starts every contender itself and keeps them all up (an idle server costs no CPU);
  one is loaded at a time, each workload and round starting one contender further on. Single row at c=64, the targets' workload, runs ${result.repeats ?? 1} interleaved rounds;
  the tables show the median req/s, p50 and p99 over the rounds (errors summed). Req/s of each round: ${roundsLine(result) || 'n/a'}.
- **Background load:** load average ${m.loadavgAtStart ?? 'n/a'} when the run started${m.loadavgAtEnd ? `, ${m.loadavgAtEnd} when it ended` : ''} (anything well above 0 means other work shared the CPU).
- **Caveat:** the machine has ${m.cores} cores, shared by the server under test and the load generator
  (and by onnxruntime's worker threads). Absolute figures are this machine's; the ratios are the point.

## Contenders

| contender | what it is |
| --- | --- |
| mlserve | \`apps/titanic-api\` as users run it: \`mlserve serve src/service.ts:svc\` with a fresh \`MLSERVE_HOME\` filled by the app's own \`src/save_model.ts\`; default options (one runner worker on 2 cores) |
| Express baseline | [\`bench/contenders/express-baseline.mjs\`](bench/contenders/express-baseline.mjs): Express 5 + \`express.json()\` + one onnxruntime-node session on the main thread (one intra-op thread) + the preprocessing written out by hand from \`pipeline.json\` |
| FastAPI + scikit-learn | [\`bench/contenders/fastapi_app.py\`](bench/contenders/fastapi_app.py): FastAPI + uvicorn (${m.fastapi ?? 'versions n/a'}), one process, the scikit-learn Pipeline trained at start with \`apps/titanic-api/train.py\`'s \`build_model()\` and split, an \`async def\` handler (faster than a plain \`def\` here: the thread pool fights over the GIL) calling \`predict_proba\` per request |
| node:http ceiling | [\`bench/contenders/node-http-ceiling.mjs\`](bench/contenders/node-http-ceiling.mjs): reads and \`JSON.parse\`s the same body, answers a constant — no Node server on one event loop does less |
| in-process | [\`bench/contenders/inprocess.mjs\`](bench/contenders/inprocess.mjs): one onnxruntime-node session (one thread) running pre-batched rows in a loop, no HTTP — the compute limit |

Single-row requests rotate over the passengers of \`titanic.csv\` (missing ages and ports
included); array workloads send 100 or 1000 of them per request${result.arrayConnections ? ` over ${result.arrayConnections} connections` : ''}. Before the load, the
harness checks that every contender answers the same probabilities (last column of the table below).

## Targets (single row at concurrency 64 unless said)

${markdownTable(kTargetHeader, targetRows(result.targets))}

## Throughput and latency

${markdownTable(kRunHeader, runRows(result))}

RSS MB: peak resident memory of the contender's whole process tree (main process, worker threads,
child processes) sampled from \`/proc\` during that run.

## Ratios

${markdownTable(kRatioHeader, ratioRows(result))}

## Open Inference Protocol (V2) beside the own API

One \`mlserve serve --grpc-port\` process (the \`mlserve-v2\` contender), the same model and the same
passengers three ways: its own \`POST /predict\` (raw records, preprocessed by the server), V2 REST
\`POST /v2/models/<model>/infer\` (the rows preprocessed by the client into FP32 tensors) and V2 gRPC
\`ModelInfer\` (the same tensors as \`fp32_contents\`), interleaved round by round.

${result.protocols?.length ? markdownTable(kProtocolHeader, protocolRows(result)) : `Not measured in this run${result.protocolsFailed ? ` (${result.protocolsFailed})` : ''}: a full \`pnpm bench\` (or \`--only mlserve-v2\`) measures it.`}
${protocolNote(result) && result.protocols?.length ? `\n${protocolNote(result)}\n` : ''}
## Cold start and memory

${markdownTable(kProcessHeader, processRows(result))}

Cold start: from spawning the process to the first \`GET /readyz\` answering 200, median of
${result.coldStartRuns} start${result.coldStartRuns === 1 ? '' : 's'} in interleaved rounds (every contender once a round, so a noisy stretch of the machine falls on each alike). FastAPI's includes training the model (that is how it gets one without a pickle).

## The compute limit: in-process inference

${markdownTable(kInprocessHeader, inprocessRows(result))}

${notes ? `${notes.trim()}\n\n` : ''}## Reproduce

\`\`\`sh
apt-get install -y wrk python3-fastapi python3-uvicorn python3-sklearn python3-pandas   # Debian
pnpm install && pnpm build
pnpm bench                  # full run, about ${Math.max(1, Math.round(result.totalSeconds / 60))} minutes; writes bench/results/latest.json and this file
pnpm bench --quick       # smoke run, about a minute; writes bench/results/quick.json only
\`\`\`

Options: \`--only mlserve,express\` (contenders), \`--seconds N\`, \`--tool autocannon\` (when wrk is
missing), \`--profile\` (runs mlserve with \`--cpu-prof\` and prints where its time goes). See
[bench/README.md](bench/README.md).
`;
}
