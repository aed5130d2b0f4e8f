// Timing helpers shared by the benchmarks of this folder.

/**
 * Runs `fn` (which handles `perCall` records) repeatedly for about `ms`; returns wall-clock and
 * CPU ns per record (CPU time is the steadier figure on a machine shared with other jobs).
 */
export function measure(fn, perCall, ms) {
  for (let i = 0; i < 200; i++) fn(i); // warm up the JIT
  let calls = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 50; i++) fn(calls++);
    now = process.hrtime.bigint();
  }
  const used = process.cpuUsage(cpu);
  return { wall: Number(now - start) / (calls * perCall), cpu: ((used.user + used.system) * 1000) / (calls * perCall) };
}

/** `ns` as `123 ns` or `1.23 µs`. */
export const formatNs = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
