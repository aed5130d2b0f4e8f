// The Open Inference Protocol (V2) beside the service's own JSON API: one mlserve process (the
// `mlserve-v2` contender, `mlserve serve --grpc-port`), one model, the same passengers, three ways:
// its own `POST /predict` (raw records, preprocessed by the server), V2 REST `POST
// /v2/models/<m>/infer` (the rows preprocessed by the client into FP32 tensors) and V2 gRPC
// `ModelInfer` (the same tensors as `fp32_contents`). Used by `pnpm bench` and `bench:v2`.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runLoad } from './load.mjs';
import { loadPreprocessing, toMatrix } from '../contenders/preprocess.mjs';

/** The workloads the protocols are compared on (ids of run.mjs's workloads). */
export const kProtocolWorkloads = [
  { id: 'single-c64', label: 'single row, c=64', rows: 1, connections: 64 },
  { id: 'rows100', label: '100 rows/request, c=8', rows: 100, connections: 8 },
];

/** The three ways in, in the order each round runs them; `own` is what the ratios divide by. */
export const kProtocols = [
  { id: 'own', label: 'own JSON API (POST /predict, records)' },
  { id: 'v2-rest', label: 'V2 REST (POST /v2/models/…/infer, FP32)' },
  { id: 'v2-grpc', label: 'V2 gRPC (ModelInfer, fp32_contents)' },
];

function loadInferenceProto(repo) {
  const serviceRequire = createRequire(join(repo, 'packages', 'service', 'package.json'));
  const grpc = serviceRequire('@grpc/grpc-js');
  const protoLoader = serviceRequire('@grpc/proto-loader');
  const definition = protoLoader.loadSync(join(repo, 'packages', 'service', 'proto', 'open_inference_grpc.proto'), { keepCase: true, longs: Number, defaults: true });
  return { grpc, definition };
}

/** A gRPC client of the service's `.proto`, from the service package's own dependencies: the bench adds none. */
export function grpcInferenceClient(repo, address) {
  const { grpc, definition } = loadInferenceProto(repo);
  return new (grpc.loadPackageDefinition(definition).inference.GRPCInferenceService)(address, grpc.credentials.createInsecure());
}

