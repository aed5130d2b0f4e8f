import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { createContext, println, type CommandOptions } from '../../context';
import { withSpinner } from '../../progress';

/** Options of `mlserve models export <tag> [out]`. */
export interface ExportModelOptions extends CommandOptions {
  tag: string;
  /** File to write, or a directory to write `<name>-<version>.mlmodel` into. Defaults to the cwd. */
  out?: string;
}

/**
 * Writes a model as a portable `.mlmodel` archive; returns the archive's path. A file name
 * without the `.mlmodel` extension gets it, so what `models export` writes `models import` takes.
 */
export async function exportModel(options: ExportModelOptions): Promise<string> {
  const ctx = createContext(options);
  const store = new ModelStore({ root: ctx.home });
  const model = await store.get(options.tag, { verify: false }); // exportModel verifies every file itself
  let file = path.resolve(ctx.cwd, options.out ?? '.');
  const isDir = await stat(file).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir) file = path.join(file, `${model.name}-${model.version}.mlmodel`);
  else if (path.extname(file).toLowerCase() !== '.mlmodel') file = `${file}.mlmodel`;
  const written = await withSpinner(ctx.stderr, `Exporting ${model.tag}`, () => store.exportModel(model.tag, file));
  println(ctx.stdout, `Exported ${model.tag} to ${written}`);
  return written;
}
