import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Service } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import { checkPodSecurityRestricted } from '../test/pod-security';
import type { BentoManifest } from './bento-store';
import { kPreStopSleepSeconds, kShutdownSeconds, renderBentoReadme, renderDeployment, renderDockerfile, renderHpa, renderK8sService } from './bento-templates';
import { parseBuildFile } from './build-file';

const manifest: BentoManifest = {
  format: 'mlserve.bento/v1',
  name: 'tiny_service',
  version: 'v1',
  service: 'src/service.mjs:svc',
  creationTime: '2026-01-01T00:00:00.000Z',
  mlserveVersion: '0.1.0',
  labels: {},
  models: [],
  apis: [{ name: 'predict', route: '/predict', method: 'POST' }],
  docker: { baseImage: 'node:20-bookworm-slim' },
};
const build = parseBuildFile({ service: 'service.ts:svc' });

describe('the bento deployment files', () => {
  it('Dockerfile: npm ci from the lockfile, no install telemetry, and CMD on the port HEALTHCHECK probes', () => {
    const dockerfile = renderDockerfile(manifest, build);
    expect(dockerfile).toContain('if [ -f package-lock.json ]; then npm ci --omit=dev; else npm install --omit=dev; fi');
    expect(dockerfile).toMatch(/^ {4}SCARF_ANALYTICS=false \\$/m);
    expect(dockerfile).toContain('EXPOSE 3000');
    expect(dockerfile).toContain('process.env.PORT||3000');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)![1]!;
    expect(JSON.parse(cmd)).toEqual(['sh', '-c', 'exec node bin/mlserve.mjs serve . --host 0.0.0.0 --port ${PORT:-3000}']);
  });

  it('Deployment: a preStop sleep, and a grace period longer than preStop plus the graceful shutdown', () => {
    const deployment = parse(renderDeployment(manifest, build));
    const pod = deployment.spec.template.spec;
    expect(pod.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', String(kPreStopSleepSeconds)] } } });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(kPreStopSleepSeconds + kShutdownSeconds);
  });

  it('README: Swagger UI at /, the OpenAPI document at /docs.json', () => {
    const readme = renderBentoReadme(manifest);
    expect(readme).toContain('http://localhost:3000/ (Swagger UI)');
    expect(readme).toContain('`/docs.json`');
    expect(readme).not.toMatch(/\/docs\b(?!\.json)/);
  });
});

describe('the Kubernetes manifests', () => {
  const tricky: BentoManifest = { ...manifest, description: 'He said "hi": 5\'10" tall\n# not a comment', version: '1e3' };
  const builds = {
    defaults: build,
    'a registry and custom resources': parseBuildFile({
      service: 's.ts',
      docker: { registry: 'ghcr.io/acme', port: 8080 },
      kubernetes: { replicas: 3, resources: { limits: { cpu: 4, memory: '4Gi' } }, autoscaling: { min_replicas: 2, max_replicas: 20, target_cpu_utilization: 50 } },
    }),
  };

  it.each(Object.entries(builds))('with %s, validate against the Kubernetes OpenAPI schemas', (_name, b) => {
    for (const m of [manifest, tricky]) {
      expect(() => new Deployment(parse(renderDeployment(m, b))).validate()).not.toThrow();
      expect(() => new Service(parse(renderK8sService(m))).validate()).not.toThrow();
      expect(() => new HorizontalPodAutoscaler(parse(renderHpa(m, b))).validate()).not.toThrow();
    }
  });

  it('the schemas do catch a broken manifest (so the check above can fail)', () => {
    const deployment = parse(renderDeployment(manifest, build));
    deployment.spec.replicas = 'lots';
    expect(() => new Deployment(deployment).validate()).toThrow(/replicas/);
  });

  it.each(Object.entries(builds))('with %s, the pod passes Pod Security "restricted", with a read-only root and an emptyDir on /tmp', (_name, b) => {
    const pod = parse(renderDeployment(manifest, b)).spec.template.spec;
    expect(checkPodSecurityRestricted(pod)).toEqual([]);
    const container = pod.containers[0];
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    const tmp = container.volumeMounts.find((v: { mountPath: string }) => v.mountPath === '/tmp');
    expect(pod.volumes.find((v: { name: string }) => v.name === tmp.name)).toHaveProperty('emptyDir');
  });

  it('the restricted check flags what the old manifest lacked', () => {
    const pod = { securityContext: { runAsNonRoot: true, runAsUser: 1000 }, containers: [{ name: 'svc' }], volumes: [{ name: 'h', hostPath: { path: '/' } }] };
    expect(checkPodSecurityRestricted(pod)).toEqual([
      'volume h has type hostPath',
      'svc: allowPrivilegeEscalation is not false',
      'svc: capabilities.drop lacks ALL',
      'svc: seccompProfile is not RuntimeDefault or Localhost',
    ]);
  });

  it('keeps quotes, colons and line breaks of values intact, and version strings strings', () => {
    const deployment = parse(renderDeployment(tricky, build));
    expect(deployment.metadata.annotations['mlserve.dev/description']).toBe(tricky.description);
    expect(deployment.metadata.labels['app.kubernetes.io/version']).toBe('1e3');
    expect(deployment.spec.template.spec.containers[0].image).toBe('tiny_service:1e3');
  });

  it('pulls the image from the registry setting', () => {
    const deployment = parse(renderDeployment(manifest, builds['a registry and custom resources']));
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({ image: 'ghcr.io/acme/tiny_service:v1', ports: [{ name: 'http', containerPort: 8080 }] });
    expect(renderDeployment(manifest, build)).toContain('# image: set docker.registry in mlserve.yaml');
  });
});

describe('the Dockerfile', () => {
  it('starts from a maintained Node LTS, pinned by digest when asked', () => {
    expect(renderDockerfile(manifest, build)).toMatch(/^FROM node:(22|24)-bookworm-slim$/m);
    const digest = `sha256:${'b'.repeat(64)}`;
    expect(renderDockerfile(manifest, parseBuildFile({ service: 's.ts', docker: { base_image_digest: digest } }))).toContain(`\nFROM node:24-bookworm-slim@${digest}\n`);
  });

  it('leaves code and models owned by root and runs as uid 1000', () => {
    const dockerfile = renderDockerfile(manifest, build);
    expect(dockerfile).not.toContain('--chown');
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    // Nothing is copied after the user switch, so every file stays root's.
    expect(dockerfile.lastIndexOf('COPY')).toBeLessThan(dockerfile.indexOf('USER'));
  });

  it('listens, exposes and probes on docker.port', () => {
    const dockerfile = renderDockerfile(manifest, parseBuildFile({ service: 's.ts', docker: { port: 8080 } }));
    expect(dockerfile).toContain('EXPOSE 8080');
    expect(dockerfile).toContain('PORT=8080');
    expect(dockerfile).toContain('process.env.PORT||8080');
  });
});
