import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { createCliError } from './errors';

/** The parsed build file (`mlserve.yaml`), in camelCase. */
export interface BuildFile {
  /** `path/to/service.ts[:export]`, relative to the build file. */
  service: string;
  name?: string;
  description?: string;
  labels: Record<string, string>;
  /** Extra files (globs, relative to the build file) copied into the bento's `src/`. */
  include: string[];
  exclude: string[];
  /** Model tags packed into the bento, besides those the service's runners use. */
  models: string[];
  docker: { baseImage: string; env: Record<string, string>; systemPackages: string[] };
  kubernetes: {
    replicas: number;
    port: number;
    resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
    autoscaling: { minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number };
  };
}

/** Defaults of the build file's optional sections. */
export const kDefaultBuildFile = {
  docker: { baseImage: 'node:20-bookworm-slim', env: {}, systemPackages: [] },
  kubernetes: {
    replicas: 1,
    port: 3000,
    resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    autoscaling: { minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
  },
} as const;

type Raw = Record<string, unknown>;

function fail(file: string, message: string): never {
  throw createCliError('MLS_ERR_CLI_BUILD_FILE', `${file}: ${message}`);
}

function stringMap(file: string, key: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(file, `${key} must be a mapping of strings`);
  return Object.fromEntries(Object.entries(value as Raw).map(([k, v]) => [k, String(v)]));
}

function stringList(file: string, key: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) fail(file, `${key} must be a list`);
  return value.map((v, i) => {
    if (typeof v === 'string') return v;
    // `models: [{ tag: name:version }]` is accepted as in BentoML.
    if (key === 'models' && v && typeof v === 'object' && typeof (v as Raw).tag === 'string') return (v as Raw).tag as string;
    return fail(file, `${key}[${i}] must be a string`);
  });
}

function pick(raw: Raw, ...keys: string[]): unknown {
  for (const k of keys) if (raw[k] !== undefined) return raw[k];
  return undefined;
}

/** Checks a parsed build file and fills in defaults; `file` names it in error messages. */
export function parseBuildFile(raw: unknown, file = 'mlserve.yaml'): BuildFile {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(file, 'expected a mapping with at least `service`');
  const r = raw as Raw;
  if (typeof r.service !== 'string' || r.service === '') fail(file, '`service` is required (e.g. service: src/service.ts:svc)');
  if (r.name !== undefined && (typeof r.name !== 'string' || !/^[a-z0-9][a-z0-9_.-]*$/i.test(r.name))) {
    fail(file, '`name` must be letters, digits, "_", "-" or "."');
  }
  const docker = (r.docker ?? {}) as Raw;
  const k8s = (pick(r, 'kubernetes', 'k8s') ?? {}) as Raw;
  const d = kDefaultBuildFile;
  const resources = (k8s.resources ?? {}) as { requests?: Raw; limits?: Raw };
  const autoscaling = (k8s.autoscaling ?? {}) as Raw;
  const build: BuildFile = {
    service: r.service,
    labels: stringMap(file, 'labels', r.labels),
    include: stringList(file, 'include', r.include),
    exclude: stringList(file, 'exclude', r.exclude),
    models: stringList(file, 'models', r.models),
    docker: {
      baseImage: String(pick(docker, 'base_image', 'baseImage') ?? d.docker.baseImage),
      env: stringMap(file, 'docker.env', docker.env),
      systemPackages: stringList(file, 'docker.system_packages', pick(docker, 'system_packages', 'systemPackages')),
    },
    kubernetes: {
      replicas: Number(k8s.replicas ?? d.kubernetes.replicas),
      port: d.kubernetes.port,
      resources: {
        requests: { ...d.kubernetes.resources.requests, ...(resources.requests as object) },
        limits: { ...d.kubernetes.resources.limits, ...(resources.limits as object) },
      },
      autoscaling: {
        minReplicas: Number(pick(autoscaling, 'min_replicas', 'minReplicas') ?? d.kubernetes.autoscaling.minReplicas),
        maxReplicas: Number(pick(autoscaling, 'max_replicas', 'maxReplicas') ?? d.kubernetes.autoscaling.maxReplicas),
        targetCPUUtilizationPercentage: Number(
          pick(autoscaling, 'target_cpu_utilization', 'targetCPUUtilizationPercentage') ?? d.kubernetes.autoscaling.targetCPUUtilizationPercentage,
        ),
      },
    },
  };
  if (typeof r.name === 'string') build.name = r.name;
  if (typeof r.description === 'string') build.description = r.description;
  return build;
}

/** Reads and parses a build file from disk. */
export async function readBuildFile(file: string): Promise<BuildFile> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No build file ${file}`);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    fail(file, `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseBuildFile(raw, file);
}
