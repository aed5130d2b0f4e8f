import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { readBentoManifest, readBentoServeFields, type BentoManifest } from './bento-store';

const kManifest: BentoManifest = {
  format: 'mlserve.bento/v1',
  name: 'svc',
  version: 'v1',
  service: 'src/src/service.mjs:svc',
  creationTime: '2026-01-01T00:00:00.000Z',
  mlserveVersion: '0.1.0',
  labels: { owner: 'me' },
  models: [],
  apis: [{ name: 'predict', route: '/predict', method: 'POST', description: 'service: not this one' }],
  docker: { baseImage: 'node:24-bookworm-slim' },
  esmImports: [],
};

describe('readBentoServeFields', () => {
  let root: string;
  let n = 0;
  const bento = (text: string): string => {
    const dir = path.join(root, String((n += 1)));
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'bento.yaml'), text);
    return dir;
  };
  beforeAll(() => (root = mkdtempSync(path.join(tmpdir(), 'mlserve-bento-store-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the service and esmImports of a bento.yaml as mlserve build writes it', async () => {
    const dir = bento(stringifyYaml(kManifest));
    expect(await readBentoServeFields(dir)).toEqual({ service: 'src/src/service.mjs:svc', esmImports: [] });
    expect(await readBentoManifest(dir)).toEqual(kManifest);
  });

  it('reads a bento.yaml of any other shape as YAML', async () => {
    const quoted = bento(stringifyYaml({ ...kManifest, service: 'src/my service.mjs:svc', esmImports: ['esm-only'] }));
    expect(await readBentoServeFields(quoted)).toEqual({ service: 'src/my service.mjs:svc', esmImports: ['esm-only'] });
    const json = bento(JSON.stringify(kManifest));
    expect(await readBentoServeFields(json)).toEqual({ service: 'src/src/service.mjs:svc', esmImports: [] });
  });

  it('leaves esmImports out for a bento built before the field', async () => {
    const { esmImports: _, ...older } = kManifest;
    expect(await readBentoServeFields(bento(stringifyYaml(older)))).toEqual({ service: 'src/src/service.mjs:svc', esmImports: undefined });
  });

  it('rejects a directory without a valid bento.yaml, as readBentoManifest does', async () => {
    await expect(readBentoServeFields(root)).rejects.toMatchObject({ code: 'MLS_ERR_CLI_BENTO_INVALID' });
    await expect(readBentoServeFields(bento('service: src/a.mjs:svc\n'))).rejects.toMatchObject({ code: 'MLS_ERR_CLI_BENTO_INVALID' });
  });
});
