import { spawnProcess, stopProcess } from './process';
import { waitForServing } from './serve';

// A stand-in for `mlserve serve`: not ready for its first 300 ms, banner on stderr, graceful on SIGTERM.
const kServer = `
const http = require('node:http');
let ready = false;
setTimeout(() => (ready = true), 300);
const server = http.createServer((req, res) => { res.statusCode = req.url === '/readyz' && ready ? 200 : 503; res.end(); });
server.listen(0, '127.0.0.1', () => process.stderr.write('Serving fake_service at http://127.0.0.1:' + server.address().port + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

describe('waiting for a served service', () => {
  it('resolves the URL once the banner is printed and /readyz answers 200, and stops it gracefully', async () => {
    const proc = spawnProcess(process.execPath, ['-e', kServer]);
    try {
      const url = await waitForServing(proc, { name: 'fake_service', timeoutMs: 10_000 });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      expect(await stopProcess(proc)).toEqual({ code: 0, signal: null });
    }
  });

  it('rejects with the output when the server exits before it is ready', async () => {
    const proc = spawnProcess(process.execPath, ['-e', 'process.stderr.write("mlserve: error: boom\\n"); process.exit(1)']);
    await expect(waitForServing(proc, { timeoutMs: 10_000 })).rejects.toThrow(/exited early \(1\)[\s\S]*mlserve: error: boom/);
  });
});
