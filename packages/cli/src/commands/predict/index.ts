import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { createContext, println, type CommandOptions, type Writer } from '../../context';
import { createCliError } from '../../errors';
import { formatJson } from '../../format';
import { createProgress } from '../../progress';
import { columnTypesOf, formatOf, readRows, toCsvCell, type InputRow, type RecordFormat } from '../../records';

/** Options of `mlserve predict <model> --input <file>`. */
export interface PredictOptions extends CommandOptions {
  /** Model tag. */
  model: string;
  /** data.csv (with a header line) or data.jsonl. */
  input: string;
  /** out.csv or out.jsonl; defaults to stdout in the input's format. */
  output?: string;
  /** Rows per runner call; default 256. */
  batchSize?: number;
  /** Runner worker threads. */
  workers?: number;
  /** Batches in flight at once (bounds memory); default 4. */
  maxInFlight?: number;
  /** Write every rejection (`line N: message`) to this file instead of stderr. */
  errors?: string;
  /** Print nothing but rejections: no progress, no column note, no summary. */
  quiet?: boolean;
}

/** A row that could not be scored. */
export interface RejectedRow {
  line: number;
  message: string;
  code?: string;
}

/** What `predict` did. */
export interface PredictResult {
  rows: number;
  scored: number;
  /** How many rows were rejected. */
  rejectedCount: number;
  /** The first `kKeptRejections` rejected rows (all of them are reported as they happen). */
  rejected: RejectedRow[];
  output?: string;
  errors?: string;
}

/** Rejections kept in the returned result; the rest are only counted, so memory stays flat. */
export const kKeptRejections = 20;

/** What the runner answers for one row: a class (with probabilities when the model has them) or a value. */
interface Prediction {
  label?: unknown;
  probabilities?: ArrayLike<number>;
  value?: number | number[];
}

interface RunnerLike {
  predict(records: Array<Record<string, unknown>>): Promise<Prediction[]>;
  ready(): Promise<void>;
  inputSchema(): Record<string, unknown>;
  close(): Promise<void>;
}

type Outcome = { line: number; prediction: Prediction } | { line: number; error: RejectedRow };

/** Errors that concern one row's data (so the row is rejected and the rest go on). */
function isRowError(err: unknown): boolean {
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code !== 'string') return false;
  return e.code.startsWith('MLS_ERR_PIPELINE_') || e.code === 'MLS_ERR_RUNNER_INPUT' || e.statusCode === 400 || e.statusCode === 422;
}

function rowIndexOf(err: unknown): number | undefined {
  const row = (err as { details?: { row?: unknown } })?.details?.row;
  return typeof row === 'number' && Number.isInteger(row) ? row : undefined;
}

/**
 * Scores a batch. When the pipeline rejects a row, that row is set aside with its message and the
 * rest of the batch is retried, so one bad row costs one retry, not the batch.
 */
async function predictBatch(runner: RunnerLike, items: Array<{ line: number; record: Record<string, unknown> }>): Promise<Outcome[]> {
  if (items.length === 0) return [];
  try {
    const predictions = await runner.predict(items.map((i) => i.record));
    return items.map((item, i) => ({ line: item.line, prediction: predictions[i]! }));
  } catch (err) {
    if (!isRowError(err)) throw err;
    const reject = (item: { line: number }): Outcome => ({
      line: item.line,
      // The pipeline counts rows within the batch; the file's line number replaces that.
      error: { line: item.line, message: (err as Error).message.replace(/^row \d+,?\s*/i, ''), code: (err as { code?: string }).code },
    });
    if (items.length === 1) return [reject(items[0]!)];
    const bad = rowIndexOf(err);
    if (bad !== undefined && bad >= 0 && bad < items.length) {
      const rest = await predictBatch(
        runner,
        items.filter((_, i) => i !== bad),
      );
      rest.splice(bad, 0, reject(items[bad]!));
      return rest;
    }
    // No row index: bisect until the bad rows are found.
    const mid = Math.ceil(items.length / 2);
    return [...(await predictBatch(runner, items.slice(0, mid))), ...(await predictBatch(runner, items.slice(mid)))];
  }
}

function toArray(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => Number(v));
}

function plainLabel(label: unknown): unknown {
  return typeof label === 'bigint' ? Number(label) : label;
}

/**
 * Scores a CSV or JSON Lines file through the model's pipeline and a runner, streaming: rows are
 * read line by line and at most `maxInFlight` batches are in flight, so memory stays flat however
 * large the file. Rows that fail validation are reported with their line number; the rest go on.
 */
