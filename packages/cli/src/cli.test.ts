import { runCli, type CommandName } from './cli';

async function parse(argv: string[]): Promise<{ command?: CommandName; options?: Record<string, unknown> }> {
  const { command, options } = await runCli(argv, async () => undefined);
  return { command, options };
}

describe('the command line', () => {
  const table: Array<[string, CommandName, Record<string, unknown>]> = [
    ['models list', 'models list', {}],
    ['models list tiny --json', 'models list', { name: 'tiny', json: true }],
    ['models get tiny:abc --home /tmp/h', 'models get', { tag: 'tiny:abc', home: '/tmp/h' }],
    ['models delete tiny -y', 'models delete', { tag: 'tiny', yes: true }],
    ['models delete tiny', 'models delete', { tag: 'tiny' }],
    [
      'models import model.onnx --name m --pipeline p.json --classes died,survived --metadata a=1 --metadata b=x=y',
      'models import',
      { file: 'model.onnx', name: 'm', pipeline: 'p.json', classes: ['died', 'survived'], metadata: { a: '1', b: 'x=y' } },
    ],
    ['models import out/ --classes 0,1', 'models import', { file: 'out/', classes: [0, 1] }],
    ['models import out/ --if-changed', 'models import', { file: 'out/', ifChanged: true }],
    ['models export tiny', 'models export', { tag: 'tiny' }],
    ['models export tiny out.mlmodel', 'models export', { tag: 'tiny', out: 'out.mlmodel' }],
    ['serve src/service.ts:svc', 'serve', { target: 'src/service.ts:svc', port: 3000, host: '127.0.0.1' }],
    [
      'serve my_bento:latest --port 0 --host 0.0.0.0 --reload --workers 2 --api-workers 3',
      'serve',
      { target: 'my_bento:latest', port: 0, host: '0.0.0.0', reload: true, workers: 2, apiWorkers: 3 },
    ],
    ['build', 'build', { file: 'mlserve.yaml' }],
    ['build -f other.yaml --output dist/bento --bento-version v1', 'build', { file: 'other.yaml', output: 'dist/bento', version: 'v1' }],
    ['build --no-lock', 'build', { file: 'mlserve.yaml', lock: false }],
    ['bentos list --json', 'bentos list', { json: true }],
    ['bentos get svc:1', 'bentos get', { tag: 'svc:1' }],
    ['bentos delete svc -y', 'bentos delete', { tag: 'svc', yes: true }],
    ['containerize svc:latest -t me/svc:1', 'containerize', { bento: 'svc:latest', imageTag: 'me/svc:1' }],
    ['containerize svc:latest --backend podman', 'containerize', { bento: 'svc:latest', backend: 'podman' }],
    [
      'predict tiny --input data.csv --output out.jsonl --batch-size 64',
      'predict',
      { model: 'tiny', input: 'data.csv', output: 'out.jsonl', batchSize: 64 },
    ],
    ['predict tiny -i data.jsonl', 'predict', { model: 'tiny', input: 'data.jsonl', batchSize: 256 }],
    ['predict tiny -i data.csv --errors bad.txt', 'predict', { model: 'tiny', input: 'data.csv', batchSize: 256, errors: 'bad.txt' }],
  ];

  it.each(table)('turns `mlserve %s` into the %s command with its options', async (line, command, options) => {
    await expect(parse(line.split(' '))).resolves.toEqual({ command, options });
  });

  it('refuses unknown commands and options as usage errors', async () => {
    await expect(parse(['frobnicate'])).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE' });
    await expect(parse(['models', 'list', '--colour'])).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE' });
    await expect(parse(['models', 'get'])).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE' });
    await expect(parse(['predict', 'tiny'])).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE' });
  });

  it('refuses malformed key=value metadata', async () => {
    await expect(parse(['models', 'import', 'm.onnx', '--metadata', 'novalue'])).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE', message: expect.stringContaining('key=value') });
  });
});
