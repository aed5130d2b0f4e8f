import { runCli } from './cli';
import { isModelTag, resolveModelTargets } from './model-target';
import { kTinyModelDir, makeTempDir } from '../test/helpers';
import { ModelStore } from '@mlserve/model-store';

describe('model tags as serve and build targets', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(async () => {
    tmp = makeTempDir();
    await new ModelStore({ root: tmp.dir }).importModel(kTinyModelDir);
  });
  afterAll(() => tmp.cleanup());

  it('turns argv with several tags into the options of serve and build, and init into its own', async () => {
    const parse = async (argv: string[]) => {
      const { command, options } = await runCli(argv, async () => undefined);
      return { command, options };
    };
    expect(await parse(['serve', 'a:latest', 'b', '--port', '0'])).toEqual({
      command: 'serve',
      options: { target: 'a:latest', targets: ['a:latest', 'b'], port: 0, host: '127.0.0.1' },
    });
    expect(await parse(['serve', 'a:latest'])).toEqual({ command: 'serve', options: { target: 'a:latest', port: 3000, host: '127.0.0.1' } });
    expect(await parse(['build', 'a:latest', 'b'])).toEqual({ command: 'build', options: { file: 'mlserve.yaml', models: ['a:latest', 'b'] } });
    expect(await parse(['init', 'my-api', '--name', 'api'])).toEqual({ command: 'init', options: { dir: 'my-api', name: 'api' } });
  });

  it('recognizes a stored model by name, name:latest or name:version, and nothing else', async () => {
    const [stored] = await new ModelStore({ root: tmp.dir }).list();
    for (const tag of ['tiny', 'tiny:latest', stored!.tag]) expect([tag, await isModelTag(tmp.dir, tag)]).toEqual([tag, true]);
    for (const tag of ['other', 'tiny:nope', 'src/service.ts', '../x']) expect([tag, await isModelTag(tmp.dir, tag)]).toEqual([tag, false]);
  });

  it('names the first target of a list that is not a stored model', async () => {
    await expect(resolveModelTargets(['tiny', 'ghost:latest'], tmp.dir)).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_SERVE_TARGET',
      message: expect.stringContaining('"ghost:latest"'),
    });
    expect(await resolveModelTargets(['tiny'], tmp.dir)).toMatchObject({ kind: 'model', models: ['tiny'] });
  });
});
