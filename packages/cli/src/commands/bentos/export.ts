import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createBentoArchive } from '../../bento-archive';
import { getBentoInfo } from '../../bento-store';
import { createContext, println, type CommandOptions } from '../../context';
import { withSpinner } from '../../progress';

/** Options of `mlserve bentos export <tag> [out]`. */
export interface ExportBentoOptions extends CommandOptions {
  tag: string;
  /** File to write, or a directory to write `<name>-<version>.bento` into. Defaults to the cwd. */
  out?: string;
}

/** What `bentos export` wrote. */
export interface ExportBentoResult {
  tag: string;
  file: string;
  size: number;
}

/** Writes a bento as a portable `.bento` archive (a tar.gz of its directory, without node_modules). */
export async function exportBento(options: ExportBentoOptions): Promise<ExportBentoResult> {
  const ctx = createContext(options);
  const bento = await getBentoInfo(ctx.home, options.tag);
  let file = path.resolve(ctx.cwd, options.out ?? '.');
  if (
    await stat(file).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    file = path.join(file, `${bento.name}-${bento.version}.bento`);
  await withSpinner(ctx.stderr, `Exporting ${bento.tag}`, () => createBentoArchive(bento.path, file));
  const result = { tag: bento.tag, file, size: (await stat(file)).size };
  println(ctx.stdout, `Exported bento ${bento.tag} to ${path.relative(ctx.cwd, file) || file}`);
  return result;
}
