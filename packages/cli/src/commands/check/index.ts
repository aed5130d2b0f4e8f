import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createClient } from '@mlserve/client';
import type { ReferenceSample } from '@mlserve/core';
import { ModelStore, type StoredModel } from '@mlserve/model-store';
import { getBentoInfo, readBentoManifest } from '../../bento-store';
import { createContext, println, type CommandOptions } from '../../context';
import { createCliError } from '../../errors';
import { boundaryCases } from './boundary-cases';
import { type CheckItem, formatChecklist } from './checklist';
import { runLoadTest } from './load-test';

/** Options of `mlserve check <tag|bento>`. */
export interface CheckOptions extends CommandOptions {
  /** A model tag, a bento tag or a bento directory (its first model is checked). */
  target: string;
  /** Where the checklist is written (default `deployment_checklist.md` in `cwd`). */
  out?: string;
  /** Most requests of the load test (default 2000). */
  loadRequests?: number;
  /** Longest the load test runs, in seconds (default 3). */
  loadSeconds?: number;
}

/** What `mlserve check` found. */
export interface CheckResult {
  tag: string;
  items: CheckItem[];
  passed: boolean;
  /** The checklist file written. */
  file: string;
}

const kBatchSizes = [1, 10, 50, 100];
const kRepeats = 20;

