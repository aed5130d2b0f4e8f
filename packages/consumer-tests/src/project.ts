import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { consumerEnv, run } from './processes';

/** The package managers the consumer tests install with. */
export type PackageManager = 'npm' | 'pnpm';

/**
 * Points a project's @mlserve dependencies (direct ones named in `direct`, and every transitive
 * one through overrides) at the packed tarballs, so nothing named @mlserve comes from the registry.
 */
export function useTarballs(projectDir: string, pm: PackageManager, packs: Map<string, string>, direct: readonly string[]): void {
  const file = path.join(projectDir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { dependencies?: Record<string, string>; pnpm?: Record<string, unknown> };
  const spec = (name: string): string => {
    const tarball = packs.get(name);
    if (!tarball) throw new Error(`no tarball for ${name}`);
    return `file:${tarball}`;
  };
  pkg.dependencies = { ...pkg.dependencies, ...Object.fromEntries(direct.map((name) => [name, spec(name)])) };
  const overrides = Object.fromEntries([...packs.keys()].map((name) => [name, spec(name)]));
  if (pm === 'npm') pkg.overrides = overrides;
  else pkg.pnpm = { ...pkg.pnpm, overrides };
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

/** Installs a project's dependencies with npm or pnpm, outside any workspace. */
export async function install(projectDir: string, pm: PackageManager): Promise<void> {
  const args = pm === 'npm' ? ['install', '--no-audit', '--no-fund', '--prefer-offline'] : ['install', '--prefer-offline', '--config.confirmModulesPurge=false'];
  await run(pm, args, { cwd: projectDir, env: consumerEnv(), timeoutMs: 420_000 });
}
