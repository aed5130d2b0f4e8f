// One HTTP server for bench/http.bench.mjs, in its own process so the load generator does not
// share its thread. Usage: node bench/server.mjs <service|service-express|service-logged|express|node> (service-express: one svc.use() middleware)
import { createServer } from 'node:http';
import express from 'express';
import { createService, json } from '../dist/index.js';

const mode = process.argv[2];
const schema = { type: 'object', required: ['x'], properties: { x: { type: 'number' } } };
let server;
if (mode.startsWith('service')) {
  const svc = createService('bench', {
    logLevel: mode === 'service-logged' ? 'info' : 'silent',
    processMetrics: false,
  });
  if (mode === 'service-express') svc.use((_req, _res, next) => next());
  svc.api('echo', { input: json({ schema }), output: json() }, (input) => input);
  ({ server } = await svc.listen(0, '127.0.0.1'));
} else if (mode === 'express') {
  const app = express();
  app.use(express.json());
  app.post('/echo', (req, res) => res.json(req.body));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
} else if (mode === 'node') {
  server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
} else {
  throw new Error(`unknown mode ${mode}`);
}
// The bench asks for CPU time before and after a run: CPU per request is robust to other load.
process.on('message', () => process.send({ cpu: process.cpuUsage() }));
process.send({ port: server.address().port });
