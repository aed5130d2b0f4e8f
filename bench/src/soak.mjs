#!/usr/bin/env node
// `pnpm --filter @mlserve/bench soak`: serves the Titanic app as users do, drives it with a steady
// mixed load (single rows and 50-row arrays, some invalid bodies) for a bounded time, samples the
// RSS of the whole process tree, and judges the trend: a leak shows as RSS still rising over the
// second half of the run, when every cache and pool is warm. See bench/README.md.

import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineContenders } from './contenders.mjs';
import { loadRecords, makeBodies } from './data.mjs';
import { hasWrk, runLoad } from './load.mjs';
import { sampleRss, stopProcess } from './proc.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    minutes: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    datasets: { type: 'string', default: join(repo, '..', 'shared', 'datasets') },
    'max-growth-mb': { type: 'string', default: '20' },
  },
});

const minutes = Number(opts.minutes);
if (!(minutes > 0 && minutes <= 120)) throw new RangeError('--minutes must be a number in (0, 120]');
const connections = Number(opts.connections);
const maxGrowthMb = Number(opts['max-growth-mb']);
const log = (msg) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** Least-squares slope of y over x. */
export function slope(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function main() {
  const paths = {
    repo,
    titanicApp: join(repo, 'apps', 'titanic-api'),
    breastApp: join(repo, 'apps', 'breast-cancer-api'),
    titanicArtifacts: join(repo, 'apps', 'titanic-api', 'artifacts'),
    breastArtifacts: join(repo, 'apps', 'breast-cancer-api', 'artifacts'),
    titanicCsv: join(opts.datasets, 'titanic.csv'),
    breastCsv: join(opts.datasets, 'breast_cancer.csv'),
  };
  const mlserve = defineContenders(paths).find((c) => c.id === 'mlserve');
  const why = mlserve.missing();
  if (why) throw new Error(why);
  const records = loadRecords(paths.titanicCsv, join(paths.titanicArtifacts, 'pipeline.json'));
  // Mixed traffic: mostly single rows, some arrays, and bodies the API must refuse with a 400.
  const bodies = [...makeBodies(records, 1, 400), ...makeBodies(records, 50, 40), ...Array.from({ length: 20 }, (_, i) => JSON.stringify({ Pclass: 'first', Sex: i, Age: -1 }))];
  mlserve.prepare();
  const server = await mlserve.start();
  const tool = hasWrk() ? 'wrk' : 'autocannon';
  log(`serving at ${server.baseUrl}; ${minutes} min of load at c=${connections} with ${tool}`);
  const sampler = sampleRss(server.pid, 1000);
  const start = Date.now();
  const end = start + minutes * 60_000;
  let requests = 0;
  let errors = 0;
  try {
    while (Date.now() < end) {
      const seconds = Math.max(1, Math.min(30, Math.round((end - Date.now()) / 1000)));
      const run = await runLoad({ tool, baseUrl: server.baseUrl, bodies, connections, seconds });
      requests += run.requests ?? 0;
      errors += run.errors.socket + run.errors.timeout;
      await sleep(10);
    }
  } finally {
    const { series } = sampler.stop();
    await stopProcess(server);
    mlserve.cleanup();
    const points = series.map((s) => ({ x: (s.t - start) / 60_000, y: s.rssBytes / 2 ** 20 }));
    const second = points.filter((p) => p.x >= minutes / 2);
    const growth = slope(second) * (minutes / 2);
    const peak = Math.max(...points.map((p) => p.y));
    const first = points[0]?.y ?? NaN;
    console.log(`requests ${requests}, socket errors ${errors}`);
    console.log(`RSS: first ${first.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, last ${points.at(-1)?.y.toFixed(0)} MB`);
    console.log(`trend over the second half: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (limit ${maxGrowthMb} MB)`);
    const ok = growth <= maxGrowthMb && errors === 0;
    console.log(ok ? 'verdict: no growth trend' : 'verdict: FAILED');
    process.exitCode = ok ? 0 : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
