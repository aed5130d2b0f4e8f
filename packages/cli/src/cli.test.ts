import { runCli, type CommandName } from './cli';

async function parse(argv: string[]): Promise<{ command?: CommandName; options?: object }> {
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
    ['serve svc.ts --workers auto', 'serve', { target: 'svc.ts', port: 3000, host: '127.0.0.1', workers: 'auto' }],
    ['serve svc.ts --log-level warn', 'serve', { target: 'svc.ts', port: 3000, host: '127.0.0.1', logLevel: 'warn' }],
    ['build', 'build', { file: 'mlserve.yaml' }],
    ['build --json', 'build', { file: 'mlserve.yaml', json: true }],
    ['build -q', 'build', { file: 'mlserve.yaml', quiet: true }],
    ['build -f other.yaml --output dist/bento --bento-version v1', 'build', { file: 'other.yaml', output: 'dist/bento', version: 'v1' }],
    ['build --no-lock', 'build', { file: 'mlserve.yaml', lock: false }],
    ['bentos list --json', 'bentos list', { json: true }],
    ['bentos get svc:1', 'bentos get', { tag: 'svc:1' }],
    ['bentos delete svc -y', 'bentos delete', { tag: 'svc', yes: true }],
    ['bentos export svc:1 /tmp', 'bentos export', { tag: 'svc:1', out: '/tmp' }],
    ['bentos import svc.bento --home /tmp/h', 'bentos import', { file: 'svc.bento', home: '/tmp/h' }],
    ['containerize svc:latest -t me/svc:1', 'containerize', { bento: 'svc:latest', imageTag: 'me/svc:1' }],
    ['containerize svc:latest --backend podman', 'containerize', { bento: 'svc:latest', backend: 'podman' }],
    ['predict tiny --input data.csv --output out.jsonl --batch-size 64', 'predict', { model: 'tiny', input: 'data.csv', output: 'out.jsonl', batchSize: 64 }],
    ['predict tiny -i data.jsonl', 'predict', { model: 'tiny', input: 'data.jsonl', batchSize: 256 }],
    ['predict tiny -i data.csv --errors bad.txt', 'predict', { model: 'tiny', input: 'data.csv', batchSize: 256, errors: 'bad.txt' }],
    ['predict tiny -i data.csv -o out.csv --json', 'predict', { model: 'tiny', input: 'data.csv', output: 'out.csv', batchSize: 256, json: true }],
    ['predict tiny -i data.csv -q', 'predict', { model: 'tiny', input: 'data.csv', batchSize: 256, quiet: true }],
  ];

  it.each(table)('turns `mlserve %s` into the %s command with its options', async (line, command, options) => {
    await expect(parse(line.split(' '))).resolves.toEqual({ command, options });
  });

  it('refuses unknown commands and options as usage errors', async () => {
    await expect(parse(['frobnicate'])).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE' });
    await expect(parse(['models', 'list', '--colour'])).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE' });
    await expect(parse(['models', 'get'])).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE' });
    await expect(parse(['predict', 'tiny'])).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE' });
    await expect(parse(['serve', 'svc.ts', '--log-level', 'loud'])).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE', message: expect.stringContaining('log-level') });
    await expect(parse(['bentos', 'import'])).rejects.toMatchObject({ code: 'MLS_ERR_CLI_USAGE' });
  });

  it('refuses malformed key=value metadata', async () => {
    await expect(parse(['models', 'import', 'm.onnx', '--metadata', 'novalue'])).rejects.toMatchObject({
      code: 'MLS_ERR_CLI_USAGE',
      message: expect.stringContaining('key=value'),
    });
  });
});

describe('the command declarations', () => {
  it('hand each command its options, and run its implementation only through dispatch', async () => {
    const seen: string[] = [];
    const dispatch = async (command: CommandName, options: object, run: () => Promise<unknown>): Promise<unknown> => {
      seen.push(`${command} ${JSON.stringify(options)}`);
      return run();
    };
    await expect(runCli(['bentos', 'get', 'nope', '--home', '/nonexistent-mlserve-home'], dispatch)).rejects.toMatchObject({ code: 'MLS_ERR_CLI_BENTO_NOT_FOUND' });
    expect(seen).toEqual(['bentos get {"home":"/nonexistent-mlserve-home","tag":"nope"}']);
  });
});
