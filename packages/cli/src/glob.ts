import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Turns a glob (`*`, `**`, `?`, `{a,b}`) into a RegExp over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more directories.
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&')).join('|')})`;
      i = end;
    } else re += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const kAlwaysSkipped = new Set(['node_modules', '.git', '.mlserve', '.turbo', 'coverage']);

/** Files under `root` (relative, `/`-separated) matching any include glob and no exclude glob. */
export async function matchFiles(root: string, include: string[], exclude: string[]): Promise<string[]> {
  if (include.length === 0) return [];
  const inc = include.map(globToRegExp);
  const exc = exclude.map(globToRegExp);
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (kAlwaysSkipped.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (exc.some((r) => r.test(rel))) continue;
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && inc.some((r) => r.test(rel))) out.push(rel);
    }
  };
  await walk(root);
  return out.sort();
}
