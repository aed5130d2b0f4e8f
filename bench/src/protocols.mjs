// The Open Inference Protocol (V2) beside the service's own JSON API: one mlserve process (the
// `mlserve-v2` contender, `mlserve serve --grpc-port`), one model, the same passengers, three ways:
// its own `POST /predict` (raw records, preprocessed by the server), V2 REST `POST
// /v2/models/<m>/infer` (the rows preprocessed by the client into FP32 tensors) and V2 gRPC
// `ModelInfer` (the same tensors as `fp32_contents`). Used by `pnpm bench` and `bench:v2`.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runLoad } from './load.mjs';
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

/** A gRPC client of the service's `.proto`, from the service package's own dependencies: the bench adds none. */
export function grpcInferenceClient(repo, address) {
  const serviceRequire = createRequire(join(repo, 'packages', 'service', 'package.json'));
  const grpc = serviceRequire('@grpc/grpc-js');
  const protoLoader = serviceRequire('@grpc/proto-loader');
  const definition = protoLoader.loadSync(join(repo, 'packages', 'service', 'proto', 'open_inference_grpc.proto'), { keepCase: true, longs: Number, defaults: true });
  return new (grpc.loadPackageDefinition(definition).inference.GRPCInferenceService)(address, grpc.credentials.createInsecure());
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
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    requests: latencies.length,
    rps: latencies.length / elapsed,
    latencyMs: { p50: at(0.5), p99: at(0.99), mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length), max: latencies.at(-1) ?? NaN },
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
  const client = grpcInferenceClient(repo, `127.0.0.1:${handle.grpcPort}`);
  const entries = [];
  try {
    for (const w of workloads) {
      const bodies = await protocolBodies({ baseUrl: handle.baseUrl, records, pipelineJson, rows: w.rows });
      const runOf = {
        own: (s) => runLoad({ tool, baseUrl: handle.baseUrl, path: '/predict', bodies: bodies.own, connections: w.connections, seconds: s }),
        'v2-rest': (s) => runLoad({ tool, baseUrl: handle.baseUrl, path: `/v2/models/${bodies.model}/infer`, bodies: bodies.rest, connections: w.connections, seconds: s }),
        'v2-grpc': (s) => grpcLoad(client, bodies.grpc, w.connections, s),
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
          ...(p.id === 'v2-grpc' ? { clientCpuUsPerRequest: median(rs.map((r) => r.clientCpuUsPerRequest)) } : {}),
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
