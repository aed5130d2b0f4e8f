import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Service } from '@mlserve/service';
import { compileService } from './compiled-service';
import { createCliError } from './errors';

const kTypeScriptExtensions = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * @mlserve/service's `isService`, by the brand it reads (a `Symbol.for`, shared by every copy):
 * importing the package for it would load this CLI's copy of the service stack next to the one
 * a bento bundles.
 */
function isService(value: unknown): value is Service {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[Symbol.for('mlserve.service')] === true;
}

/**
 * One line for a load error. esbuild's (through tsx) starts with "Transform failed with N error(s):"
 * and puts the useful part, `file:line:column: ERROR: text`, on the next lines; that part is kept.
 */
export function describeLoadError(err: Error): string {
  const lines = err.message.split('\n');
  const first = lines[0] ?? '';
  const structured = (err as { errors?: Array<{ text?: string; location?: { file?: string; line?: number; column?: number } | null }> }).errors?.[0];
  let where: string | undefined;
  let text: string | undefined;
  if (structured?.text) {
    text = structured.text;
    const loc = structured.location;
    if (loc?.file) where = `${loc.file}:${loc.line}:${loc.column}`;
  } else {
    const match = lines.map((l) => /^(.+:\d+:\d+): ERROR: (.*)$/.exec(l.trim())).find(Boolean);
    if (match) [, where, text] = match;
  }
  if (!text) return first;
  const total = Number(/failed with (\d+) error/.exec(first)?.[1] ?? 1);
  const more = total > 1 ? ` (and ${total - 1} more error${total > 2 ? 's' : ''})` : '';
  return `${where ? `${where}: ` : ''}${text}${more}`;
}

/**
 * Imports a service module and returns its exported Service. A TypeScript file is compiled once by
 * esbuild (the compiler `mlserve build` bundles with) into the compile cache (`compileService`),
 * its packages left as imports so they resolve exactly as they will in the built bento; later
 * starts import the cached module while its sources are unchanged. When the cache cannot be
 * written, and for `.cts` files, tsx's `tsImport` loads it instead (scoped to this import, no global hook).
 */
export async function loadService(file: string, exportName = 'svc'): Promise<Service> {
  const absolute = path.resolve(file);
  if (
    !(await stat(absolute).then(
      (s) => s.isFile(),
      () => false,
    ))
  ) {
    throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No service file ${file}`);
  }
  let mod: Record<string, unknown>;
  try {
    const compiled = kTypeScriptExtensions.has(path.extname(absolute)) && path.extname(absolute) !== '.cts' ? await compileService(absolute) : undefined;
    if (compiled) {
      mod = (await import(compiled)) as Record<string, unknown>;
    } else if (kTypeScriptExtensions.has(path.extname(absolute))) {
      const { tsImport } = (await import('tsx/esm/api')) as { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
      mod = await tsImport(pathToFileURL(absolute).href, import.meta.url);
    } else {
      mod = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
    }
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('MLS_ERR_')) throw err;
    const reason = err instanceof Error ? describeLoadError(err) : String(err);
    throw createCliError('MLS_ERR_CLI_SERVICE_LOAD', `Loading ${file} failed: ${reason}`, { cause: err });
  }
  // A CommonJS module imported from ESM puts its exports under `default`.
  const candidates = [mod[exportName], (mod.default as Record<string, unknown> | undefined)?.[exportName]];
  if (exportName === 'default') candidates.push(mod.default);
  const svc = candidates.find(isService);
  if (!svc) {
    const names = Object.keys(mod).filter((k) => isService(mod[k]));
    const hint = names.length > 0 ? `; it exports a service as ${names.map((n) => `"${n}"`).join(', ')} (use ${file}:${names[0]})` : '';
    throw createCliError('MLS_ERR_CLI_SERVICE_EXPORT', `${file} has no exported service named "${exportName}"${hint}`);
  }
  return svc;
}
