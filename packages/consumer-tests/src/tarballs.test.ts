import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { consumerEnv, run, timed } from './processes';
import { packedTarballs } from './pack';

// What a user downloads: each package packed as `pnpm publish` would, then publint and
// arethetypeswrong on the tarball, as the release does before it publishes.
describe('the packed tarballs', () => {
  const timings = new Map<string, number>();
  let dir: string;
  let packs: Map<string, string>;
  const bin = (name: string): string => path.join(__dirname, '..', 'node_modules', '.bin', name);
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mlserve-tarballs-'));
    const packed = await packedTarballs(path.join(dir, 'packs'));
    packs = packed.packs;
    timings.set('pack 6 packages (once per run)', packed.ms);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(`tarball timings (ms): ${JSON.stringify(Object.fromEntries(timings))}\n`);
  });

  it('hold LICENSE, README.md, package.json and dist, and no sources or tests', async () => {
    for (const [name, tarball] of packs) {
      const { stdout } = await run('tar', ['tzf', tarball], { cwd: dir });
      const files = stdout.trim().split('\n');
      expect([name, files]).toEqual([
        name,
        expect.arrayContaining([
          'package/LICENSE',
          'package/README.md',
          'package/package.json',
          'package/dist/index.js',
          'package/dist/index.cjs',
          'package/dist/index.d.ts',
          'package/dist/index.d.cts',
        ]),
      ]);
      expect([name, files.filter((f) => !f.startsWith('package/templates/') && /\.test\.|^package\/src\//.test(f))]).toEqual([name, []]);
    }
  });

  it('pass publint --strict', async () => {
    await timed(timings, 'publint', async () => {
      for (const [name, tarball] of packs) {
        const unpacked = path.join(dir, 'unpacked', name.replace('/', '__'));
        await run('mkdir', ['-p', unpacked], { cwd: dir });
        await run('tar', ['xzf', tarball, '-C', unpacked], { cwd: dir });
        const { stdout } = await run(bin('publint'), ['--strict', path.join(unpacked, 'package')], { cwd: dir, env: consumerEnv() });
        expect([name, stdout]).toEqual([name, expect.stringContaining('All good!')]);
      }
    });
  });

  it('pass arethetypeswrong for node10, node16 (CommonJS and ESM) and bundler', async () => {
    await timed(timings, 'attw', async () => {
      for (const [name, tarball] of packs) {
        // attw exits non-zero on any problem; the JSON lists them. The service's .proto export is a
        // data file for gRPC tooling, not a module, so it has no types to check.
        const { stdout } = await run(bin('attw'), [tarball, '--format', 'json', '--exclude-entrypoints', './proto/open_inference_grpc.proto'], { cwd: dir }).catch(
          (err: Error) => ({ stdout: err.message }),
        );
        const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { analysis?: { problems?: unknown[] } };
        expect([name, report.analysis?.problems ?? 'no analysis']).toEqual([name, []]);
      }
    });
  });

  it('packs every published package', () => {
    expect([...packs.keys()].sort()).toEqual([
      '@mlserve/cli',
      '@mlserve/client',
      '@mlserve/core',
      '@mlserve/errors',
      '@mlserve/model-store',
      '@mlserve/pipeline',
      '@mlserve/runner',
      '@mlserve/service',
    ]);
    for (const tarball of packs.values()) expect(tarball).toMatch(/\.tgz$/);
  });
});
