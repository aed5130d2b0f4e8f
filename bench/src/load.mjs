// Load generators. wrk (C, one thread) is preferred: on a 2-core machine the load generator shares
// the CPU with the server, and wrk needs far less of it per request than a Node-based generator.
// autocannon (an npm dependency) is the fallback when wrk is not installed.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const kWrkScript = `
local bodies = {}
local n, i = 0, 0
local path = os.getenv("BENCH_PATH") or "/predict"
function init(args)
  for line in io.lines(args[1]) do
    n = n + 1
    bodies[n] = wrk.format("POST", path, { ["Content-Type"] = "application/json", ["Host"] = wrk.host }, line)
  end
  i = math.random(n) - 1
end
function request()
  i = i % n + 1
  return bodies[i]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"durationUs":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d}}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
`;

/** True when the `wrk` binary is on PATH. */
export function hasWrk() {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/**
 * Drives `baseUrl + path` with POSTs of `bodies` (cycled) from `connections` connections for
 * `seconds`. Resolves with a normalized result: { requests, rps, latencyMs: { p50, p99, mean, max },
 * errors: { total, status, socket, timeout } }.
 */
export async function runLoad({ tool, baseUrl, path = '/predict', bodies, connections, seconds, timeoutSec = 10 }) {
  if (tool === 'wrk') return runWrk({ baseUrl, path, bodies, connections, seconds, timeoutSec });
  return runAutocannon({ baseUrl, path, bodies, connections, seconds, timeoutSec });
}

async function runWrk({ baseUrl, path, bodies, connections, seconds, timeoutSec }) {
  const dir = mkdtempSync(join(tmpdir(), 'mlserve-bench-'));
  try {
    const script = join(dir, 'post.lua');
    const bodyFile = join(dir, 'bodies.txt');
    writeFileSync(script, kWrkScript);
    writeFileSync(bodyFile, `${bodies.join('\n')}\n`);
    const args = ['-t1', `-c${connections}`, `-d${seconds}s`, `--timeout`, `${timeoutSec}s`, '-s', script, baseUrl, '--', bodyFile];
    const { stdout, stderr, code } = await run('wrk', args, { ...process.env, BENCH_PATH: path });
    const line = stdout.split('\n').find((l) => l.startsWith('WRKJSON '));
    if (!line) throw new Error(`wrk failed (exit ${code}): ${stderr || stdout}`);
    const r = JSON.parse(line.slice('WRKJSON '.length));
    const socket = r.errors.connect + r.errors.read + r.errors.write;
    const durationSec = r.durationUs / 1e6;
    return {
      tool: 'wrk',
      connections,
      durationSec,
      requests: r.requests,
      rps: r.requests / durationSec,
      latencyMs: {
        p50: r.latencyUs.p50 / 1000,
        p99: r.latencyUs.p99 / 1000,
        mean: r.latencyUs.mean / 1000,
        max: r.latencyUs.max / 1000,
      },
      errors: { total: socket + r.errors.status + r.errors.timeout, status: r.errors.status, socket, timeout: r.errors.timeout },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runAutocannon({ baseUrl, path, bodies, connections, seconds, timeoutSec }) {
  const { default: autocannon } = await import('autocannon');
  const headers = { 'content-type': 'application/json' };
  const r = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    timeout: timeoutSec,
    requests: bodies.map((body) => ({ method: 'POST', path, headers, body })),
  });
  const socket = r.errors - r.timeouts;
  return {
    tool: 'autocannon',
    connections,
    durationSec: r.duration,
    requests: r.requests.total,
    rps: r.requests.total / r.duration,
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.average, max: r.latency.max },
    errors: { total: r.errors + r.non2xx, status: r.non2xx, socket, timeout: r.timeouts },
  };
}

/** Runs `command` to its end; resolves with its stdout, stderr and exit code. */
export function run(command, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}
