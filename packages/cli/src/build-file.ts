import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { checkBuildFile } from './build-file-schema';
import { createCliError } from './errors';

/** The parsed build file (`mlserve.yaml`), in camelCase. Its schema: `@mlserve/cli/schema/mlserve.schema.json`. */
export interface BuildFile {
  /** `path/to/service.ts[:export]`, relative to the build file; absent: the generic model service of `models`. */
  service?: string;
  name?: string;
  description?: string;
  labels: Record<string, string>;
  /** Extra files (globs, relative to the build file) copied into the bento's `src/`. */
  include: string[];
  exclude: string[];
  /** Model tags packed into the bento, besides those the service's runners use. */
  models: string[];
  docker: {
    baseImage: string;
    /** `sha256:...`: FROM pins the base image to it. */
    baseImageDigest?: string;
    /** Where the image is pushed; the Deployment's `image:` is `<registry>/<name>:<version>`. */
    registry?: string;
    /** The port the server listens on in the container. */
    port: number;
    env: Record<string, string>;
    systemPackages: string[];
  };
  kubernetes: {
    replicas: number;
    resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
    autoscaling: { minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number };
  };
}

/** Defaults of the build file's optional sections; the schema's `default`s say the same. */
export const kDefaultBuildFile = {
  docker: { baseImage: 'node:24-bookworm-slim', port: 3000, env: {}, systemPackages: [] },
  kubernetes: {
    replicas: 1,
    resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    autoscaling: { minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
  },
} as const;

type Scalar = string | number | boolean;
interface RawBuildFile {
  service?: string;
  name?: string;
  description?: string;
  labels?: Record<string, Scalar>;
  include?: string | string[];
  exclude?: string | string[];
  models?: (string | { tag: string })[];
  docker?: { base_image?: string; base_image_digest?: string; registry?: string; port?: number; env?: Record<string, Scalar>; system_packages?: string[] };
  kubernetes?: {
    replicas?: number;
    resources?: { requests?: { cpu?: string | number; memory?: string | number }; limits?: { cpu?: string | number; memory?: string | number } };
    autoscaling?: { min_replicas?: number; max_replicas?: number; target_cpu_utilization?: number };
  };
}

function fail(file: string, messages: string[]): never {
  // One line, as the CLI prints errors; `details.problems` keeps them apart for callers.
  throw createCliError('MLS_ERR_CLI_BUILD_FILE', `${file}: ${messages.join('; ')}`, { details: { problems: messages } });
}

const strings = (map: Record<string, Scalar> | undefined): Record<string, string> => Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, String(v)]));
const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : value);
const quantities = (q: { cpu?: string | number; memory?: string | number } | undefined) =>
  Object.fromEntries(Object.entries(q ?? {}).map(([k, v]) => [k, String(v)])) as { cpu?: string; memory?: string };

/**
 * Checks a parsed build file against the published JSON Schema (unknown keys, types, ranges) and
 * fills in defaults; `file` names it in error messages, which name each bad key.
 */
export function parseBuildFile(raw: unknown, file = 'mlserve.yaml'): BuildFile {
  const problems = checkBuildFile(raw);
  if (problems.length) fail(file, problems);
  const r = raw as RawBuildFile;
  const d = kDefaultBuildFile;
  const docker = r.docker ?? {};
  const k8s = r.kubernetes ?? {};
  const autoscaling = k8s.autoscaling ?? {};
  const build: BuildFile = {
    ...(r.service === undefined ? {} : { service: r.service }),
    labels: strings(r.labels),
    include: list(r.include),
    exclude: list(r.exclude),
    // `models: [{ tag: name:version }]` is accepted as in BentoML.
    models: (r.models ?? []).map((m) => (typeof m === 'string' ? m : m.tag)),
    docker: {
      baseImage: docker.base_image ?? d.docker.baseImage,
      port: docker.port ?? d.docker.port,
      env: strings(docker.env),
      systemPackages: docker.system_packages ?? [],
    },
    kubernetes: {
      replicas: k8s.replicas ?? d.kubernetes.replicas,
      resources: {
        requests: { ...d.kubernetes.resources.requests, ...quantities(k8s.resources?.requests) },
        limits: { ...d.kubernetes.resources.limits, ...quantities(k8s.resources?.limits) },
      },
      autoscaling: {
        minReplicas: autoscaling.min_replicas ?? d.kubernetes.autoscaling.minReplicas,
        maxReplicas: autoscaling.max_replicas ?? d.kubernetes.autoscaling.maxReplicas,
        targetCPUUtilizationPercentage: autoscaling.target_cpu_utilization ?? d.kubernetes.autoscaling.targetCPUUtilizationPercentage,
      },
    },
  };
  const { minReplicas, maxReplicas } = build.kubernetes.autoscaling;
  if (minReplicas > maxReplicas) fail(file, [`\`kubernetes.autoscaling.min_replicas\` (${minReplicas}) must not exceed \`max_replicas\` (${maxReplicas})`]);
  if (docker.base_image_digest !== undefined) build.docker.baseImageDigest = docker.base_image_digest;
  if (docker.registry !== undefined) build.docker.registry = docker.registry;
  if (r.name !== undefined) build.name = r.name;
  if (r.description !== undefined) build.description = r.description;
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
    fail(file, [`not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  return parseBuildFile(raw, file);
}
