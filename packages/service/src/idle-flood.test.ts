import { connect, type Socket } from 'node:net';
import { start } from '../test/helpers';
import { createService, json, type Service } from './index';

/** Opens `count` sockets that send nothing; resolves once all are connected or refused. */
async function openIdleSockets(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => resolve());
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
          sockets.push(socket);
        }),
    ),
  );
  return sockets;
}

const closedCount = (sockets: Socket[]) => sockets.filter((s) => s.destroyed || s.readyState === 'closed').length;

describe('an idle-socket flood', () => {
  let svc: Service;
  let port: number;
  let url: string;

  beforeAll(async () => {
    svc = createService('flood_service', { logLevel: 'silent', processMetrics: false, maxConnections: 200, headersTimeoutMs: 1000 });
    svc.api('echo', { input: json(), output: json() }, (x) => x);
    ({ port, url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('still serves new requests while more idle sockets than maxConnections are held open', async () => {
    const flood = await openIdleSockets(port, 1000);
    try {
      const started = Date.now();
      const statuses = await Promise.all(
        Array.from({ length: 20 }, async () => {
          for (let attempt = 0; ; attempt++) {
            try {
              const res = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: '{"a":1}' });
              return res.status;
            } catch (err) {
              // A connection dropped at the limit: a new one finds a slot freed by eviction.
              if (attempt === 20) throw err;
              await new Promise((r) => setTimeout(r, 50));
            }
          }
        }),
      );
      expect(statuses).toEqual(Array(20).fill(200));
      console.log(`idle flood: 1000 idle sockets, 20 requests served in ${Date.now() - started} ms, ${closedCount(flood)} idle sockets closed by the server`);
    } finally {
      for (const s of flood) s.destroy();
    }
  }, 30_000);

  it('closes sockets that send nothing once headersTimeoutMs has passed', async () => {
    const idle = await openIdleSockets(port, 50);
    try {
      const started = Date.now();
      while (closedCount(idle) < 50 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 100));
      expect(closedCount(idle)).toBe(50);
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      for (const s of idle) s.destroy();
    }
  }, 10_000);

  it('closes an idle keep-alive connection after keepAliveTimeoutMs', async () => {
    const quick = createService('keep_alive_service', { logLevel: 'silent', processMetrics: false, keepAliveTimeoutMs: 300 });
    const { port: quickPort } = await start(quick);
    try {
      const started = Date.now();
      const closed = await new Promise<number>((resolve) => {
        const socket = connect(quickPort, '127.0.0.1', () => socket.write('GET /livez HTTP/1.1\r\nHost: x\r\n\r\n'));
        socket.on('data', () => {});
        socket.on('close', () => resolve(Date.now() - started));
        setTimeout(() => socket.destroy(), 5000);
      });
      // Node keeps a connection up to a second past the timeout it announces.
      expect(closed).toBeLessThan(3000);
    } finally {
      await quick.close();
    }
  }, 10_000);
});
