import { parse } from 'yaml';
import type { BentoManifest } from './bento-store';
import { kPreStopSleepSeconds, kShutdownSeconds, renderBentoReadme, renderDeployment, renderDockerfile } from './bento-templates';
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
    expect(dockerfile).toContain("process.env.PORT||3000");
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
