import path from 'node:path';
import { computeReferenceStats, type ReferenceStats } from '@mlserve/core';
import { ModelStore } from '@mlserve/model-store';
import { createContext, println, type CommandOptions } from '../../context';
import { createCliError } from '../../errors';
import { columnTypesOf, formatOf, readRows } from '../../records';

/** Options of `mlserve models reference <tag> <data>`. */
export interface ReferenceModelOptions extends CommandOptions {
  tag: string;
  /** The training data: data.csv (with a header line) or data.jsonl. */
  data: string;
  /** The column holding the true label or value: baseline accuracy or MAE on the data. */
  target?: string;
  /** Quantile bins per numeric column (default 10). */
  bins?: number;
}

const kChunk = 256;

type AnyPrediction = { label?: string | number; index?: number; value?: number | number[] };

/** True when a prediction matches a true label: by class name, or by class position for a numeric target. */
function isCorrect(p: AnyPrediction, truth: unknown): boolean {
  return String(p.label) === String(truth) || (typeof truth === 'number' && p.index === truth);
}

/**
 * Computes the reference statistics of a stored model from its training data, in Node (the same
 * document the scikit-learn exporter's `--reference` writes), and stores them with the version.
 * The predictions come from the model itself. Baseline metrics: the model's recorded
 * `test_accuracy` / `test_mae` when present, else the score on the data against `target`.
 */
export async function referenceModel(options: ReferenceModelOptions): Promise<ReferenceStats> {
  const ctx = createContext(options);
  const file = path.resolve(ctx.cwd, options.data);
  const format = formatOf(file, 'input');
  if (options.bins !== undefined && (!Number.isInteger(options.bins) || options.bins < 2)) throw createCliError('MLS_ERR_CLI_USAGE', '--bins must be an integer of at least 2');
  const store = new ModelStore({ root: ctx.home });
  const model = await store.get(options.tag);
  const task = model.signature.task;
  if (task === undefined) throw createCliError('MLS_ERR_CLI_USAGE', `${model.tag} is neither a classifier nor a regressor: reference statistics need its predictions`);
  const { createRunner } = await import('@mlserve/runner');
  const runner = createRunner(model, { maxBatchSize: kChunk, maxQueue: kChunk * 2, maxLatencyMs: 600_000, timeoutMs: 600_000 });
  try {
    await runner.ready();
    const types = columnTypesOf(runner.inputSchema());
    if (options.target !== undefined) types.set(options.target, 'any');
    const rows: Array<Record<string, unknown>> = [];
    const truths: unknown[] = [];
    for await (const row of readRows(file, format, types)) {
      if (row.error !== undefined) throw createCliError('MLS_ERR_CLI_INPUT_FORMAT', `${options.data} line ${row.line}: ${row.error}`);
      const record = { ...row.record };
      if (options.target !== undefined) {
        if (!(options.target in record)) throw createCliError('MLS_ERR_CLI_INPUT_FORMAT', `${options.data} has no column "${options.target}" (--target)`);
        truths.push(record[options.target]);
        delete record[options.target];
      }
      rows.push(record);
    }
    if (rows.length === 0) throw createCliError('MLS_ERR_CLI_INPUT_FORMAT', `${options.data} holds no rows`);
    const predictions: AnyPrediction[] = [];
    for (let i = 0; i < rows.length; i += kChunk) predictions.push(...((await runner.predict(rows.slice(i, i + kChunk))) as AnyPrediction[]));
    const first = (p: AnyPrediction): number => (Array.isArray(p.value) ? p.value[0]! : p.value!);
    const metrics: ReferenceStats['metrics'] = {};
    const recorded = model.manifest.metrics;
    if (task.kind === 'classification' && recorded.test_accuracy !== undefined) metrics.accuracy = recorded.test_accuracy;
    else if (task.kind === 'regression' && recorded.test_mae !== undefined) metrics.mae = recorded.test_mae;
    else if (truths.length > 0 && task.kind === 'classification') metrics.accuracy = predictions.filter((p, i) => isCorrect(p, truths[i])).length / rows.length;
    else if (truths.length > 0) metrics.mae = predictions.reduce((s, p, i) => s + Math.abs(first(p) - Number(truths[i])), 0) / rows.length;
    const stats = computeReferenceStats(rows, {
      features: model.pipeline?.featureNamesIn ?? Object.keys(rows[0]!),
      predictions: predictions.map((p) => (task.kind === 'classification' ? String(p.label) : first(p))),
      task: task.kind,
      metrics,
      bins: options.bins,
      samples: rows.slice(0, 5).map((input, i) => {
        const p = predictions[i]!;
        return task.kind === 'classification'
          ? {
              input,
              label: String(p.label),
              ...(Array.isArray((p as { probabilities?: unknown }).probabilities) ? { probabilities: (p as { probabilities: number[] }).probabilities } : {}),
            }
          : { input, value: first(p) };
      }),
    });
    await store.setStats(model.tag, stats);
    if (ctx.json) ctx.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
    else {
      const baseline =
        Object.entries(metrics)
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join(', ') || 'none';
      println(ctx.stdout, `Reference statistics of ${model.tag}: ${rows.length} rows, ${Object.keys(stats.features).length} features, baseline ${baseline}`);
    }
    return stats;
  } finally {
    await runner.close();
  }
}
