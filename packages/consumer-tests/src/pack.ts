import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { consumerEnv, run } from './processes';
import { publicPackages } from './workspace';

/**
 * Packs every published package with `pnpm pack` (which turns `workspace:^` into the real range,
 * as `pnpm publish` does) into `outDir`; resolves to package name -> tarball path.
 */
export async function packAll(outDir: string): Promise<Map<string, string>> {
  mkdirSync(outDir, { recursive: true });
  const packs = new Map<string, string>();
  for (const { dir, pkg } of publicPackages()) {
    const before = new Set(readdirSync(outDir));
    await run('pnpm', ['pack', '--pack-destination', outDir], { cwd: dir, env: consumerEnv(), timeoutMs: 120_000 });
    const added = readdirSync(outDir).filter((f) => !before.has(f));
    if (added.length !== 1) throw new Error(`pnpm pack in ${dir} wrote ${added.length} files`);
    packs.set(pkg.name, path.join(outDir, added[0]!));
  }
  return packs;
}

/** The tarballs global-setup.ts packed for this run (packing them now when it did not run, e.g. under a filter). */
export async function packedTarballs(fallbackDir: string): Promise<{ packs: Map<string, string>; ms: number }> {
  const packed = process.env.MLSERVE_CONSUMER_PACKS;
  if (packed) {
    const { packs, ms } = JSON.parse(packed) as { packs: Record<string, string>; ms: number };
    return { packs: new Map(Object.entries(packs)), ms };
  }
  const start = Date.now();
  return { packs: await packAll(fallbackDir), ms: Date.now() - start };
}
