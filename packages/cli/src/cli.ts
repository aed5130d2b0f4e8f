import type { ArgumentsCamelCase, Argv } from 'yargs';
import { yargs } from './yargs-cjs';
import { createCliError } from './errors';
import { parseClasses, parseKeyValues } from './parse-args';
import { kCliVersion } from './version';

/** The options every command accepts. */
type GlobalArgs = { home: string | undefined; verbose: boolean | undefined };

/**
 * One command: its yargs usage and options, how argv becomes its options object, and its
 * implementation, imported only when it runs so `mlserve --help` stays fast.
 */
interface CommandSpec<TName extends string, TArgs, TOptions, TResult> {
  /** `<group> <verb>` or a single word. */
  name: TName;
  /** The yargs command string below its group: `get <tag>`, `serve <target>`. */
  usage: string;
  describe: string;
  builder: (y: Argv<GlobalArgs>) => Argv<TArgs>;
  toOptions: (args: ArgumentsCamelCase<TArgs>) => TOptions;
  load: () => Promise<(options: TOptions) => Promise<TResult>>;
}

/** Receives a parsed command and its options object; `run` calls the real implementation. */
export type Dispatch = (command: CommandName, options: object, run: () => Promise<unknown>) => Promise<unknown>;

/** A declared command, its generics closed over, ready to be added to a yargs instance. */
interface DeclaredCommand<TName extends string> {
  name: TName;
  register(y: Argv<GlobalArgs>, dispatch: (name: TName, options: object, run: () => Promise<unknown>) => Promise<void>): Argv<GlobalArgs>;
}

function defineCommand<TName extends string, TArgs, TOptions extends object, TResult>(spec: CommandSpec<TName, TArgs, TOptions, TResult>): DeclaredCommand<TName> {
  return {
    name: spec.name,
    register: (y, dispatch) =>
      y.command(spec.usage, spec.describe, spec.builder, async (args) => {
        const options = withoutUndefined(spec.toOptions(args));
        await dispatch(spec.name, options, async () => (await spec.load())(options));
      }),
  };
}

/** Drops keys whose value is undefined, so options objects hold only what was given. */
function withoutUndefined<T extends object>(options: T): T {
  const copy = { ...options };
  for (const [key, value] of Object.entries(copy)) if (value === undefined) Reflect.deleteProperty(copy, key);
  return copy;
}

function common(args: { home?: string; json?: boolean }): { home?: string; json?: true } {
  return { home: args.home, json: args.json ? true : undefined };
}

const jsonOption = { json: { type: 'boolean', describe: 'Print JSON instead of a table' } } as const;
const yesOption = { yes: { alias: 'y', type: 'boolean', describe: 'Do not ask for confirmation' } } as const;
const tagArg = { type: 'string', demandOption: true } as const;

const models = () => import('./commands/models/index');
const bentos = () => import('./commands/bentos/index');

