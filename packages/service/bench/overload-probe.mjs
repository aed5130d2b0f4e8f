// Probes GET /livez every 20 ms on its own connection, in its own process, between 'start' and
// 'report' messages, then sends back the latencies (ms) of that window; 'stop' ends it.
// Usage: node bench/overload-probe.mjs <port>
import { Agent, get } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
let latencies = [];
let failures = 0;
let probing = false;
let stopped = false;
process.on('message', (message) => {
  if (message === 'start') probing = true;
  if (message === 'report') {
    probing = false;
    process.send({ latencies, failures });
    latencies = [];
    failures = 0;
  }
  if (message === 'stop') stopped = true;
});
while (!stopped) {
  if (!probing) {
    await new Promise((r) => setTimeout(r, 20));
    continue;
  }
  const start = performance.now();
  await new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port: Number(process.argv[2]), path: '/livez', agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) latencies.push(performance.now() - start);
        else failures++;
        resolve();
      });
    });
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', () => {
      failures++;
      resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 20));
}
agent.destroy();
process.disconnect();