/** The store and tag a target names: a bento (directory or tag) checks its first model in the bento's own store. */
async function resolveModel(target: string, cwd: string, home: string): Promise<{ root: string; tag: string }> {
  const dir = path.resolve(cwd, target);
  const fromBento = async (bentoDir: string) => {
    const manifest = await readBentoManifest(bentoDir);
    const model = manifest.models[0];
    if (model === undefined) throw createCliError('MLS_ERR_CLI_BENTO_INVALID', `${bentoDir} holds no model to check`);
    return { root: bentoDir, tag: model.tag };
  };
  if (
    await readBentoManifest(dir).then(
      () => true,
      () => false,
    )
  )
    return fromBento(dir);
  const bento = await getBentoInfo(home, target).catch(() => undefined);
  if (bento !== undefined) return fromBento(bento.path);
  return { root: home, tag: target };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** True when a served prediction matches a reference answer (label equal, probabilities and values within 1e-5). */
function matches(sample: ReferenceSample, p: { label?: unknown; probabilities?: number[]; value?: number | number[] }): boolean {
  if (sample.label !== undefined && String(p.label) !== sample.label) return false;
  if (sample.probabilities !== undefined && !sample.probabilities.every((q, i) => Math.abs(q - (p.probabilities?.[i] ?? Number.NaN)) <= 1e-5)) return false;
  const value = Array.isArray(p.value) ? p.value[0] : p.value;
  return sample.value === undefined || Math.abs(sample.value - Number(value)) <= 1e-5 * Math.max(1, Math.abs(sample.value));
}

/**
 * The notebook's deployment checklist, automated: the model loads; sample rows predict; outputs
 * match the reference outputs stored at export; single and batched latency; peak memory; boundary
 * cases answer 4xx; a short load test; metadata present. The model is served by mlserve's generic
 * records API (with monitoring, input warnings in `reject` mode) on 127.0.0.1, port 0. Prints and
 * writes `deployment_checklist.md`; rejects with `MLS_ERR_CLI_CHECK_FAILED` when a required item fails.
 */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const ctx = createContext(options);
  const loadRequests = options.loadRequests ?? 2000;
  const loadSeconds = options.loadSeconds ?? 3;
  if (!Number.isInteger(loadRequests) || loadRequests < 1) throw createCliError('MLS_ERR_CLI_USAGE', '--load-requests must be a positive integer');
  if (!(loadSeconds > 0 && loadSeconds <= 60)) throw createCliError('MLS_ERR_CLI_USAGE', '--load-seconds must be a number in (0, 60]');
  const { root, tag } = await resolveModel(options.target, ctx.cwd, ctx.home);
  const file = path.resolve(ctx.cwd, options.out ?? 'deployment_checklist.md');
  const items: CheckItem[] = [];
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  sampler.unref();
  const { createRunner } = await import('@mlserve/runner');
  const { createService, json, records } = await import('@mlserve/service');
  let model: StoredModel | undefined;
  let close: (() => Promise<void>) | undefined;
  try {
    const t0 = performance.now();
    let runner: ReturnType<typeof createRunner> | undefined;
    try {
      model = await new ModelStore({ root }).get(tag);
      runner = createRunner(model, { workers: 1 });
      await runner.ready();
      items.push({
        title: 'Model loads',
        required: true,
        result: 'pass',
        details: [`${model.tag} loaded in ${fmt(performance.now() - t0, 1)} ms (sha256 verified, ONNX Runtime session ready)`],
      });
    } catch (err) {
      await runner?.close();
      items.push({ title: 'Model loads', required: true, result: 'fail', details: [(err as Error).message] });
      return await finish();
    }
    const loaded = runner;
    const stats = model.stats;
    const pipeline = model.pipeline ?? { inputSchema: () => loaded.inputSchema() };
    const svc = createService('mlserve_check', { runners: [loaded], logLevel: 'silent', processMetrics: false });
    const monitor = svc.monitor(loaded, { model, inputWarnings: stats === undefined ? 'warn' : 'reject' });
    const input = records(pipeline);
    svc.api('predict', { input, output: json() }, (rows, apiCtx) => monitor.predict(rows, apiCtx));
    const { url } = await svc.listen(0, '127.0.0.1');
    close = () => svc.close();
    // Every request goes through @mlserve/client, as a user's program would; `send` resolves refusals too.
    const client = createClient({ baseUrl: url, timeoutMs: 10_000 });
    const post = (body: unknown) => client.send('POST', '/predict', body, { headers: { 'content-type': 'application/json' } });
    const health = await client.health();
    items[0]!.details.push(
      `served at ${url}: /healthz ${health.ready ? 'ready' : 'NOT ready'} (${health.runners.map((r) => `${r.name} ${r.ready ? 'ready' : 'not ready'}`).join(', ')})`,
    );
    if (!health.ready) {
      items[0]!.result = 'fail';
      return await finish();
    }

    // Sample rows: the reference rows stored at export, else the example derived from the schema.
    const samples = stats?.samples ?? [];
    const rows = (samples.length > 0 ? samples.map((s) => s.input) : [input.example]) as Array<Record<string, unknown>>;
    const answer = await post(rows);
    const predictions = Array.isArray(answer.body) ? (answer.body as Array<Record<string, unknown>>) : [];
    const predicted = answer.status === 200 && predictions.length === rows.length;
    items.push({
      title: 'Sample rows predict',
      required: true,
      result: predicted ? 'pass' : 'fail',
      details: [
        `${rows.length} ${samples.length > 0 ? 'reference' : 'schema example'} row(s) -> HTTP ${answer.status}${predicted ? `: ${predictions.map((p) => String(p.label ?? p.value)).join(', ')}` : `: ${JSON.stringify(answer.body).slice(0, 300)}`}`,
      ],
    });
    const withOutputs = samples.filter((s) => s.label !== undefined || s.value !== undefined);
    if (withOutputs.length === 0)
      items.push({
        title: 'Outputs match the reference outputs stored at export',
        required: true,
        result: 'skip',
        details: ['no reference outputs are stored with the model (export it with --reference data.csv)'],
      });
    else {
      const agreeing = withOutputs.filter((s, i) => predictions[i] !== undefined && matches(s, predictions[i] as never)).length;
      items.push({
        title: 'Outputs match the reference outputs stored at export',
        required: true,
        result: predicted && agreeing === withOutputs.length ? 'pass' : 'fail',
        details: [`${agreeing} / ${withOutputs.length} rows agree (labels equal, probabilities and values within 1e-5)`],
      });
    }

    // Latency of the model itself (runner.predict, no HTTP), after one warm-up call per size.
    const latency: string[] = [];
    let single = Number.NaN;
    for (const size of kBatchSizes) {
      const batch = Array.from({ length: size }, (_, i) => rows[i % rows.length]!);
      await loaded.predict(batch);
      const times: number[] = [];
      for (let r = 0; r < kRepeats; r++) {
        const t = performance.now();
        await loaded.predict(batch);
        times.push(performance.now() - t);
      }
      const ms = median(times);
      if (size === 1) single = ms;
      latency.push(`${size} row(s): ${fmt(ms)} ms per call, ${fmt(ms / size, 4)} ms per sample (median of ${kRepeats})`);
    }
    items.push({
      title: 'Single and batched prediction latency',
      required: false,
      result: single < 100 ? 'pass' : 'fail',
      details: [...latency, 'recommended: a single prediction under 100 ms'],
    });

    // Boundary cases generated from the input schema must answer 4xx.
    const cases = boundaryCases(stripOneOf(input.schema()), rows[0]!);
    const answers = await Promise.all(cases.map(async (c) => ({ c, status: (await post(c.body)).status })));
    items.push({
      title: 'Boundary cases answer 4xx',
      required: true,
      result: answers.every((a) => a.status >= 400 && a.status < 500) ? 'pass' : 'fail',
      details: answers.map((a) => `${a.status >= 400 && a.status < 500 ? 'ok  ' : 'BAD '} ${a.c.name}: HTTP ${a.status}`),
    });

    const load = await runLoadTest(client, '/predict', JSON.stringify(rows[0]), { concurrency: 8, maxRequests: loadRequests, maxMs: loadSeconds * 1000 });
    items.push({
      title: 'Short load test (loopback, 8 concurrent clients)',
      required: true,
      result: load.errors === 0 && load.requests > 0 ? 'pass' : 'fail',
      details: [
        `${load.requests} requests in ${fmt(load.seconds, 2)} s: ${fmt(load.requestsPerSecond, 0)} req/s, p50 ${fmt(load.p50Ms, 2)} ms, p99 ${fmt(load.p99Ms, 2)} ms`,
        `statuses: ${JSON.stringify(load.statuses)}; errors: ${load.errors}`,
      ],
    });
    return await finish();
  } finally {
    clearInterval(sampler);
    await close?.();
  }

  async function finish(): Promise<CheckResult> {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    items.push({
      title: 'Peak memory',
      required: false,
      result: 'pass',
      details: [`peak RSS of the check process (server, runner worker and clients): ${fmt(peakRss / 1024 / 1024, 1)} MiB`],
    });
    if (model !== undefined) items.push(metadataItem(model));
    await close?.();
    close = undefined;
    const text = formatChecklist(model?.tag ?? tag, items);
    await writeFile(file, text);
    println(ctx.stdout, text.trimEnd());
    const passed = items.every((i) => !i.required || i.result !== 'fail');
    if (!passed) {
      const failed = items.filter((i) => i.required && i.result === 'fail').map((i) => i.title);
      throw createCliError('MLS_ERR_CLI_CHECK_FAILED', `${failed.length} required check(s) failed: ${failed.join('; ')} (see ${file})`, { details: { failed, file } });
    }
    return { tag: model?.tag ?? tag, items, passed, file };
  }
}

