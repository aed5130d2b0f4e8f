import yargs, { type Argv } from 'yargs';
import { createCliError } from './errors';
import { parseClasses, parseKeyValues } from './parse-args';
import { kCliVersion } from './version';

/** Every command the CLI knows, as `<group> <verb>` or a single word. */
export type CommandName =
  | 'models list'
  | 'models get'
  | 'models delete'
  | 'models import'
  | 'models export'
  | 'serve'
  | 'build'
  | 'bentos list'
  | 'bentos get'
  | 'bentos delete'
  | 'containerize'
  | 'predict';

/** Receives a parsed command and its options object, and runs it. */
export type Dispatch = (command: CommandName, options: Record<string, unknown>) => Promise<unknown>;

/** What one CLI invocation did. */
export interface CliResult {
  command?: CommandName;
  options?: Record<string, unknown>;
  result?: unknown;
  /** Set when yargs printed help or the version and nothing ran. */
  printedOnly: boolean;
}

type Args = Record<string, unknown> & { _: Array<string | number> };

function common(args: Args): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof args.home === 'string') out.home = args.home;
  if (args.json) out.json = true;
  return out;
}

function defined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

const jsonOption = { json: { type: 'boolean', describe: 'Print JSON instead of a table' } } as const;
const yesOption = { yes: { alias: 'y', type: 'boolean', describe: 'Do not ask for confirmation' } } as const;

/**
 * Declares the commands. Each handler turns yargs' argv into the command's options object and
 * hands it to `dispatch`, which loads the implementation lazily (see `runCommand`).
 */
