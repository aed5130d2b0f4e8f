import { glob } from 'tinyglobby';

/** Directories never copied into a bento, wherever they are. */
const kAlwaysSkipped = ['node_modules', '.git', '.mlserve', '.turbo', 'coverage'].map((dir) => `**/${dir}`);

/**
 * Files under `root` (relative, `/`-separated, sorted) matching any include glob and no exclude
 * glob. Globs are tinyglobby's (picomatch syntax: `*`, `**`, `?`, `{a,b}`, `[abc]`, `!(x)`); an
 * excluded directory is not entered; dotfiles match like any other file.
 */
export async function matchFiles(root: string, include: string[], exclude: string[]): Promise<string[]> {
  if (include.length === 0) return [];
  const files = await glob(include, { cwd: root, ignore: [...kAlwaysSkipped, ...exclude], dot: true, onlyFiles: true, expandDirectories: false });
  return files.sort();
}
