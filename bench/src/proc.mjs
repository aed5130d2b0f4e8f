// Starting, timing, measuring and stopping contender processes.

import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const kUrlPattern = /https?:\/\/(?:127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1?\]):(\d+)/;

/** GET `url`; resolves with the status code, or 0 when nothing answers. */
export function probe(url, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/**
 * Spawns a contender and waits until GET <base>/readyz answers 200. The port is read from the
 * first `http://127.0.0.1:<port>` the process prints (all contenders listen on port 0), unless
 * `port` is given. Resolves with `{ child, pid, baseUrl, coldStartMs, output() }`; rejects (after
 * killing the process) when it exits or is not ready within `timeoutMs`.
 */
export async function startProcess({ command, args, cwd, env, port, readyPath = '/readyz', timeoutMs = 60_000 }) {
  const t0 = performance.now();
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let exited = null;
  let seenPort = port ?? null;
  let keep = true;
  const onData = (chunk) => {
    // Once ready, output (an access log line per request, for mlserve) is drained unread so the
    // harness spends no CPU on it while the load runs.
    if (!keep) return;
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
    if (seenPort === null) {
      const m = kUrlPattern.exec(log);
      if (m) seenPort = Number(m[1]);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const handle = { child, pid: child.pid, baseUrl: null, coldStartMs: NaN, output: () => log };
  while (performance.now() - t0 < timeoutMs) {
    if (exited) break;
    if (seenPort !== null) {
      handle.baseUrl ??= `http://127.0.0.1:${seenPort}`;
      if ((await probe(handle.baseUrl + readyPath, 500)) === 200) {
        handle.coldStartMs = performance.now() - t0;
        keep = false;
        return handle;
      }
    }
    await sleep(5);
  }
  await stopProcess(handle);
  const why = exited ? `exited (${exited.signal ?? exited.code})` : `not ready after ${timeoutMs} ms`;
  throw new Error(`${command} ${args.join(' ')} ${why}. Its output:\n${log.slice(-4000)}`);
}

/** SIGTERM, then SIGKILL after `graceMs`; also kills any descendant left behind. */
export async function stopProcess(handle, graceMs = 5000) {
  const { child } = handle;
  const tree = processTree(child.pid);
  if (child.exitCode === null && child.signalCode === null) {
    const done = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const killed = await Promise.race([done.then(() => true), sleep(graceMs).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await done;
    }
  }
  for (const pid of tree) {
    if (pid === child.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Parent pid of every live process, from /proc/<pid>/stat. */
function parentsByPid() {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parens: fields restart after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // exited meanwhile
    }
  }
  return parents;
}

/** `rootPid` and all its descendants. */
export function processTree(rootPid) {
  const parents = parentsByPid();
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/** Resident memory of `rootPid` and each descendant: [{ pid, name, rssBytes }] (threads are inside). */
export function treeRss(rootPid) {
  const out = [];
  for (const pid of processTree(rootPid)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      const name = /Name:\s+(.*)/.exec(status)?.[1] ?? '?';
      if (rss) out.push({ pid, name, rssBytes: Number(rss[1]) * 1024 });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Resident memory, in bytes, of `rootPid` and its descendants. */
export function treeRssBytes(rootPid) {
  return treeRss(rootPid).reduce((sum, p) => sum + p.rssBytes, 0);
}

/**
 * Samples the tree's RSS every `everyMs` until stop() is called; stop() returns
 * { peakBytes, meanBytes, samples, peakProcesses, series } (the per-process split at the peak;
 * `series` holds `{ t, rssBytes }` per sample, t from Date.now()).
 */
export function sampleRss(rootPid, everyMs = 250) {
  const totals = [];
  const series = [];
  let peakProcesses = [];
  const take = () => {
    const procs = treeRss(rootPid);
    const total = procs.reduce((sum, p) => sum + p.rssBytes, 0);
    if (total === 0) return;
    if (totals.length === 0 || total > Math.max(...totals)) peakProcesses = procs;
    totals.push(total);
    series.push({ t: Date.now(), rssBytes: total });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const peak = Math.max(...totals);
      const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
      return { peakBytes: peak, meanBytes: mean, samples: totals.length, peakProcesses, series };
    },
  };
}
