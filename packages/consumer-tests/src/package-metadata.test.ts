import { readFileSync } from 'node:fs';
import path from 'node:path';
import { kRoot, publicPackages } from './workspace';

// What npm provenance, the registry page and consumers read from each package.json.
describe('every published package', () => {
  const packages = publicPackages();
  const rootLicense = readFileSync(path.join(kRoot, 'LICENSE'), 'utf8');

  it('is one of the packages the README lists', () => {
    expect(packages.map((p) => p.pkg.name)).toEqual([
      '@mlserve/cli',
      '@mlserve/client',
      '@mlserve/core',
      '@mlserve/errors',
      '@mlserve/model-store',
      '@mlserve/pipeline',
      '@mlserve/runner',
      '@mlserve/service',
    ]);
  });

  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s names its repository, directory, homepage, bugs, license and engines', (_name, { dir, pkg }) => {
    const rel = path.relative(kRoot, dir).split(path.sep).join('/');
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository).toEqual({ type: 'git', url: 'git+https://github.com/mlserve/mlserve.git', directory: rel });
    expect(pkg.homepage).toBe(`https://github.com/mlserve/mlserve/tree/main/${rel}#readme`);
    expect(pkg.bugs).toEqual({ url: 'https://github.com/mlserve/mlserve/issues' });
    expect(pkg.engines).toEqual({ node: '>=20' });
    expect(pkg.publishConfig).toMatchObject({ access: 'public' });
    expect(rootLicense).toContain('MIT License');
    // npm packs a package's LICENSE whatever `files` says; a copy beside each package.json puts it in every tarball.
    expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toBe(rootLicense);
  });

  it.each(packages.map((p) => [p.pkg.name, p.pkg] as const))('%s depends on other @mlserve packages as workspace:^', (_name, pkg) => {
    for (const field of ['dependencies', 'devDependencies'] as const) {
      for (const [dep, range] of Object.entries(pkg[field] ?? {})) if (dep.startsWith('@mlserve/')) expect([dep, range]).toEqual([dep, 'workspace:^']);
    }
  });

  it('ship the type packages their public types import as dependencies (no TS7016 for consumers)', () => {
    const byName = Object.fromEntries(packages.map((p) => [p.pkg.name, p.pkg]));
    expect(byName['@mlserve/service']!.dependencies).toHaveProperty('@types/express');
    expect(byName['@mlserve/cli']!.dependencies).toHaveProperty('@types/yargs');
  });
});
