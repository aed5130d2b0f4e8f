import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kPackageDir, kServiceDir, kTinyModelDir, makeTempDir, postJson, runBin, spawnCli, stopCli, waitFor, waitForUrl } from './helpers';

describe('serve --reload', () => {
  it('restarts the service when a source file under its directory changes', async () => {
    const tmp = makeTempDir();
    const env = { MLSERVE_HOME: path.join(tmp.dir, 'home') };
    const project = path.join(tmp.dir, 'project');
    cpSync(kServiceDir, project, { recursive: true });
    // The copied service resolves @mlserve/* through the CLI package's dependencies.
    symlinkSync(path.join(kPackageDir, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    expect((await runBin(['models', 'import', kTinyModelDir], { env })).code).toBe(0);
    const proc = spawnCli(['serve', 'service.ts', '--port', '0', '--reload'], { env, cwd: project });
    try {
      const url = await waitForUrl(proc);
      expect(proc.stdout()).toContain(`Watching ${project} for changes`);
      const row = { length: 5, width: 3, color: 'blue' };
      expect((await postJson(`${url}/predict`, row)).body).toMatchObject({ marker: 'v1' });
      const file = path.join(project, 'describe.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace("'v1'", "'v2'"));
      // The new child binds the same port; poll until it answers with the edited code.
      await waitFor(
        async () => {
          const res = await postJson(`${url}/predict`, row).catch(() => undefined);
          return (res?.body as { marker?: string } | undefined)?.marker === 'v2' ? true : undefined;
        },
        30_000,
        'the reloaded service',
      );
      expect(proc.stdout()).toContain('Change in describe.ts; restarting');
    } finally {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
      tmp.cleanup();
    }
  }, 60_000);
});