/** Every command, grouped as on the command line; the one place a command is declared. */
const kCommands = {
  models: {
    describe: 'Manage models in the model store',
    commands: [
      defineCommand({
        name: 'models list',
        usage: 'list [name]',
        describe: 'List models (tag, size, creation time), newest first',
        builder: (c) => c.positional('name', { type: 'string', describe: 'Only this model' }).options(jsonOption),
        toOptions: (a) => ({ ...common(a), name: a.name }),
        load: async () => (await models()).listModels,
      }),
      defineCommand({
        name: 'models get',
        usage: 'get <tag>',
        describe: 'Show one model: signature, classes, metadata, digests',
        builder: (c) => c.positional('tag', tagArg).options(jsonOption),
        toOptions: (a) => ({ ...common(a), tag: a.tag }),
        load: async () => (await models()).getModel,
      }),
      defineCommand({
        name: 'models delete',
        usage: 'delete <tag>',
        describe: 'Delete a model version',
        builder: (c) => c.positional('tag', tagArg).options(yesOption),
        toOptions: (a) => ({ ...common(a), tag: a.tag, yes: a.yes }),
        load: async () => (await models()).deleteModel,
      }),
      defineCommand({
        name: 'models import',
        usage: 'import <file>',
        describe: 'Import a .onnx file, an exported model directory, a .mlmodel archive, or a .pkl/.joblib (with --export)',
        builder: (c) =>
          c
            .positional('file', { type: 'string', demandOption: true, describe: 'model.onnx, exporter output directory, or .mlmodel' })
            .options({
              name: { type: 'string', describe: 'Model name (default: from metadata.json or the file name)' },
              pipeline: { type: 'string', describe: 'pipeline.json to store with the model' },
              classes: { type: 'string', describe: 'Class names in index order, comma separated' },
              metadata: { type: 'string', array: true, describe: 'Metadata key=value (repeatable)' },
              label: { type: 'string', array: true, describe: 'Label key=value (repeatable)' },
              'if-changed': { type: 'boolean', describe: 'Save nothing when the latest version already holds the same model.onnx and pipeline' },
              export: { type: 'boolean', describe: 'For a .pkl/.joblib: run the scikit-learn exporter (Python) and import its output' },
              quiet: { alias: 'q', type: 'boolean', describe: 'Print nothing on success' },
              ...jsonOption,
            })
            // --version here is the model's version, not the CLI's
            .version(false)
            .option('version', { type: 'string', describe: 'Model version such as v1.0.0 (default: generated)' }),
        toOptions: (a) => ({
          ...common(a),
          file: a.file,
          name: a.name,
          pipeline: a.pipeline,
          classes: parseClasses(a.classes),
          metadata: parseKeyValues(a.metadata, 'metadata'),
          labels: parseKeyValues(a.label, 'label'),
          ifChanged: a.ifChanged,
          version: a.version,
          export: a.export,
          quiet: a.quiet,
        }),
        load: async () => (await models()).importModel,
      }),
      defineCommand({
        name: 'models reference',
        usage: 'reference <tag> <data>',
        describe: 'Compute and store reference statistics (drift, input ranges, baseline) from training data',
        builder: (c) =>
          c
            .positional('tag', tagArg)
            .positional('data', { type: 'string', demandOption: true, describe: 'Training data: .csv (with a header) or .jsonl' })
            .options({
              target: { type: 'string', describe: 'Column holding the true label or value (baseline accuracy or MAE)' },
              bins: { type: 'number', describe: 'Quantile bins per numeric column (default 10)' },
              ...jsonOption,
            }),
        toOptions: (a) => ({ ...common(a), tag: a.tag, data: a.data, target: a.target, bins: a.bins }),
        load: async () => (await models()).referenceModel,
      }),
      defineCommand({
        name: 'models export',
        usage: 'export <tag> [out]',
        describe: 'Write a model to a portable .mlmodel archive',
        builder: (c) => c.positional('tag', tagArg).positional('out', { type: 'string', describe: 'File or directory (default: .)' }),
        toOptions: (a) => ({ ...common(a), tag: a.tag, out: a.out }),
        load: async () => (await models()).exportModel,
      }),
    ],
  },
  serve: defineCommand({
    name: 'serve',
    usage: 'serve [target] [more..]',
    describe: 'Serve a service file, a project or bento directory (default: .), a bento tag, one or more model tags, or a model repository',
    builder: (c) =>
      c
        .positional('target', { type: 'string', describe: 'service.ts[:svc] | service.js[:svc] | project dir | bento dir | bento tag | model tag (default: .)' })
        .positional('more', { type: 'string', array: true, describe: 'More model tags, served together' })
        .options({
          port: { alias: 'p', type: 'number', default: 3000, describe: 'Port to listen on (0 picks a free one)' },
          host: { type: 'string', default: '127.0.0.1', describe: 'Interface to bind (0.0.0.0 in containers)' },
          reload: { type: 'boolean', describe: 'Restart when a source file under the service directory changes' },
          workers: {
            type: 'string',
            describe:
              'Runner worker threads per process (a fixed pool), or auto (one per core the main thread leaves free, fewer for a large model, one more under large requests)',
            coerce: (v: string) => (v === 'auto' ? 'auto' : Number(v)),
          },
          'api-workers': { type: 'number', describe: 'HTTP worker processes sharing the port (node:cluster)' },
          'log-level': {
            type: 'string',
            choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
            describe: "Level of the service's JSON logs on stdout (default: $MLSERVE_LOG_LEVEL or info)",
          },
          'grpc-port': { type: 'number', describe: 'Also serve the Open Inference Protocol (V2) over gRPC on this port (0 picks a free one)' },
          'model-repository': { type: 'string', describe: 'Serve the exported models of this directory (one per entry: exporter dir, .onnx, .mlmodel), instead of a target' },
          'model-control-mode': {
            type: 'string',
            choices: ['none', 'explicit'],
            describe: 'none: serve every model at start; explicit: serve --load-model ones, load/unload at /v2/repository',
          },
          'load-model': { type: 'string', array: true, describe: 'With --model-control-mode explicit: a model served at start (repeatable)' },
          'api-key': { type: 'string', array: true, describe: 'An API key the service accepts (repeatable; default: $MLSERVE_API_KEYS)' },
        }),
    toOptions: (a) => ({
      ...common(a),
      target: a.target,
      targets: a.more?.length ? [a.target as string, ...a.more] : undefined,
      port: a.port,
      host: a.host,
      reload: a.reload,
      workers: a.workers as number | 'auto' | undefined,
      apiWorkers: a.apiWorkers,
      logLevel: a.logLevel,
      grpcPort: a.grpcPort,
      modelRepository: a.modelRepository,
      modelControlMode: a.modelControlMode,
      loadModels: a.loadModel,
      apiKeys: a.apiKey,
    }),
    load: async () => (await import('./commands/serve/index')).serve,
  }),
  build: defineCommand({
    name: 'build',
    usage: 'build [models..]',
    describe: 'Build a bento from mlserve.yaml, or from model tags (the service of `mlserve serve <tag>...`)',
    builder: (c) =>
      c.positional('models', { type: 'string', array: true, describe: 'Model tags to build a bento of, instead of mlserve.yaml' }).options({
        file: { alias: 'f', type: 'string', default: 'mlserve.yaml', describe: 'Build file' },
        output: { alias: 'o', type: 'string', describe: 'Write the bento here instead of $MLSERVE_HOME/bentos/<name>/<version>' },
        'bento-version': { type: 'string', describe: 'Bento version (default: generated)' },
        lock: { type: 'boolean', describe: 'Write package-lock.json with npm (needs the registry; the default); --no-lock skips it' },
        json: { type: 'boolean', describe: 'Print one JSON document (tag, path, dependencies, warnings) on stdout' },
        quiet: { alias: 'q', type: 'boolean', describe: 'Print nothing but errors and warnings' },
      }),
    toOptions: (a) => ({ ...common(a), file: a.file, output: a.output, version: a.bentoVersion, lock: a.lock, quiet: a.quiet, models: a.models?.length ? a.models : undefined }),
    load: async () => (await import('./commands/build/index')).build,
  }),
  bentos: {
    describe: 'Manage built bentos',
    commands: [
      defineCommand({
        name: 'bentos list',
        usage: 'list [name]',
        describe: 'List bentos, newest first',
        builder: (c) => c.positional('name', { type: 'string' }).options(jsonOption),
        toOptions: (a) => ({ ...common(a), name: a.name }),
        load: async () => (await bentos()).listBentos,
      }),
      defineCommand({
        name: 'bentos get',
        usage: 'get <tag>',
        describe: 'Show one bento',
        builder: (c) => c.positional('tag', tagArg).options(jsonOption),
        toOptions: (a) => ({ ...common(a), tag: a.tag }),
        load: async () => (await bentos()).getBento,
      }),
      defineCommand({
        name: 'bentos delete',
        usage: 'delete <tag>',
        describe: 'Delete a bento',
        builder: (c) => c.positional('tag', tagArg).options(yesOption),
        toOptions: (a) => ({ ...common(a), tag: a.tag, yes: a.yes }),
        load: async () => (await bentos()).deleteBento,
      }),
      defineCommand({
        name: 'bentos export',
        usage: 'export <tag> [out]',
        describe: 'Write a bento to a portable .bento archive (tar.gz)',
        builder: (c) => c.positional('tag', tagArg).positional('out', { type: 'string', describe: 'File or directory (default: .)' }),
        toOptions: (a) => ({ ...common(a), tag: a.tag, out: a.out }),
        load: async () => (await bentos()).exportBento,
      }),
      defineCommand({
        name: 'bentos import',
        usage: 'import <file>',
        describe: 'Add a .bento archive to the bento store',
        builder: (c) => c.positional('file', { type: 'string', demandOption: true, describe: 'A file written by `mlserve bentos export`' }),
        toOptions: (a) => ({ ...common(a), file: a.file }),
        load: async () => (await bentos()).importBento,
      }),
    ],
  },
  containerize: defineCommand({
    name: 'containerize',
    usage: 'containerize <bento>',
    describe: 'Build a Docker image from a bento (needs a Docker engine)',
    builder: (c) =>
      c.positional('bento', { type: 'string', demandOption: true, describe: 'Bento tag or directory' }).options({
        tag: { alias: 't', type: 'string', describe: "Image name:tag (default: the image the bento's Deployment pulls)" },
        backend: { type: 'string', choices: ['docker', 'podman'] as const, describe: 'Container engine (default docker)' },
      }),
    toOptions: (a) => ({ ...common(a), bento: a.bento, imageTag: a.tag, backend: a.backend }),
    load: async () => (await import('./commands/containerize/index')).containerize,
  }),
  check: defineCommand({
    name: 'check',
    usage: 'check <target>',
    describe: 'Run the deployment checklist on a model or bento and write deployment_checklist.md',
    builder: (c) =>
      c.positional('target', { type: 'string', demandOption: true, describe: 'Model tag, bento tag or bento directory' }).options({
        out: { alias: 'o', type: 'string', describe: 'Checklist file (default: deployment_checklist.md)' },
        'load-requests': { type: 'number', describe: 'Most requests of the load test (default 2000)' },
        'load-seconds': { type: 'number', describe: 'Longest the load test runs (default 3)' },
      }),
    toOptions: (a) => ({ ...common(a), target: a.target, out: a.out, loadRequests: a.loadRequests, loadSeconds: a.loadSeconds }),
    load: async () => (await import('./commands/check/index')).check,
  }),
  predict: defineCommand({
    name: 'predict',
    usage: 'predict <model>',
    describe: 'Score a CSV or JSON Lines file offline with a stored model',
    builder: (c) =>
      c.positional('model', { type: 'string', demandOption: true, describe: 'Model tag' }).options({
        input: { alias: 'i', type: 'string', demandOption: true, describe: 'data.csv or data.jsonl' },
        output: { alias: 'o', type: 'string', describe: 'out.csv or out.jsonl (default: stdout, same format as the input)' },
        'batch-size': { type: 'number', default: 256, describe: 'Rows per batch' },
        workers: { type: 'number', describe: 'Runner worker threads' },
        errors: { type: 'string', describe: 'Write the "line N: message" of each rejected row to this file instead of stderr' },
        json: { type: 'boolean', describe: 'Print the result (rows, scored, rejected) as one JSON document on stdout; needs --output' },
        quiet: { alias: 'q', type: 'boolean', describe: 'Print nothing but rejected rows' },
      }),
    toOptions: (a) => ({ ...common(a), model: a.model, input: a.input, output: a.output, batchSize: a.batchSize, workers: a.workers, errors: a.errors, quiet: a.quiet }),
    load: async () => (await import('./commands/predict/index')).predict,
  }),
  init: defineCommand({
    name: 'init',
    usage: 'init <dir>',
    describe: 'Create a new mlserve project (service, test, example model, mlserve.yaml) in <dir>',
    builder: (c) =>
      c
        .positional('dir', { type: 'string', demandOption: true, describe: 'Directory to create' })
        .options({ name: { type: 'string', describe: 'npm package name (default: the directory name)' } }),
    toOptions: (a) => ({ ...common(a), dir: a.dir, name: a.name }),
    load: async () => (await import('./commands/init/index')).init,
  }),
} as const;

