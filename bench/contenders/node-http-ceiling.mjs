// Contender 4: the HTTP ceiling of one Node process. node:http reads and JSON.parses the same body
// every other contender gets, then answers a constant of the same shape (one object, or an array
// as long as the request's). No validation, no preprocessing, no model: nothing an ML server can
// skip, so no Node server answering on one event loop can beat it.
//
//   PORT=0 node bench/contenders/node-http-ceiling.mjs

import { createServer } from 'node:http';

const one = { survived: 1, probability: 0.5, message: '1 = 생존, 0 = 사망' };
const single = JSON.stringify(one);
const arrays = new Map();
const arrayOf = (n) => {
  let body = arrays.get(n);
  if (body === undefined) arrays.set(n, (body = JSON.stringify(Array.from({ length: n }, () => one))));
  return body;
};

const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/readyz') return send(res, 200, '{"status":"ready"}');
  if (req.method !== 'POST' || req.url !== '/predict') return send(res, 404, '{"error":"not found"}');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, '{"error":"invalid JSON"}');
    }
    send(res, 200, Array.isArray(body) ? arrayOf(body.length) : single);
  });
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
