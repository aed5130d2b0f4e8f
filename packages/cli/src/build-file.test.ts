import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseBuildFile, kDefaultBuildFile, readBuildFile } from './build-file';
import { kBuildFileSchema } from './build-file-schema';

describe('the build file', () => {
  it('takes a list of models without a service: the generic model service serves them', () => {
    const build = parseBuildFile({ models: ['tiny:latest', { tag: 'bare:v1' }], name: 'models' });
    expect(build).toMatchObject({ models: ['tiny:latest', 'bare:v1'], name: 'models' });
    expect(build).not.toHaveProperty('service');
  });

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
    expect(() => parseBuildFile({ models: [] }, 'mlserve.yaml')).toThrow(/`service` is required \(e.g. service: src\/service.ts:svc\), or a non-empty `models` list/);
    expect(() => parseBuildFile({ service: 's.ts', name: 'bad name!' })).toThrow(/`name` must be/);
    expect(() => parseBuildFile({ service: 's.ts', models: [3] })).toThrow(/models\[0\] must be a string/);
    expect(() => parseBuildFile('nope')).toThrow(expect.objectContaining({ code: 'MLS_ERR_CLI_BUILD_FILE' }));
  });
});

describe('the build file schema', () => {
  const problems = (raw: object): string => {
    try {
      parseBuildFile({ service: 's.ts', ...raw });
    } catch (err) {
      return (err as Error).message;
    }
    return 'no error';
  };

  it('refuses wrong types, naming the key and what it got', () => {
    expect(problems({ kubernetes: { replicas: 'lots' } })).toBe('mlserve.yaml: `kubernetes.replicas` must be an integer (got "lots")');
    expect(problems({ docker: { base_image: 12 } })).toBe('mlserve.yaml: `docker.base_image` must be a string (got 12)');
    expect(problems({ labels: ['a'] })).toBe('mlserve.yaml: `labels` must be a mapping (got a list)');
  });

  it('refuses values out of range', () => {
    expect(problems({ kubernetes: { replicas: -1 } })).toBe('mlserve.yaml: `kubernetes.replicas` must be >= 0 (got -1)');
    expect(problems({ kubernetes: { autoscaling: { target_cpu_utilization: 150 } } })).toMatch(/`kubernetes.autoscaling.target_cpu_utilization` must be <= 100/);
    expect(problems({ kubernetes: { autoscaling: { min_replicas: 4, max_replicas: 2 } } })).toMatch(/min_replicas` \(4\) must not exceed `max_replicas` \(2\)/);
    expect(problems({ docker: { port: 70000 } })).toMatch(/`docker.port` must be <= 65535/);
  });

  it('refuses unknown keys and suggests the closest valid one', () => {
    expect(problems({ lables: { a: 'b' } })).toBe('mlserve.yaml: unknown key `lables`; did you mean `labels`?');
    expect(problems({ docker: { base_imag: 'node:24' } })).toBe('mlserve.yaml: unknown key `docker.base_imag`; did you mean `docker.base_image`?');
    expect(problems({ kubernetes: { autoscalling: {} } })).toMatch(/did you mean `kubernetes.autoscaling`\?/);
    expect(problems({ docker: { baseImage: 'node:24' } })).toMatch(/unknown key `docker.baseImage`; did you mean `docker.base_image`\?/);
    expect(problems({ k8s: {} })).toBe('mlserve.yaml: unknown key `k8s`; did you mean `kubernetes`?');
  });

  it('says where a misplaced key belongs', () => {
    expect(problems({ kubernetes: { port: 8080 } })).toBe('mlserve.yaml: unknown key `kubernetes.port`; did you mean `docker.port`?');
    expect(problems({ replicas: 2 })).toBe('mlserve.yaml: unknown key `replicas`; did you mean `kubernetes.replicas`?');
    expect(problems({ frobnicate: 1 })).toBe('mlserve.yaml: unknown key `frobnicate`');
  });

  it('lists every problem at once', () => {
    expect(problems({ lables: {}, kubernetes: { replicas: 'lots' } })).toBe(
      'mlserve.yaml: unknown key `lables`; did you mean `labels`?; `kubernetes.replicas` must be an integer (got "lots")',
    );
    const err = (() => {
      try {
        return parseBuildFile({ service: 's.ts', lables: {}, kubernetes: { replicas: 'lots' } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ code: 'MLS_ERR_CLI_BUILD_FILE', details: { problems: [expect.stringContaining('lables'), expect.stringContaining('replicas')] } });
  });

  it('checks patterns with a message saying what is expected', () => {
    expect(problems({ docker: { base_image_digest: 'sha256:abc' } })).toMatch(/`docker.base_image_digest` must be sha256: followed by 64 hex digits/);
    expect(problems({ docker: { system_packages: ['curl; rm -rf /'] } })).toMatch(/docker.system_packages\[0\] must be a Debian package name/);
    expect(problems({ docker: { env: { 'BAD-NAME': 'x' } } })).toMatch(/`docker.env` has the key "BAD-NAME", not a valid environment variable name/);
    expect(problems({ kubernetes: { resources: { limits: { memory: 'lots' } } } })).toMatch(/`kubernetes.resources.limits.memory` must be a quantity such as 512Mi/);
  });

  it('reads the registry, the digest pin, the port and numeric quantities', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const build = parseBuildFile({
      service: 's.ts',
      docker: { registry: 'registry.local:5000/ml', base_image_digest: digest, port: 8080 },
      kubernetes: { resources: { limits: { cpu: 2, memory: '2Gi' } } },
    });
    expect(build.docker).toMatchObject({ registry: 'registry.local:5000/ml', baseImageDigest: digest, port: 8080 });
    expect(build.kubernetes.resources.limits).toEqual({ cpu: '2', memory: '2Gi' });
  });

  it('is published with the package, with defaults that match the parser', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { files: string[]; exports: Record<string, string> };
    expect(pkg.files).toContain('schema');
    expect(pkg.exports['./schema/mlserve.schema.json']).toBe('./schema/mlserve.schema.json');
    const schema = kBuildFileSchema.properties;
    expect(schema.docker.properties.base_image.default).toBe(kDefaultBuildFile.docker.baseImage);
    expect(schema.docker.properties.port.default).toBe(kDefaultBuildFile.docker.port);
    expect(schema.kubernetes.properties.replicas.default).toBe(kDefaultBuildFile.kubernetes.replicas);
    expect(schema.kubernetes.properties.autoscaling.properties.max_replicas.default).toBe(kDefaultBuildFile.kubernetes.autoscaling.maxReplicas);
  });

  it("accepts the seed apps' build files", async () => {
    for (const app of ['titanic-api', 'breast-cancer-api']) {
      await expect(readBuildFile(path.join(__dirname, '..', '..', '..', 'apps', app, 'mlserve.yaml'))).resolves.toMatchObject({ service: expect.any(String) });
    }
  });
});
