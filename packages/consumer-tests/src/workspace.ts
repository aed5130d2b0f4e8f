import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The monorepo's root directory. */
export const kRoot = path.resolve(__dirname, '..', '..', '..');

/** A package.json, as far as these tests read it. */
export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  type?: string;
  main?: string;
  types?: string;
  files?: string[];
  engines?: Record<string, string>;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  publishConfig?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Every published (non-private) package under packages/, with its directory. */
export function publicPackages(): Array<{ dir: string; pkg: PackageJson }> {
  const base = path.join(kRoot, 'packages');
  return readdirSync(base)
    .map((name) => path.join(base, name))
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson }))
    .filter(({ pkg }) => !pkg.private)
    .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
}