export async function predict(options: PredictOptions): Promise<PredictResult> {
  const ctx = createContext(options);
  const batchSize = options.batchSize ?? 256;
  const maxInFlight = options.maxInFlight ?? 4;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw createCliError('MLS_ERR_CLI_USAGE', `--batch-size must be a positive integer, got ${options.batchSize}`);
  // stdout carries either the scored rows or, with --json, the one JSON document of the result.
  if (ctx.json && options.output === undefined) throw createCliError('MLS_ERR_CLI_USAGE', '--json prints the result on stdout, so the scored rows need --output <file>');
  const quiet = options.quiet === true || ctx.json;
  const inputPath = path.resolve(ctx.cwd, options.input);
  const inputFormat = formatOf(inputPath, 'input');
  let size: number;
  try {
    size = statSync(inputPath).size;
  } catch {
    throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No input file ${options.input}`);
  }
  const outputPath = options.output ? path.resolve(ctx.cwd, options.output) : undefined;
  const outputFormat: RecordFormat = outputPath ? formatOf(outputPath, 'output') : inputFormat;
  const errorsPath = options.errors ? path.resolve(ctx.cwd, options.errors) : undefined;

  const store = new ModelStore({ root: ctx.home });
  const model = await store.get(options.model);
  const { createRunner } = await import('@mlserve/runner');
  const runnerOptions: Record<string, unknown> = { maxBatchSize: batchSize, maxQueue: batchSize * (maxInFlight + 1), maxLatencyMs: 600_000, timeoutMs: 600_000 };
  if (options.workers) runnerOptions.workers = options.workers;
  const runner = createRunner(model, runnerOptions as never) as unknown as RunnerLike;
  const task = model.signature.task;
  const classes = model.classes ?? (task?.kind === 'classification' ? task.classes : undefined);
  let columns: RecordColumns;
  try {
    await runner.ready();
    columns = recordColumns(runner.inputSchema());
  } catch (err) {
    await runner.close();
    throw err;
  }
  // By name wherever the model names its inputs (pipeline, graph inputs, feature names); by the
  // file's column order only for a model without names.
  const toInput = columns.byName
    ? (r: Record<string, unknown>): Record<string, unknown> => r
    : (r: Record<string, unknown>) => Object.values(r) as unknown as Record<string, unknown>;
  const types = columnTypesOf(columns.schema);
  let headerChecked = false;
  const checkHeader = (record: Record<string, unknown>): void => {
    headerChecked = true;
    if (!columns.byName) return;
    const present = new Set(Object.keys(record));
    const missing = columns.required.filter((name) => !present.has(name));
    if (missing.length > 0 && inputFormat === 'csv') {
      throw createCliError(
        'MLS_ERR_CLI_INPUT_FORMAT',
        `${options.input} has no column ${missing.map((n) => `"${n}"`).join(', ')}, which the model needs (it reads ${columns.required.map((n) => `"${n}"`).join(', ')})`,
        { details: { missing } },
      );
    }
    const extra = [...present].filter((name) => !columns.known.has(name));
    if (extra.length > 0 && !quiet) println(ctx.stderr, `Ignoring columns the model does not read: ${extra.join(', ')}`);
  };

  const file = outputPath ? createWriteStream(outputPath) : undefined;
  const out: Writer = file ?? ctx.stdout;
  const write = async (text: string): Promise<void> => {
    if (file && !file.write(text)) await once(file, 'drain');
    else if (!file) out.write(text);
  };
  const errorsFile = errorsPath ? createWriteStream(errorsPath) : undefined;
  const progress = createProgress(quiet ? { write: () => true } : ctx.stderr, `Scoring ${path.basename(inputPath)}`, size);
  const result: PredictResult = { rows: 0, scored: 0, rejectedCount: 0, rejected: [] };
  if (outputPath) result.output = outputPath;
  if (errorsPath) result.errors = errorsPath;
  let headerWritten = false;
  const writeOutcomes = async (outcomes: Outcome[]): Promise<void> => {
    let chunk = '';
    let errorChunk = '';
    for (const o of outcomes) {
      if ('error' in o) {
        // Counted and reported at once; only the first few are kept, so a file of bad rows cannot grow memory.
        result.rejectedCount += 1;
        if (result.rejected.length < kKeptRejections) result.rejected.push(o.error);
        errorChunk += `line ${o.line}: ${o.error.message}\n`;
        continue;
      }
      result.scored += 1;
      const { value } = o.prediction;
      if (value !== undefined) {
        const values = Array.isArray(value) ? value : [value];
        if (outputFormat === 'jsonl') chunk += `${JSON.stringify({ line: o.line, prediction: value })}\n`;
        else {
          if (!headerWritten) {
            chunk += `${['line', ...(values.length === 1 ? ['prediction'] : values.map((_, i) => `prediction_${i}`))].map(toCsvCell).join(',')}\n`;
            headerWritten = true;
          }
          chunk += `${[o.line, ...values].map(toCsvCell).join(',')}\n`;
        }
        continue;
      }
      const probabilities = o.prediction.probabilities ? toArray(o.prediction.probabilities) : [];
      const label = plainLabel(o.prediction.label);
      if (outputFormat === 'jsonl') {
        chunk += `${JSON.stringify(o.prediction.probabilities ? { line: o.line, label, probabilities } : { line: o.line, label })}\n`;
      } else {
        if (!headerWritten) {
          const names = classes && classes.length === probabilities.length ? classes.map(String) : probabilities.map((_, i) => String(i));
          chunk += `${['line', 'label', ...names.map((n) => `probability_${n}`)].map(toCsvCell).join(',')}\n`;
          headerWritten = true;
        }
        chunk += `${[o.line, label, ...probabilities].map(toCsvCell).join(',')}\n`;
      }
    }
    if (errorChunk && errorsFile) {
      if (!errorsFile.write(errorChunk)) await once(errorsFile, 'drain');
    } else if (errorChunk) {
      progress.done();
      ctx.stderr.write(errorChunk);
    }
    if (chunk) await write(chunk);
  };

  // Batches are scored concurrently but written in input order.
  const inFlight: Array<Promise<Outcome[]>> = [];
  let batch: Array<{ line: number; record: Record<string, unknown> }> = [];
  let early: Outcome[] = [];
  let bytesRead = 0;
  const flushBatch = async (): Promise<void> => {
    const items = batch;
    const pre = early;
    batch = [];
    early = [];
    inFlight.push(predictBatch(runner, items).then((outcomes) => mergeByLine(pre, outcomes)));
    if (inFlight.length >= maxInFlight) await writeOutcomes(await inFlight.shift()!);
  };
  try {
    for await (const row of readRows(inputPath, inputFormat, types, (b) => (bytesRead = b)) as AsyncGenerator<InputRow>) {
      result.rows += 1;
      if (row.error !== undefined) early.push({ line: row.line, error: { line: row.line, message: row.error } });
      else {
        if (!headerChecked) checkHeader(row.record);
        batch.push({ line: row.line, record: toInput(row.record) });
      }
      // Malformed lines never reach the runner, so they too must flush, or a file of them would pile up here.
      if (batch.length >= batchSize || early.length >= batchSize) await flushBatch();
      progress.update(bytesRead, `${result.rows} rows`);
    }
    if (batch.length > 0 || early.length > 0) await flushBatch();
    while (inFlight.length > 0) await writeOutcomes(await inFlight.shift()!);
  } finally {
    // Settle every pending batch before closing, so no rejection goes unhandled.
    await Promise.allSettled(inFlight);
    await runner.close();
    for (const stream of [file, errorsFile]) {
      if (!stream) continue;
      stream.end();
      await once(stream, 'close');
    }
  }
  const rejected = result.rejectedCount;
  progress.done();
  const where = rejected && errorsPath ? ` (listed in ${errorsPath})` : '';
  const summary = `Scored ${result.scored} of ${result.rows} rows${rejected ? `; ${rejected} rejected${where}` : ''}${outputPath ? ` -> ${outputPath}` : ''}`;
  if (ctx.json) ctx.stdout.write(formatJson(result));
  else if (!quiet && (outputPath || ctx.stderr.isTTY || rejected)) println(ctx.stderr, summary);
  return result;
}

/** The fields of one record, from the runner's record schema. */
interface RecordColumns {
  schema: Record<string, unknown>;
  byName: boolean;
  required: string[];
  known: Set<string>;
}

function recordColumns(schema: Record<string, unknown>): RecordColumns {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return { schema, byName: schema.type !== 'array', required, known: new Set([...Object.keys(properties), ...required]) };
}

function mergeByLine(a: Outcome[], b: Outcome[]): Outcome[] {
  if (a.length === 0) return b;
  return [...a, ...b].sort((x, y) => x.line - y.line);
}
