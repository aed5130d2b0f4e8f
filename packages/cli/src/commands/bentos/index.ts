import { createContext, println, type CommandOptions } from '../../context';
import { getBentoInfo, listBentoInfos, removeBento, type BentoInfo } from '../../bento-store';
import { formatBytes, formatDate, formatJson, formatTable } from '../../format';
import { confirmDeletion, type Confirm } from '../../prompt';

/** Options of `mlserve bentos list [name]`. */
export interface ListBentosOptions extends CommandOptions {
  name?: string;
}

/** Lists built bentos, newest first (tag, size, created). */
export async function listBentos(options: ListBentosOptions = {}): Promise<BentoInfo[]> {
  const ctx = createContext(options);
  const bentos = await listBentoInfos(ctx.home, options.name);
  if (ctx.json) {
    ctx.stdout.write(formatJson(bentos.map(({ tag, name, version, size, createdAt, path }) => ({ tag, name, version, size, createdAt, path }))));
  } else if (bentos.length === 0) {
    println(ctx.stdout, 'No bentos; build one with `mlserve build`');
  } else {
    println(
      ctx.stdout,
      formatTable(
        ['Tag', 'Size', 'Created'],
        bentos.map((b) => [b.tag, formatBytes(b.size), formatDate(b.createdAt)]),
      ),
    );
  }
  return bentos;
}

/** Options of `mlserve bentos get <tag>`. */
export interface GetBentoOptions extends CommandOptions {
  tag: string;
}

/** Shows one bento: where it is, its service, models and API routes. */
export async function getBento(options: GetBentoOptions): Promise<BentoInfo> {
  const ctx = createContext(options);
  const bento = await getBentoInfo(ctx.home, options.tag);
  if (ctx.json) {
    ctx.stdout.write(formatJson({ tag: bento.tag, path: bento.path, size: bento.size, ...bento.manifest }));
    return bento;
  }
  const m = bento.manifest;
  const lines = [
    `tag:      ${bento.tag}`,
    `path:     ${bento.path}`,
    `size:     ${formatBytes(bento.size)}`,
    `created:  ${formatDate(bento.createdAt)}`,
    `service:  ${m.service}`,
    'models:',
    ...m.models.map((model) => `  ${model.tag}  sha256:${model.digest.slice(0, 12)}`),
    'apis:',
    ...m.apis.map((api) => `  ${api.method} ${api.route}  (${api.name})`),
  ];
  println(ctx.stdout, lines.join('\n'));
  return bento;
}

/** Options of `mlserve bentos delete <tag>`. */
export interface DeleteBentoOptions extends CommandOptions {
  tag: string;
  yes?: boolean;
  interactive?: boolean;
  confirm?: Confirm;
}

/** Deletes a bento; asks on a terminal, refuses without `-y` when there is none. */
export async function deleteBento(options: DeleteBentoOptions): Promise<BentoInfo> {
  const ctx = createContext(options);
  const bento = await getBentoInfo(ctx.home, options.tag);
  await confirmDeletion(`Delete bento ${bento.tag}?`, options);
  await removeBento(ctx.home, bento);
  println(ctx.stdout, `Deleted bento ${bento.tag}`);
  return bento;
}

export { exportBento } from './export';
export type { ExportBentoOptions, ExportBentoResult } from './export';
export { importBento } from './import';
export type { ImportBentoOptions } from './import';
