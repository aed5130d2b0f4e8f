import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { kFixtures } from '../test/helpers';
import { type AccessLine, directAccessLog } from './access-log';

function memoryDestination() {
  const chunks: string[] = [];
  return {
    chunks,
    write(s: string) {
      chunks.push(s);
      return true;
    },
  };
}

const sameTime = (s: string) => s.replace(/"time":\d+/g, '"time":0');

const lines: AccessLine[] = [
  { reqId: '6f1c0c1e-8a1f-4a53-9d3e-5b2a1f0c9e77', method: 'POST', url: '/predict', api: 'predict', statusCode: 200, durationMs: 0.731 },
  { reqId: 'a"b\\c', method: 'GET', url: '/livez?api_key=[redacted]', api: '/livez', statusCode: 404, durationMs: 12 },
  { reqId: 'x', method: 'POST', url: '/p\u0001ath/ünïcode/€', api: 'unmatched', statusCode: 400, durationMs: 0.001, aborted: true },
  { reqId: 'long', method: 'DELETE', url: `/${'segment/'.repeat(30)}"quoted"`, api: 'unmatched', statusCode: 405, durationMs: 1234.5 },
];

describe("the access log of the service's own logger", () => {
  it.each(lines)('writes the bytes pino writes: %j', (line) => {
    const viaPino = memoryDestination();
    const direct = memoryDestination();
    pino({ name: 'titanic_service' }, viaPino).info(line, 'request completed');
    const log = directAccessLog('titanic_service', direct);
    log.write(line);
    log.close();
    expect(direct.chunks).toHaveLength(1);
    expect(sameTime(direct.chunks[0]!)).toBe(sameTime(viaPino.chunks.join('')));
  });

  it('hands the lines of many requests to the destination in one write, in their order', async () => {
    const direct = memoryDestination();
    const log = directAccessLog('svc', direct);
    const before = Date.now();
    for (let i = 0; i < 100; i++) log.write({ ...lines[0]!, reqId: `r${i}` });
    expect(direct.chunks).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(direct.chunks).toHaveLength(1);
    const written = direct.chunks[0]!.trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { reqId: string; time: number });
    expect(written.map((l) => l.reqId)).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`));
    expect(written[0]!.time).toBeGreaterThanOrEqual(before);
    log.close();
  });

  it('writes at once when 64 KiB are buffered, and what is left when closed', () => {
    const direct = memoryDestination();
    const log = directAccessLog('svc', direct);
    let n = 0;
    while (direct.chunks.length === 0 && n < 10_000) log.write({ ...lines[0]!, reqId: `r${n++}` });
    expect(direct.chunks).toHaveLength(1);
    expect(direct.chunks[0]!.length).toBeGreaterThanOrEqual(64 * 1024);
    log.write({ ...lines[0]!, reqId: 'last' });
    log.close();
    expect(direct.chunks).toHaveLength(2);
    expect(JSON.parse(direct.chunks[1]!)).toMatchObject({ reqId: 'last', msg: 'request completed' });
  });
});

describe('a service with its own logger', () => {
  it('writes the buffered access lines when the process exits without closing it', () => {
    // The built package, as a user's service module imports it.
    const child = spawnSync(process.execPath, [join(kFixtures, 'exit-after-request.mjs')], { encoding: 'utf8', timeout: 20_000 });
    expect(child.status).toBe(0);
    const access = child.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request completed');
    expect(access).toEqual([expect.objectContaining({ reqId: 'exit-1', name: 'exit_service', url: '/echo', statusCode: 200, pid: child.pid })]);
  });
});