export function createCli(argv: string[], dispatch: Dispatch, state: CliResult = { printedOnly: true }): Argv {
  const run = (command: CommandName, options: Record<string, unknown>) => {
    state.printedOnly = false;
    state.command = command;
    state.options = defined(options);
    return dispatch(command, state.options).then((result) => {
      state.result = result;
    });
  };
  return yargs(argv)
    .scriptName('mlserve')
    .usage('$0 <command> [options]\n\nServe scikit-learn models exported to ONNX over HTTP.')
    .version(kCliVersion)
    .option('home', { type: 'string', describe: 'mlserve home holding models/ and bentos/ (default: $MLSERVE_HOME or ~/.mlserve)', global: true })
    .option('verbose', { type: 'boolean', describe: 'Show stack traces of errors (also MLSERVE_DEBUG=1)', global: true })
    .command('models', 'Manage models in the model store', (y) =>
      y
        .command('list [name]', 'List models (tag, size, creation time), newest first', (c) => c.positional('name', { type: 'string', describe: 'Only this model' }).options(jsonOption), (a) =>
          run('models list', { ...common(a as Args), name: a.name }),
        )
        .command('get <tag>', 'Show one model: signature, classes, metadata, digests', (c) => c.positional('tag', { type: 'string', demandOption: true }).options(jsonOption), (a) =>
          run('models get', { ...common(a as Args), tag: a.tag }),
        )
        .command('delete <tag>', 'Delete a model version', (c) => c.positional('tag', { type: 'string', demandOption: true }).options(yesOption), (a) =>
          run('models delete', { ...common(a as Args), tag: a.tag, yes: a.yes }),
        )
        .command(
          'import <file>',
          'Import a .onnx file, an exported model directory or a .mlmodel archive',
          (c) =>
            c
              .positional('file', { type: 'string', demandOption: true, describe: 'model.onnx, exporter output directory, or .mlmodel' })
              .options({
                name: { type: 'string', describe: 'Model name (default: from metadata.json or the file name)' },
                pipeline: { type: 'string', describe: 'pipeline.json to store with the model' },
                classes: { type: 'string', describe: 'Class names in index order, comma separated' },
                metadata: { type: 'string', array: true, describe: 'Metadata key=value (repeatable)' },
                label: { type: 'string', array: true, describe: 'Label key=value (repeatable)' },
                'if-changed': { type: 'boolean', describe: 'Save nothing when the latest version already holds the same model.onnx and pipeline' },
              }),
          (a) =>
            run('models import', {
              ...common(a as Args),
              file: a.file,
              name: a.name,
              pipeline: a.pipeline,
              classes: parseClasses(a.classes),
              metadata: parseKeyValues(a.metadata, 'metadata'),
              labels: parseKeyValues(a.label, 'label'),
              ifChanged: a.ifChanged,
            }),
        )
        .command('export <tag> [out]', 'Write a model to a portable .mlmodel archive', (c) =>
          c.positional('tag', { type: 'string', demandOption: true }).positional('out', { type: 'string', describe: 'File or directory (default: .)' }), (a) =>
          run('models export', { ...common(a as Args), tag: a.tag, out: a.out }),
        )
        .demandCommand(1, 'Name a models command: list, get, delete, import or export'),
    )
    .command(
      'serve <target>',
      'Serve a service file, a bento directory or a bento tag',
      (c) =>
        c
          .positional('target', { type: 'string', demandOption: true, describe: 'service.ts[:svc] | service.js[:svc] | bento dir | bento tag' })
          .options({
            port: { alias: 'p', type: 'number', default: 3000, describe: 'Port to listen on (0 picks a free one)' },
            host: { type: 'string', default: '127.0.0.1', describe: 'Interface to bind (0.0.0.0 in containers)' },
            reload: { type: 'boolean', describe: 'Restart when a source file under the service directory changes' },
            workers: { type: 'number', describe: 'Runner worker threads per process' },
            'api-workers': { type: 'number', describe: 'HTTP worker processes sharing the port (node:cluster)' },
            'grpc-port': { type: 'number', describe: 'Also serve the Open Inference Protocol (V2) over gRPC on this port (0 picks a free one)' },
          }),
      (a) =>
        run('serve', { ...common(a as Args), target: a.target, port: a.port, host: a.host, reload: a.reload, workers: a.workers, apiWorkers: a['api-workers'], grpcPort: a['grpc-port'] }),
    )
    .command(
      'build',
      'Build a bento from mlserve.yaml',
      (c) =>
        c.options({
          file: { alias: 'f', type: 'string', default: 'mlserve.yaml', describe: 'Build file' },
          output: { alias: 'o', type: 'string', describe: 'Write the bento here instead of $MLSERVE_HOME/bentos/<name>/<version>' },
          'bento-version': { type: 'string', describe: 'Bento version (default: generated)' },
          lock: { type: 'boolean', describe: 'Write package-lock.json with npm (needs the registry; the default); --no-lock skips it' },
        }),
      (a) => run('build', { ...common(a as Args), file: a.file, output: a.output, version: a['bento-version'], lock: a.lock }),
    )
    .command('bentos', 'Manage built bentos', (y) =>
      y
        .command('list [name]', 'List bentos, newest first', (c) => c.positional('name', { type: 'string' }).options(jsonOption), (a) =>
          run('bentos list', { ...common(a as Args), name: a.name }),
        )
        .command('get <tag>', 'Show one bento', (c) => c.positional('tag', { type: 'string', demandOption: true }).options(jsonOption), (a) =>
          run('bentos get', { ...common(a as Args), tag: a.tag }),
        )
        .command('delete <tag>', 'Delete a bento', (c) => c.positional('tag', { type: 'string', demandOption: true }).options(yesOption), (a) =>
          run('bentos delete', { ...common(a as Args), tag: a.tag, yes: a.yes }),
        )
        .demandCommand(1, 'Name a bentos command: list, get or delete'),
    )
    .command(
      'containerize <bento>',
      'Build a Docker image from a bento (needs a Docker engine)',
      (c) =>
        c.positional('bento', { type: 'string', demandOption: true, describe: 'Bento tag or directory' }).options({
          tag: { alias: 't', type: 'string', describe: 'Image name:tag (default: <bento name>:<bento version>)' },
        }),
      (a) => run('containerize', { ...common(a as Args), bento: a.bento, imageTag: a.tag }),
    )
    .command(
      'predict <model>',
      'Score a CSV or JSON Lines file offline with a stored model',
      (c) =>
        c.positional('model', { type: 'string', demandOption: true, describe: 'Model tag' }).options({
          input: { alias: 'i', type: 'string', demandOption: true, describe: 'data.csv or data.jsonl' },
          output: { alias: 'o', type: 'string', describe: 'out.csv or out.jsonl (default: stdout, same format as the input)' },
          'batch-size': { type: 'number', default: 256, describe: 'Rows per batch' },
          workers: { type: 'number', describe: 'Runner worker threads' },
          errors: { type: 'string', describe: 'Write the "line N: message" of each rejected row to this file instead of stderr' },
        }),
      (a) =>
        run('predict', { ...common(a as Args), model: a.model, input: a.input, output: a.output, batchSize: a['batch-size'], workers: a.workers, errors: a.errors }),
    )
    .demandCommand(1, 'Name a command; see mlserve --help')
    .strict()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? createCliError('MLS_ERR_CLI_USAGE', msg);
    });
}

/** Loads a command's implementation only when it runs, so `mlserve --help` stays fast. */
export const runCommand: Dispatch = async (command, options) => {
  switch (command) {
    case 'models list':
      return (await import('./commands/models/index')).listModels(options);
    case 'models get':
      return (await import('./commands/models/index')).getModel(options as never);
    case 'models delete':
      return (await import('./commands/models/index')).deleteModel(options as never);
    case 'models import':
      return (await import('./commands/models/index')).importModel(options as never);
    case 'models export':
      return (await import('./commands/models/index')).exportModel(options as never);
    case 'serve':
      return (await import('./commands/serve/index')).serve(options as never);
    case 'build':
      return (await import('./commands/build/index')).build(options as never);
    case 'bentos list':
      return (await import('./commands/bentos/index')).listBentos(options);
    case 'bentos get':
      return (await import('./commands/bentos/index')).getBento(options as never);
    case 'bentos delete':
      return (await import('./commands/bentos/index')).deleteBento(options as never);
    case 'containerize':
      return (await import('./commands/containerize/index')).containerize(options as never);
    case 'predict':
      return (await import('./commands/predict/index')).predict(options as never);
  }
};

/** Parses argv and runs the command through `dispatch` (default: the real implementations). */
export async function runCli(argv: string[], dispatch: Dispatch = runCommand): Promise<CliResult> {
  const state: CliResult = { printedOnly: true };
  await createCli(argv, dispatch, state).parseAsync();
  return state;
}
