#!/usr/bin/env node
// `pnpm --filter @mlserve/bench bench:v2`: only the protocol comparison of `pnpm bench` (see
// src/protocols.mjs): the Titanic model served once (`mlserve serve --grpc-port`), driven three
// ways for the same rows — its own JSON API, V2 REST, V2 gRPC — with each way's ratio to the own
// API. Prints the table; writes nothing unless --out FILE. Loopback only, bounded in time.

import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defineContenders } from './contenders.mjs';
import { loadRecords } from './data.mjs';
import { hasWrk } from './load.mjs';
import { stopProcess } from './proc.mjs';
import { measureProtocols } from './protocols.mjs';
import { formatTable, kProtocolHeader, protocolNote, protocolRows } from './report.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '1' },
    out: { type: 'string' },
    datasets: { type: 'string', default: join(repo, '..', 'shared', 'datasets') },
  },
});
const seconds = Number(opts.seconds);
const rounds = Number(opts.rounds);
const tool = hasWrk() ? 'wrk' : 'autocannon';
const artifacts = join(repo, 'apps', 'titanic-api', 'artifacts');
const log = (line) => process.stderr.write(`[bench:v2] ${line}\n`);

const contender = defineContenders({
  repo,
  titanicApp: join(repo, 'apps', 'titanic-api'),
  titanicArtifacts: artifacts,
  breastApp: '',
  breastArtifacts: '',
  python: '/usr/bin/python3',
}).find((c) => c.id === 'mlserve-v2');
const missing = contender.missing();
if (missing) {
  log(`cannot run: ${missing}`);
  process.exit(1);
}
contender.prepare();
const handle = await contender.start();
let protocols;
try {
  protocols = await measureProtocols({
    handle,
    repo,
    records: loadRecords(join(opts.datasets, 'titanic.csv'), join(artifacts, 'pipeline.json')),
    pipelineJson: join(artifacts, 'pipeline.json'),
    tool,
    seconds,
    warmupSeconds: Math.min(2, seconds),
    rounds: (w) => (w.id === 'single-c64' ? rounds : 1),
    log,
  });
} finally {
  await stopProcess(handle);
  contender.cleanup();
}
const result = { date: new Date().toISOString(), tool, seconds, protocols };
console.log(`\n${formatTable(kProtocolHeader, protocolRows(result))}\n${protocolNote(result)}\nload: ${tool} (HTTP); ${seconds} s per run`);
if (opts.out) writeFileSync(resolve(opts.out), `${JSON.stringify(result, null, 2)}\n`);
