import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCliError } from '../../errors';

/** How a user without this monorepo gets the exporter. */
export const kExporterInstallHint =
  'Install the exporter into a Python that has scikit-learn and onnx: `pip install --no-build-isolation --no-deps ./python/mlserve-sklearn` from a checkout of the mlserve repository ' +
  '(on Debian: `apt-get install python3-sklearn python3-onnx`), or point MLSERVE_PYTHON at such a Python';

/** A Python interpreter that can run the exporter, with the environment to run it in. */
export interface ExporterPython {
  python: string;
  env: NodeJS.ProcessEnv;
}

/** python/mlserve-sklearn of the monorepo this CLI runs from, if it does. */
export function findExporterSource(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const pkgJson = path.join(dir, 'package.json');
    if (!existsSync(pkgJson)) continue;
    if ((JSON.parse(readFileSync(pkgJson, 'utf8')) as { name?: string }).name !== '@mlserve/cli') return undefined;
    const source = path.resolve(dir, '..', '..', 'python', 'mlserve-sklearn');
    return existsSync(path.join(source, 'mlserve_sklearn', '__init__.py')) ? source : undefined;
  }
  return undefined;
}

/**
 * The first of `MLSERVE_PYTHON`, `/usr/bin/python3` and `python3` that imports the exporter with
 * scikit-learn and onnx (from the monorepo's python/mlserve-sklearn when the CLI runs from one).
 * Rejects with `MLS_ERR_CLI_EXPORTER_UNAVAILABLE`, saying how to install it, when none does.
 */
export function findExporterPython(env: NodeJS.ProcessEnv = process.env, candidates = [env.MLSERVE_PYTHON, '/usr/bin/python3', 'python3']): ExporterPython {
  const source = findExporterSource();
  const runEnv: NodeJS.ProcessEnv = { ...env };
  if (source) runEnv.PYTHONPATH = [source, env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  const tried: string[] = [];
  for (const python of new Set(candidates.filter((p): p is string => Boolean(p)))) {
    const probe = spawnSync(python, ['-c', 'import sklearn, onnx, mlserve_sklearn'], { env: runEnv, encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) return { python, env: runEnv };
    const last = (probe.error?.message ?? probe.stderr ?? '').trim().split('\n').at(-1) ?? '';
    tried.push(`${python} (${last || `exit ${probe.status}`})`);
  }
  throw createCliError('MLS_ERR_CLI_EXPORTER_UNAVAILABLE', `No Python with scikit-learn, onnx and mlserve_sklearn was found; tried ${tried.join(', ')}. ${kExporterInstallHint}`);
}

/**
 * Runs `python -m mlserve_sklearn export FILE --out DIR` (the exporter unpickles the file, in its
 * own process: the CLI never does) and resolves once DIR holds model.onnx, pipeline.json and
 * metadata.json. The exporter's output goes to `log`; its last line of error becomes the message.
 */
export async function runExporter(file: string, out: string, options: { name?: string; log: (text: string) => void; env?: NodeJS.ProcessEnv }): Promise<string> {
  const { python, env } = findExporterPython(options.env);
  const args = ['-m', 'mlserve_sklearn', 'export', file, '--out', out, ...(options.name ? ['--name', options.name] : [])];
  options.log(`Running ${python} ${args.join(' ')}\n`);
  const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => options.log(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.log(chunk.toString());
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    const reason = stderr.trim().split('\n').at(-1) || `exit code ${code}`;
    throw createCliError('MLS_ERR_CLI_EXPORT_FAILED', `The scikit-learn exporter could not export ${file}: ${reason}`, { details: { file, python, exitCode: code } });
  }
  return out;
}
