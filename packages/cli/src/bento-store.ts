import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createCliError } from './errors';

/** The parsed `bento.yaml` of a built bento. */
export interface BentoManifest {
  format: 'mlserve.bento/v1';
  name: string;
  version: string;
  description?: string;
  /** `src/<path>.mjs:<export>`, relative to the bento directory. */
  service: string;
  creationTime: string;
  mlserveVersion: string;
  labels: Record<string, string>;
  models: Array<{ tag: string; name: string; version: string; digest: string; createdAt?: string; size?: number }>;
  apis: Array<{ name: string; route: string; method: string; description?: string }>;
  docker: { baseImage: string; env?: Record<string, string>; systemPackages?: string[] };
  /**
   * The packages the bundles import as ES modules (they require() the others). Served in place with
   * the CLI's dependencies lent, only these need loader hooks. Absent in bentos built before this
   * field, which import every package so.
   */
  esmImports?: string[];
}

/** A bento found on disk. */
export interface BentoInfo {
  tag: string;
  name: string;
  version: string;
  path: string;
  createdAt: string;
  size: number;
  manifest: BentoManifest;
}

/** Where bentos live: `<home>/bentos`. */
export function bentosRoot(home: string): string {
  return path.join(home, 'bentos');
}

/** Reads and checks `bento.yaml` in a directory. */
export async function readBentoManifest(dir: string): Promise<BentoManifest> {
  const text = await readFile(path.join(dir, 'bento.yaml'), 'utf8').catch(() => undefined);
  if (text === undefined) throw createCliError('MLS_ERR_CLI_BENTO_INVALID', `No bento.yaml in ${dir}`);
  // Loaded here only: `mlserve serve` reads its fields with readBentoServeFields. From the default
  // export: the binary's bundled copy of yaml, imported so, has no named ones.
  const { parse: parseYaml } = (await import('yaml')).default;
  const manifest = parseYaml(text) as Partial<BentoManifest> | null;
  if (!manifest || typeof manifest.service !== 'string' || typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
    throw createCliError('MLS_ERR_CLI_BENTO_INVALID', `${path.join(dir, 'bento.yaml')} lacks name, version or service`);
  }
  return manifest as BentoManifest;
}

/**
 * The fields of a bento's `bento.yaml` that serving it needs, read from the top-level lines
 * `mlserve build` writes (`service: src/<path>.mjs:<export>`, `esmImports: []`) without a YAML
 * parser: loading the yaml package and its first parse took ~40 ms of a bento's cold start
 * (bench/NOTES.md, seventh pass). A file in any other shape is read by readBentoManifest.
 */
export async function readBentoServeFields(dir: string): Promise<Pick<BentoManifest, 'service' | 'esmImports'>> {
  const text = await readFile(path.join(dir, 'bento.yaml'), 'utf8').catch(() => '');
  const service = text.match(/^service:.*$/gm);
  const esmImports = text.match(/^esmImports:.*$/gm);
  const plain =
    /^name: \S/m.test(text) &&
    /^version: \S/m.test(text) &&
    service?.length === 1 &&
    /^service: [\w./@-]+:[\w$]+$/.test(service[0]!) &&
    (esmImports === null || (esmImports.length === 1 && esmImports[0] === 'esmImports: []'));
  if (plain) return { service: service[0]!.slice('service: '.length), esmImports: esmImports ? [] : undefined };
  const manifest = await readBentoManifest(dir);
  return { service: manifest.service, esmImports: manifest.esmImports };
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await dirSize(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}

async function readInfo(dir: string): Promise<BentoInfo> {
  const manifest = await readBentoManifest(dir);
  return {
    tag: `${manifest.name}:${manifest.version}`,
    name: manifest.name,
    version: manifest.version,
    path: dir,
    createdAt: manifest.creationTime,
    size: await dirSize(dir),
    manifest,
  };
}

/** Lists bentos, newest first, optionally of one name. */
export async function listBentoInfos(home: string, name?: string): Promise<BentoInfo[]> {
  const root = bentosRoot(home);
  const names = name ? [name] : await readdir(root).catch(() => [] as string[]);
  const out: BentoInfo[] = [];
  for (const n of names) {
    const versions = await readdir(path.join(root, n), { withFileTypes: true }).catch(() => []);
    for (const v of versions) {
      if (!v.isDirectory()) continue;
      const info = await readInfo(path.join(root, n, v.name)).catch(() => undefined);
      if (info) out.push(info);
    }
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Resolves `name`, `name:latest`, `name:version` or `name:<unique prefix>` to a bento. */
export async function getBentoInfo(home: string, tag: string): Promise<BentoInfo> {
  const [name = '', wanted = 'latest'] = tag.split(':');
  const notFound = (): Error => createCliError('MLS_ERR_CLI_BENTO_NOT_FOUND', `No bento "${tag}" in ${bentosRoot(home)}`);
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name) || !/^[\w.-]+$/.test(wanted)) throw notFound();
  const all = await listBentoInfos(home, name);
  if (all.length === 0) throw notFound();
  if (wanted === 'latest') {
    const latest = await readFile(path.join(bentosRoot(home), name, 'latest'), 'utf8').then(
      (s) => s.trim(),
      () => undefined,
    );
    return all.find((b) => b.version === latest) ?? all[0]!;
  }
  const exact = all.find((b) => b.version === wanted);
  if (exact) return exact;
  const matches = all.filter((b) => b.version.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw createCliError('MLS_ERR_CLI_BENTO_NOT_FOUND', `Bento tag "${tag}" is ambiguous: ${matches.map((m) => m.tag).join(', ')}`);
  throw notFound();
}

/** Removes a bento directory and repoints or removes `latest`. */
export async function removeBento(home: string, info: BentoInfo): Promise<void> {
  await rm(info.path, { recursive: true, force: true });
  const rest = await listBentoInfos(home, info.name);
  const latestFile = path.join(bentosRoot(home), info.name, 'latest');
  if (rest.length === 0) await rm(path.join(bentosRoot(home), info.name), { recursive: true, force: true });
  else await writeFile(latestFile, `${rest[0]!.version}\n`);
}
