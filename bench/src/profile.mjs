// `pnpm bench --profile`: runs mlserve under `--cpu-prof` (main thread and every worker thread
// write a .cpuprofile on exit), drives it with single-row c=64 load, stops it gracefully, then says
// where the CPU time went: by package and by function, per thread.

import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad } from './load.mjs';
import { stopProcess } from './proc.mjs';
import { formatTable } from './report.mjs';

/** The package a profiled frame belongs to, from its script URL. */
export function packageOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  let m = /\/packages\/([^/]+)\//.exec(url);
  if (m && !url.includes('node_modules')) return `@mlserve/${m[1]}`;
  m = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url) ?? /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] === 'internal' ? url.slice(5).split('/')[1] : url.slice(5)}`;
  m = /\/apps\/([^/]+)\//.exec(url);
  if (m) return `apps/${m[1]}`;
  return url.split('/').slice(-2).join('/');
}

/**
 * Self time by package and by function of one .cpuprofile (V8's JSON format). With `window`
 * ({ fromUs, toUs } on the monotonic clock V8 stamps samples with, `process.hrtime` in µs), only
 * the samples inside it count: the load, without the process's start-up and shutdown.
 */
export function summarizeProfile(profile, window = null) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const { samples, timeDeltas } = profile;
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += timeDeltas[i] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  }
  const packages = new Map();
  const functions = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    // A piscina worker blocked in Atomics.wait for its next task is idle, though V8 samples it as JS.
    if (callFrame.functionName === '(idle)' || (callFrame.functionName === 'atomicsWaitLoop' && callFrame.url.includes('piscina'))) {
      idle += us;
      continue;
    }
    total += us;
    const pkg = packageOf(callFrame.url, callFrame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const file = callFrame.url ? callFrame.url.split('/').slice(-1)[0] : '';
    const key = `${callFrame.functionName || '(anonymous)'} ${file}${file ? `:${callFrame.lineNumber + 1}` : ''} [${pkg}]`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalUs: total, idleUs: idle, packages: sorted(packages), functions: sorted(functions) };
}

/** Node names profiles CPU.<date>.<time>.<pid>.<threadId>.<seq>.cpuprofile; thread 0 is the main thread. */
export function threadOf(file) {
  const id = Number(file.split('.')[4]);
  return id === 0 ? 'main thread' : `thread ${id} (a worker, or the module loader's hooks thread)`;
}

export function renderSummary(name, s, top = 20, requests = 0) {
  const pct = (us) => `${((100 * us) / s.totalUs).toFixed(1)} %`;
  // Self time per request served: comparable across contenders run under the same load.
  const per = (us) => (requests > 0 ? `${(us / requests).toFixed(1)} µs` : '');
  const header = (what) => [what, 'self time', 'share', ...(requests > 0 ? ['per request'] : [])];
  const row = ([k, us]) => [k, `${(us / 1000).toFixed(0)} ms`, pct(us), ...(requests > 0 ? [per(us)] : [])];
  return [
    `${name}: ${(s.totalUs / 1e6).toFixed(2)} s busy (${per(s.totalUs) || 'n/a'} per request), ${(s.idleUs / 1e6).toFixed(2)} s idle`,
    formatTable(header('package'), s.packages.slice(0, 14).map(row)),
    '',
    formatTable(header('function'), s.functions.slice(0, top).map(row)),
  ].join('\n');
}

/** `drive(handle, seconds)`, when given, makes the load instead of wrk on `/predict` (the V2 protocols). */
export async function runProfile({ contender, tool, workload, bodies, seconds, repo, log, drive }) {
  const dir = join(repo, 'bench', 'results', `profile-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  contender.prepare?.();
  const handle = await contender.start({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  log(`profiling ${contender.label} at ${handle.baseUrl} for ${seconds} s of ${workload.label} load`);
  let run;
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  const window = { fromUs: nowUs(), toUs: Infinity };
  try {
    run = drive ? await drive(handle, seconds) : await runLoad({ tool, baseUrl: handle.baseUrl, bodies, connections: workload.connections, seconds });
    window.toUs = nowUs();
  } finally {
    await stopProcess(handle, 15_000);
    contender.cleanup?.();
  }
  log(
    `${run.rps.toFixed(0)} req/s (${(run.rps * workload.rows).toFixed(0)} rows/s), p50 ${run.latencyMs.p50.toFixed(2)} ms, p99 ${run.latencyMs.p99.toFixed(2)} ms, ${run.errors.total} errors under the profiler`,
  );
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) {
    log(`no .cpuprofile written in ${dir}: the process did not exit normally on SIGTERM (--cpu-prof writes on exit)`);
    return;
  }
  log('self time below: the samples taken while the load ran (start-up and shutdown left out)');
  const summaries = files.map((f) => ({ f, s: summarizeProfile(JSON.parse(readFileSync(join(dir, f), 'utf8')), window) })).sort((a, b) => b.s.totalUs - a.s.totalUs);
  for (const { f, s } of summaries) console.log(`\n${renderSummary(`${threadOf(f)} (${f})`, s, 25, run.requests)}`);
  log(`profiles in ${dir} (open them in Chrome DevTools > Performance)`);
}
