import { Document } from 'yaml';
import type { BuildFile } from './build-file';
import type { BentoManifest } from './bento-store';

/** The command a container (and `npm start`) runs; relative to the bento directory. */
export const kBentoCliPath = 'bin/mlserve.mjs';

/** Seconds the pod keeps serving after it is marked terminating, while Services and load balancers drop it. */
export const kPreStopSleepSeconds = 5;
/** The service's default graceful shutdown bound (`shutdownTimeoutMs`, 10 s) for requests in flight. */
export const kShutdownSeconds = 10;

/** The runtime user's uid and gid: the `node` user of the official Node images. */
export const kRuntimeUid = 1000;

const kYamlOptions = { lineWidth: 0 } as const;

/** The image name the manifests reference and containerize tags by default: `[<registry>/]<name>:<version>`. */
export function imageName(manifest: BentoManifest, build: BuildFile): string {
  const repository = manifest.name.toLowerCase();
  return `${build.docker.registry ? `${build.docker.registry}/` : ''}${repository}:${manifest.version}`;
}

/** `env/docker/Dockerfile`: a Node LTS base (optionally pinned by digest), root-owned read-only code, uid 1000, npm ci, HEALTHCHECK on /readyz. */
export function renderDockerfile(manifest: BentoManifest, build: BuildFile): string {
  const { baseImage, baseImageDigest, port } = build.docker;
  const env = Object.entries(build.docker.env)
    .map(([k, v]) => `ENV ${k}=${JSON.stringify(v)}\n`)
    .join('');
  const system = build.docker.systemPackages.length
    ? `RUN apt-get update && apt-get install -y --no-install-recommends ${build.docker.systemPackages.join(' ')} && rm -rf /var/lib/apt/lists/*\n`
    : '';
  return `# Built by mlserve for ${manifest.name}:${manifest.version}. Context: the bento directory.
#   docker build -f env/docker/Dockerfile -t ${imageName(manifest, build)} .
FROM ${baseImage}${baseImageDigest ? `@${baseImageDigest}` : ''}
${system}
# onnxruntime-node's install script downloads GPU libraries from outside the npm registry; the CPU
# runtime ships inside the npm package, so the download is skipped. swagger-ui-dist depends on
# @scarf/scarf, whose install script reports the installation to scarf.sh: turned off.
ENV NODE_ENV=production \\
    ONNXRUNTIME_NODE_INSTALL=skip \\
    SCARF_ANALYTICS=false \\
    PORT=${port}
${env}
# Code, dependencies and models stay owned by root and read-only for the runtime user: a server
# that is broken into cannot rewrite what it runs or the models it serves.
WORKDIR /app
# package-lock.json is written by \`mlserve build\` (unless --no-lock, or npm could not reach the registry).
COPY package.json package-lock.json* ./
RUN if [ -f package-lock.json ]; then npm ci --omit=dev; else npm install --omit=dev; fi && npm cache clean --force && chmod -R go-w /app
COPY . .

# Numeric, so that Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
USER ${kRuntimeUid}:${kRuntimeUid}
EXPOSE ${port}
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \\
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||${port})+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec: node is PID 1 and gets SIGTERM itself; $PORT is the port the HEALTHCHECK probes.
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "exec node ${kBentoCliPath} serve . --host 0.0.0.0 --port \${PORT:-${port}}"]
`;
}

/** `.dockerignore`: keep local installs and logs out of the image context. */
export function renderDockerignore(): string {
  return ['node_modules', 'npm-debug.log*', '.git', 'env/k8s', '*.tar', ''].join('\n');
}

/** Lower-case DNS-1123 name for Kubernetes objects. */
export function k8sName(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63) || 'mlserve'
  );
}

function renderYaml(value: object, comment: string): string {
  const doc = new Document(value);
  doc.commentBefore = comment;
  return doc.toString(kYamlOptions);
}

/**
 * `env/k8s/deployment.yaml`: probes on /readyz and /livez, resources from the build file, and a pod
 * that passes Pod Security "restricted" with a read-only root filesystem (an emptyDir on /tmp).
 */
