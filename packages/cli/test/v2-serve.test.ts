import path from 'node:path';
import { kServiceDir, kTinyModelDir, makeTempDir, runBin, spawnCli, stopCli, waitForUrl } from './helpers';

describe('mlserve serve and the Open Inference Protocol (V2)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    tmp = makeTempDir();
    env = { MLSERVE_HOME: tmp.dir };
    expect(await runBin(['models', 'import', kTinyModelDir], { env })).toMatchObject({ code: 0, stderr: '' });
  });
  afterAll(() => tmp.cleanup());

  it('serves V2 REST for the service runners, and V2 gRPC on --grpc-port', async () => {
    const proc = spawnCli(['serve', path.join(kServiceDir, 'service.ts'), '--port', '0', '--grpc-port', '0'], { env });
    try {
      const url = await waitForUrl(proc);
      const start = Date.now();
      while (!/V2 gRPC on 127\.0\.0\.1:\d+/.test(proc.stderr()) && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
      expect(proc.stderr()).toMatch(/V2 gRPC on 127\.0\.0\.1:[1-9]\d*/);
      const ready = await fetch(`${url}/v2/health/ready`);
      expect(ready.status).toBe(200);
      const server = (await (await fetch(`${url}/v2`)).json()) as { name: string };
      expect(server.name).toBe('tiny_service');
    } finally {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
    }
  });

  it('refuses a --grpc-port that is not a port', async () => {
    const result = await runBin(['serve', path.join(kServiceDir, 'service.ts'), '--port', '0', '--grpc-port', '70000'], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--grpc-port must be an integer between 0 and 65535');
  });
});
