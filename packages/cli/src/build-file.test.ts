import { parseBuildFile, kDefaultBuildFile } from './build-file';

describe('the build file', () => {
  it('needs only the service entry, and fills in the defaults', () => {
    const build = parseBuildFile({ service: 'src/service.ts:svc' });
    expect(build).toMatchObject({ service: 'src/service.ts:svc', labels: {}, include: [], exclude: [], models: [] });
    expect(build.docker.baseImage).toBe(kDefaultBuildFile.docker.baseImage);
    expect(build.kubernetes.autoscaling.maxReplicas).toBe(5);
  });

  it('reads BentoML-style snake_case keys and model objects', () => {
    const build = parseBuildFile({
      service: 's.ts',
      name: 'titanic_service',
      labels: { owner: 'ml', tier: 1 },
      include: 'data/*.json',
      models: ['titanic_model:latest', { tag: 'other:v1' }],
      docker: { base_image: 'node:20', system_packages: ['curl'], env: { A: 1 } },
      kubernetes: { replicas: 2, resources: { limits: { memory: '2Gi' } }, autoscaling: { max_replicas: 9 } },
    });
    expect(build).toMatchObject({
      name: 'titanic_service',
      labels: { owner: 'ml', tier: '1' },
      include: ['data/*.json'],
      models: ['titanic_model:latest', 'other:v1'],
      docker: { baseImage: 'node:20', systemPackages: ['curl'], env: { A: '1' } },
    });
    expect(build.kubernetes.replicas).toBe(2);
    expect(build.kubernetes.resources.limits).toEqual({ cpu: '2', memory: '2Gi' });
    expect(build.kubernetes.autoscaling.maxReplicas).toBe(9);
  });

  it('names what is wrong', () => {
    expect(() => parseBuildFile({}, 'mlserve.yaml')).toThrow(/mlserve.yaml: `service` is required/);
    expect(() => parseBuildFile({ service: 's.ts', name: 'bad name!' })).toThrow(/`name` must be/);
    expect(() => parseBuildFile({ service: 's.ts', models: [3] })).toThrow(/models\[0\] must be a string/);
    expect(() => parseBuildFile('nope')).toThrow(expect.objectContaining({ code: 'MLS_ERR_CLI_BUILD_FILE' }));
  });
});