/** True when nghttp2's `h2load` is on PATH (Debian: nghttp2-client). */
export function hasH2load() {
  return spawnSync('h2load', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** `request` as the body of a unary gRPC call: the 5-byte message prefix (not compressed, length) and the protobuf bytes. */
export function grpcFrame(repo, request) {
  const message = loadInferenceProto(repo).definition['inference.GRPCInferenceService'].ModelInfer.requestSerialize(request);
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
}

/**
 * gRPC load from h2load (C, like wrk): `connections` concurrent streams on one HTTP/2 connection
 * (as a grpc-js channel multiplexes its calls), each posting the same framed ModelInfer request,
 * for `seconds`. h2load sees HTTP statuses, not gRPC trailers, so the caller checks the request
 * once with a real gRPC client first. Latencies come from h2load's per-request log.
 */
export async function h2loadGrpcLoad({ address, frame, connections, seconds }) {
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-bench-h2-'));
  try {
    const body = join(dir, 'body.bin');
    const logFile = join(dir, 'requests.tsv');
    writeFileSync(body, frame);
    const args = ['-D', String(seconds), '-c', '1', '-m', String(connections), '-d', body, '--log-file', logFile];
    args.push('-H', 'content-type: application/grpc', '-H', 'te: trailers', `http://${address}/inference.GRPCInferenceService/ModelInfer`);
    const { stdout, code } = await run('h2load', args);
    const finished = /finished in ([\d.]+)s/.exec(stdout);
    const counts = /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(stdout);
    if (code !== 0 || !finished || !counts) throw new Error(`h2load failed (exit ${code}): ${stdout}`);
    const rows = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
    const latencies = rows.filter((r) => r[1] === '200').map((r) => Number(r[2]) / 1000);
    const durationSec = Number(finished[1]);
    const succeeded = Number(counts[3]);
    return {
      tool: 'h2load',
      requests: succeeded,
      rps: succeeded / durationSec,
      latencyMs: latencySummary(latencies),
      errors: { total: Number(counts[4]) + Number(counts[5]) + Number(counts[6]) + (rows.length - latencies.length) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** p50, p99, mean and max of latencies in ms (sorts them in place). */
function latencySummary(latencies) {
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length), max: latencies.at(-1) ?? NaN };
}

/**
 * Closed-loop gRPC load: `connections` callers on one channel, each sending its next call when the
 * last answered, for `seconds`. wrk cannot speak gRPC, so this runs in the harness process; its
 * own CPU time per call is reported (`clientCpuUsPerRequest`), since it shares the 2 cores.
 */
export async function grpcLoad(client, requests, connections, seconds) {
  const latencies = [];
  let errors = 0;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const call = (request) => new Promise((res) => client.ModelInfer(request, (err) => res(err)));
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const start = performance.now();
        const err = await call(requests[next++ % requests.length]);
        if (err) errors++;
        else latencies.push(performance.now() - start);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    requests: latencies.length,
    rps: latencies.length / elapsed,
    latencyMs: latencySummary(latencies),
    errors: { total: errors },
    clientCpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, latencies.length + errors),
  };
}

/** The request bodies of one workload, for each protocol: the same passengers in the same order. */
export async function protocolBodies({ baseUrl, records, pipelineJson, rows }) {
  const { transform } = loadPreprocessing(pipelineJson);
  const health = await (await fetch(`${baseUrl}/healthz`)).json();
  const model = health.runners[0].name;
  const inputName = (await (await fetch(`${baseUrl}/v2/models/${model}`)).json()).inputs[0].name;
  const batches = [];
  for (let i = 0; i + rows <= records.length && batches.length < 256; i += rows) batches.push(records.slice(i, i + rows));
  const matrices = batches.map((b) => toMatrix(transform, b));
  return {
    model,
    own: batches.map((b) => JSON.stringify(rows === 1 ? b[0] : b)),
    rest: matrices.map((m) => JSON.stringify({ inputs: [{ name: inputName, shape: m.dims, datatype: 'FP32', data: Array.from(m.data) }] })),
    grpc: matrices.map((m) => ({ model_name: model, inputs: [{ name: inputName, datatype: 'FP32', shape: m.dims, contents: { fp32_contents: Array.from(m.data) } }] })),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/**
 * Runs every protocol on every workload against one `mlserve-v2` process: `rounds(workload)`
 * interleaved rounds (own, REST, gRPC, own, REST, gRPC, …), each run preceded by `settle()`.
 * Resolves with one entry per (workload, protocol): median req/s, p50 and p99 over the rounds,
 * errors summed, and the throughput and p99 ratios to the own API of the same workload.
 */
export async function measureProtocols({
  handle,
  repo,
  records,
  pipelineJson,
  tool,
  seconds,
  warmupSeconds = 1,
  rounds = () => 1,
  workloads = kProtocolWorkloads,
  settle = async () => {},
  log = () => {},
}) {
  const address = `127.0.0.1:${handle.grpcPort}`;
  const client = grpcInferenceClient(repo, address);
  const h2load = hasH2load();
  const entries = [];
  try {
    for (const w of workloads) {
      const bodies = await protocolBodies({ baseUrl: handle.baseUrl, records, pipelineJson, rows: w.rows });
      // h2load repeats one request; a real gRPC call checks first that it is answered, not refused in a trailer.
      const frame = h2load ? grpcFrame(repo, bodies.grpc[0]) : undefined;
      if (h2load) {
        const err = await new Promise((res) => client.ModelInfer(bodies.grpc[0], (e) => res(e)));
        if (err) throw new Error(`the gRPC request h2load would repeat failed: ${err.message}`);
      }
      const runOf = {
        own: (s) => runLoad({ tool, baseUrl: handle.baseUrl, path: '/predict', bodies: bodies.own, connections: w.connections, seconds: s }),
        'v2-rest': (s) => runLoad({ tool, baseUrl: handle.baseUrl, path: `/v2/models/${bodies.model}/infer`, bodies: bodies.rest, connections: w.connections, seconds: s }),
        'v2-grpc': h2load ? (s) => h2loadGrpcLoad({ address, frame, connections: w.connections, seconds: s }) : (s) => grpcLoad(client, bodies.grpc, w.connections, s),
      };
      // A short warm-up of each way in (JIT, gRPC channel, connection pools) before the first round.
      for (const p of kProtocols) if (warmupSeconds > 0) await runOf[p.id](warmupSeconds);
      await settle();
      const runs = new Map(kProtocols.map((p) => [p.id, []]));
      for (let round = 0; round < rounds(w); round++) {
        for (const p of kProtocols) {
          const r = await runOf[p.id](seconds);
          runs.get(p.id).push(r);
          log(`${w.label} / ${p.label}: ${r.rps.toFixed(0)} req/s, p99 ${r.latencyMs.p99.toFixed(2)} ms, ${r.errors.total} errors`);
          await settle();
        }
      }
      const summary = (p) => {
        const rs = runs.get(p.id);
        const rps = median(rs.map((r) => r.rps));
        return {
          workload: w.id,
          workloadLabel: w.label,
          rows: w.rows,
          connections: w.connections,
          protocol: p.id,
          protocolLabel: p.label,
          rps,
          rowsPerSec: rps * w.rows,
          latencyMs: { p50: median(rs.map((r) => r.latencyMs.p50)), p99: median(rs.map((r) => r.latencyMs.p99)) },
          errors: { total: rs.reduce((n, r) => n + r.errors.total, 0) },
          roundsRps: rs.map((r) => Math.round(r.rps)),
          ...(p.id === 'v2-grpc' ? { tool: rs[0].tool ?? 'grpc-js', ...(h2load ? {} : { clientCpuUsPerRequest: median(rs.map((r) => r.clientCpuUsPerRequest)) }) } : {}),
        };
      };
      const own = summary(kProtocols[0]);
      for (const p of kProtocols) {
        const e = p === kProtocols[0] ? own : summary(p);
        entries.push({ ...e, ratioToOwn: e.rps / own.rps, p99RatioToOwn: e.latencyMs.p99 / own.latencyMs.p99 });
      }
    }
  } finally {
    client.close();
  }
  return entries;
}