type NamesOf<TEntry> = TEntry extends { commands: ReadonlyArray<DeclaredCommand<infer TName>> } ? TName : TEntry extends DeclaredCommand<infer TName> ? TName : never;

/** Every command the CLI knows, as `<group> <verb>` or a single word (from the declarations above). */
export type CommandName = NamesOf<(typeof kCommands)[keyof typeof kCommands]>;

/** What one CLI invocation did. */
export interface CliResult {
  command?: CommandName;
  options?: object;
  result?: unknown;
  /** Set when yargs printed help or the version and nothing ran. */
  printedOnly: boolean;
}

/** Runs every command's implementation: the default `Dispatch`. */
export const runCommand: Dispatch = (_command, _options, run) => run();

/**
 * yargs renders the running command's whole help text as soon as its handler has started
 * (`cacheHelpMessage`), to print it should the handler fail later. mlserve's failures print their
 * own message, never that text, and rendering it took ~30 ms of every `mlserve serve` start
 * (bench/NOTES.md, seventh pass). It is reached through yargs's internal methods, so a yargs
 * without them is left as it is; `--help` renders its text afresh either way.
 */
function skipHelpCache(cli: Argv<GlobalArgs>): void {
  const usage = (cli as unknown as { getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/** Builds the yargs parser of the whole command line; each command's handler goes through `dispatch`. */
export function createCli(argv: string[], dispatch: Dispatch = runCommand, state: CliResult = { printedOnly: true }): Argv<GlobalArgs> {
  const record = async (name: CommandName, options: object, run: () => Promise<unknown>): Promise<void> => {
    state.printedOnly = false;
    state.command = name;
    state.options = options;
    state.result = await dispatch(name, options, run);
  };
  let cli: Argv<GlobalArgs> = yargs(argv)
    .scriptName('mlserve')
    .usage('$0 <command> [options]\n\nServe scikit-learn models exported to ONNX over HTTP.')
    .version(kCliVersion)
    .options({
      home: { type: 'string', describe: 'mlserve home holding models/ and bentos/ (default: $MLSERVE_HOME or ~/.mlserve)', global: true },
      verbose: { type: 'boolean', describe: 'Show stack traces of errors (also MLSERVE_DEBUG=1)', global: true },
    });
  for (const [group, entry] of Object.entries(kCommands)) {
    if (!('commands' in entry)) {
      cli = entry.register(cli, record);
      continue;
    }
    const verbs = entry.commands.map((c) => c.name.split(' ')[1]);
    cli = cli.command(group, entry.describe, (y) =>
      entry.commands.reduce((g, c) => c.register(g, record), y).demandCommand(1, `Name a ${group} command: ${verbs.slice(0, -1).join(', ')} or ${verbs.at(-1)}`),
    );
  }
  skipHelpCache(cli);
  return cli
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

/** Parses argv and runs the command through `dispatch` (default: the real implementations). */
export async function runCli(argv: string[], dispatch: Dispatch = runCommand): Promise<CliResult> {
  const state: CliResult = { printedOnly: true };
  await createCli(argv, dispatch, state).parseAsync();
  return state;
}