export function renderDeployment(manifest: BentoManifest, build: BuildFile): string {
  const name = k8sName(manifest.name);
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/version': manifest.version };
  const seccompProfile = { type: 'RuntimeDefault' };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels, ...(manifest.description ? { annotations: { 'mlserve.dev/description': manifest.description } } : {}) },
    spec: {
      replicas: build.kubernetes.replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: kRuntimeUid, runAsGroup: kRuntimeUid, seccompProfile },
          terminationGracePeriodSeconds: kPreStopSleepSeconds + kShutdownSeconds + 15,
          containers: [
            {
              name,
              image: imageName(manifest, build),
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: build.docker.port }],
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile },
              lifecycle: { preStop: { exec: { command: ['sleep', String(kPreStopSleepSeconds)] } } },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: '/livez', port: 'http' }, initialDelaySeconds: 15, periodSeconds: 10, failureThreshold: 3 },
              resources: build.kubernetes.resources,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
  return renderYaml(
    deployment,
    [
      ` Built by mlserve for ${manifest.name}:${manifest.version}.`,
      ` preStop keeps the pod serving ${kPreStopSleepSeconds} s while endpoints and load balancers drop it; SIGTERM comes after,`,
      ` and the grace period exceeds preStop plus the server's ${kShutdownSeconds} s graceful shutdown, so requests in flight finish.`,
      ...(build.docker.registry ? [] : [' image: set docker.registry in mlserve.yaml to the registry the cluster pulls from.']),
    ].join('\n'),
  );
}

/** `env/k8s/service.yaml`. */
export function renderK8sService(manifest: BentoManifest): string {
  const name = k8sName(manifest.name);
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
  return renderYaml(service, ` Built by mlserve for ${manifest.name}:${manifest.version}.`);
}

/** `env/k8s/hpa.yaml`: scales on CPU. */
export function renderHpa(manifest: BentoManifest, build: BuildFile): string {
  const name = k8sName(manifest.name);
  const a = build.kubernetes.autoscaling;
  const hpa = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCPUUtilizationPercentage } } }],
    },
  };
  return renderYaml(hpa, ` Built by mlserve for ${manifest.name}:${manifest.version}.`);
}

/** The bento's own README: what is inside and how to run it. */
export function renderBentoReadme(manifest: BentoManifest): string {
  const apis = manifest.apis.map((a) => `| \`${a.method} ${a.route}\` | ${a.name} | ${a.description ?? ''} |`).join('\n');
  const models = manifest.models.map((m) => `| \`${m.tag}\` | \`sha256:${m.digest}\` |`).join('\n');
  return `# ${manifest.name} ${manifest.version}

${manifest.description ?? 'An mlserve bento: a self-contained, deployable copy of an mlserve service and its models.'}

Built ${manifest.creationTime} by mlserve ${manifest.mlserveVersion}.

## Run

\`\`\`sh
ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev     # npm install --omit=dev without package-lock.json
npm start                      # or: node ${kBentoCliPath} serve . --port 3000
\`\`\`

Then open http://localhost:3000/ (Swagger UI); the OpenAPI document is at \`/docs.json\`. Health:
\`/livez\`, readiness: \`/readyz\`.

## Container

\`\`\`sh
node bin/mlserve.mjs containerize .   # or: docker build -f env/docker/Dockerfile -t ${manifest.name.toLowerCase()}:${manifest.version} .
docker run --read-only --tmpfs /tmp -p 3000:3000 ${manifest.name.toLowerCase()}:${manifest.version}
kubectl apply -f env/k8s/
\`\`\`

## APIs

| Route | Name | Description |
| --- | --- | --- |
${apis}

## Models

| Tag | Digest |
| --- | --- |
${models}

## Layout

- \`bento.yaml\`: name, version, service entry, creation time, models, APIs
- \`src/\`: the service bundled to plain JavaScript (with the runner's worker file)
- \`models/\`: the models, in the model store's layout (serving uses it as the store root)
- \`apis/openapi.json\`: the OpenAPI document
- \`${kBentoCliPath}\`: the mlserve CLI, bundled
- \`env/docker/\`, \`env/k8s/\`: deployment files
`;
}