/** The record schema inside `records()`'s `oneOf: [record, array of records]`. */
function stripOneOf(schema: Record<string, unknown>): Record<string, never> {
  const first = (schema.oneOf as unknown[] | undefined)?.[0];
  return (first ?? schema) as Record<string, never>;
}

function metadataItem(model: StoredModel): CheckItem {
  const metadata = model.manifest.metadata;
  const framework = metadata.framework as { name?: string; version?: string } | undefined;
  const found: Array<[string, unknown]> = [
    ['version', metadata.version ?? model.version],
    ['scikit-learn version', metadata.sklearn_version ?? framework?.version],
    ['features', model.pipeline?.featureNamesIn.length ?? (metadata.featureNames as unknown[] | undefined)?.length],
    [
      'metrics',
      Object.keys(model.manifest.metrics).length > 0
        ? Object.entries(model.manifest.metrics)
            .map(([k, v]) => `${k} ${fmt(v, 4)}`)
            .join(', ')
        : undefined,
    ],
    ['reference statistics (stats.json)', model.stats === undefined ? undefined : `${model.stats.rows} rows`],
  ];
  const missing = found.filter(([, v]) => v === undefined).map(([k]) => k);
  return {
    title: 'Metadata present (version, scikit-learn version, features, metrics, reference statistics)',
    required: false,
    result: missing.length === 0 ? 'pass' : 'fail',
    details: found.map(([k, v]) => `${k}: ${v === undefined ? 'missing' : String(v)}`),
  };
}
