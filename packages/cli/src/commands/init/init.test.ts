import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { captureWriter, makeTempDir } from '../../../test/helpers';
import { init } from './index';

describe('mlserve init', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('writes an ESM project with the @mlserve dependencies, a service, its test, a model and mlserve.yaml', async () => {
    const stdout = captureWriter();
    const result = await init({ dir: 'My Project', cwd: tmp.dir, stdout });
    expect(result.name).toBe('my-project');
    expect(result.files).toEqual([
      '.gitignore',
      'README.md',
      'mlserve.yaml',
      'model/metadata.json',
      'model/model.onnx',
      'model/pipeline.json',
      'package.json',
      'src/service.test.ts',
      'src/service.ts',
      'tsconfig.json',
    ]);
    const pkg = JSON.parse(readFileSync(path.join(result.dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'my-project', type: 'module', scripts: { start: expect.stringContaining('mlserve serve src/service.ts:svc'), test: expect.any(String) } });
    expect(Object.keys(pkg.dependencies)).toEqual(['@mlserve/cli', '@mlserve/model-store', '@mlserve/runner', '@mlserve/service']);
    for (const version of Object.values(pkg.dependencies)) expect(version).toMatch(/^\^\d+\.\d+\.\d+/);
    const service = readFileSync(path.join(result.dir, 'src', 'service.ts'), 'utf8');
    expect(service).toContain("'my_project_model:latest'");
    expect(service).toContain("createService('my_project_service'");
    expect(service).not.toContain('{{');
    expect(readFileSync(path.join(result.dir, 'mlserve.yaml'), 'utf8')).toContain('service: src/service.ts:svc');
    expect(stdout.text()).toContain('npm start');
  });

  it('refuses a directory that is not empty, and leaves it as it was', async () => {
    const dir = path.join(tmp.dir, 'taken');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'keep.txt'), 'mine');
    await expect(init({ dir, stdout: captureWriter() })).rejects.toMatchObject({ code: 'MLS_ERR_CLI_OUTPUT_EXISTS' });
    expect(readFileSync(path.join(dir, 'keep.txt'), 'utf8')).toBe('mine');
    expect(existsSync(path.join(dir, 'package.json'))).toBe(false);
  });

  it('refuses a name npm would not accept', async () => {
    await expect(init({ dir: path.join(tmp.dir, 'x'), name: 'Bad Name', stdout: captureWriter() })).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_USAGE',
      message: expect.stringContaining('--name'),
    });
  });
});
