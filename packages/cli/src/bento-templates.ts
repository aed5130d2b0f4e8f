import type { BuildFile } from './build-file';
import type { BentoManifest } from './bento-store';

/** The command a container (and `npm start`) runs; relative to the bento directory. */
export const kBentoCliPath = 'bin/mlserve.mjs';

/** Seconds the pod keeps serving after it is marked terminating, while Services and load balancers drop it. */
export const kPreStopSleepSeconds = 5;
/** The service's default graceful shutdown bound (`shutdownTimeoutMs`, 10 s) for requests in flight. */
export const kShutdownSeconds = 10;

/** `env/docker/Dockerfile`: Node 20, non-root, locked deps installed with npm ci, HEALTHCHECK on /readyz. */
export function renderDockerfile(manifest: BentoManifest, build: BuildFile): string {
  const env = Object.entries(build.docker.env).map(([k, v]) => `ENV ${k}=${JSON.stringify(v)}\n`).join('');
  const system = build.docker.systemPackages.length
    ? `RUN apt-get update && apt-get install -y --no-install-recommends ${build.docker.systemPackages.join(' ')} && rm -rf /var/lib/apt/lists/*\n`
    : '';
  return `# Built by mlserve for ${manifest.name}:${manifest.version}. Context: the bento directory.
#   docker build -f env/docker/Dockerfile -t ${manifest.name.toLowerCase()}:${manifest.version} .
FROM ${build.docker.baseImage}
${system}
# onnxruntime-node's install script downloads GPU libraries from outside the npm registry; the CPU
# runtime ships inside the npm package, so the download is skipped. swagger-ui-dist depends on
# @scarf/scarf, whose install script reports the installation to scarf.sh: turned off.
ENV NODE_ENV=production \\
    ONNXRUNTIME_NODE_INSTALL=skip \\
    SCARF_ANALYTICS=false \\
    PORT=3000
${env}
WORKDIR /home/node/bento
# package-lock.json is written by \`mlserve build\` (unless --no-lock, or npm could not reach the registry).
COPY --chown=node:node package.json package-lock.json* ./
RUN if [ -f package-lock.json ]; then npm ci --omit=dev; else npm install --omit=dev; fi && npm cache clean --force
COPY --chown=node:node . .

# The image's built-in unprivileged user.
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \\
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec: node is PID 1 and gets SIGTERM itself; \$PORT (default 3000) is the port the HEALTHCHECK probes.
CMD ["sh", "-c", "exec node ${kBentoCliPath} serve . --host 0.0.0.0 --port \${PORT:-3000}"]
`;
}

/** `.dockerignore`: keep local installs and logs out of the image context. */
export function renderDockerignore(): string {
  return ['node_modules', 'npm-debug.log*', '.git', 'env/k8s', '*.tar', ''].join('\n');
}

/** Lower-case DNS-1123 name for Kubernetes objects. */
export function k8sName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'mlserve';
}

/** `env/k8s/deployment.yaml`: probes on /readyz and /livez, resources from the build file. */
export function renderDeployment(manifest: BentoManifest, build: BuildFile): string {
  const name = k8sName(manifest.name);
  const { requests, limits } = build.kubernetes.resources;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/version: "${manifest.version}"
spec:
  replicas: ${build.kubernetes.replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
        app.kubernetes.io/version: "${manifest.version}"
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
      # Above preStop + the server's graceful shutdown, so requests in flight finish before SIGKILL.
      terminationGracePeriodSeconds: ${kPreStopSleepSeconds + kShutdownSeconds + 15}
      containers:
        - name: ${name}
          image: ${manifest.name.toLowerCase()}:${manifest.version}
          ports:
            - name: http
              containerPort: 3000
          lifecycle:
            # Keeps serving while endpoints and load balancers drop this pod; SIGTERM comes after.
            preStop:
              exec:
                command: ["sleep", "${kPreStopSleepSeconds}"]
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            initialDelaySeconds: 5
            periodSeconds: 5
          livenessProbe:
            httpGet:
              path: /livez
              port: http
            initialDelaySeconds: 15
            periodSeconds: 10
            failureThreshold: 3
          resources:
            requests:
              cpu: "${requests.cpu}"
              memory: "${requests.memory}"
            limits:
              cpu: "${limits.cpu}"
              memory: "${limits.memory}"
`;
}

/** `env/k8s/service.yaml`. */
export function renderK8sService(manifest: BentoManifest): string {
  const name = k8sName(manifest.name);
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - name: http
      port: 80
      targetPort: http
`;
}

/** `env/k8s/hpa.yaml`: scales on CPU. */
export function renderHpa(manifest: BentoManifest, build: BuildFile): string {
  const name = k8sName(manifest.name);
  const a = build.kubernetes.autoscaling;
  return `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${name}
  minReplicas: ${a.minReplicas}
  maxReplicas: ${a.maxReplicas}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: ${a.targetCPUUtilizationPercentage}
`;
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
docker build -f env/docker/Dockerfile -t ${manifest.name.toLowerCase()}:${manifest.version} .
docker run -p 3000:3000 ${manifest.name.toLowerCase()}:${manifest.version}
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
