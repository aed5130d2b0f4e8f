import { cpSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kPackageDir, kServiceDir, kTinyModelDir, makeTempDir, postJson, runBin, spawnCli, stopCli, waitFor, waitForUrl } from './helpers';

describe('serve --reload', () => {
  it('serves every later edit: in place, replaced by a rename (twice), deleted and re-created', async () => {
    const tmp = makeTempDir();
    const env = { MLSERVE_HOME: path.join(tmp.dir, 'home') };
    const project = path.join(tmp.dir, 'project');
    // Without the fixture's node_modules (where serve caches the compiled service).
    cpSync(kServiceDir, project, { recursive: true, filter: (src) => !src.split(path.sep).includes('node_modules') });
    // The copied service resolves @mlserve/* through the CLI package's dependencies.
    symlinkSync(path.join(kPackageDir, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    expect((await runBin(['models', 'import', kTinyModelDir], { env })).code).toBe(0);
    const proc = spawnCli(['serve', 'service.ts', '--port', '0', '--reload'], { env, cwd: project });
    const file = path.join(project, 'describe.ts');
    const original = readFileSync(file, 'utf8');
    const withMarker = (marker: string): string => original.replace("'v1'", `'${marker}'`);
    try {
      const url = await waitForUrl(proc);
      expect(proc.stderr()).toContain(`Watching ${project} for changes`);
      const row = { length: 5, width: 3, color: 'blue' };
      const servedMarker = async (): Promise<string | undefined> =>
        ((await postJson(`${url}/predict`, row).catch(() => undefined))?.body as { marker?: string } | undefined)?.marker;
      expect(await servedMarker()).toBe('v1');
      // The new child binds the same port; poll until it answers with the edited code.
      const expectServed = (marker: string): Promise<true> =>
        waitFor(async () => ((await servedMarker()) === marker ? true : undefined), 30_000, `the service with marker ${marker}`);

      writeFileSync(file, withMarker('v2'));
      await expectServed('v2');
      expect(proc.stderr()).toContain('Change in describe.ts; restarting');

      // How sed -i, editors' safe write and formatters save: a new file renamed over the old one.
      for (const marker of ['v3', 'v4']) {
        writeFileSync(`${file}.tmp`, withMarker(marker));
        renameSync(`${file}.tmp`, file);
        await expectServed(marker);
      }

      rmSync(file);
      await waitFor(() => proc.stderr().includes('waiting for a file change to restart') || undefined, 30_000, 'the service to fail without describe.ts');
      writeFileSync(file, withMarker('v5'));
      await expectServed('v5');
    } finally {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
      tmp.cleanup();
    }
  }, 120_000);
});
