import type { Column } from './column';
import { createPipelineError } from './errors';
import { type ColumnTransformerEntryJSON, type ColumnTransformerJSON, createFormatError, joinPath, readArray, readBoolean, readEnum, readObject, readString } from './format';
import { type ApplyContext, type FitContext, type Step, checkBoolean, createApplyContext, defaultStepName, isStep, kApply, kFit, kToJSON, nameSteps } from './step';

/** A named step inside a ColumnTransformer's transformer (a nested pipeline). */
export interface NamedStep {
  name: string;
  step: Step;
}

/** Anything that exposes named steps, like a Pipeline (kept structural to avoid a cycle). */
interface HasNamedSteps {
  readonly namedSteps: ReadonlyArray<NamedStep>;
}

/** What a ColumnTransformer applies to its columns: a step, a list or Pipeline of steps, or a string. */
export type TransformerSpec = Step | Step[] | Array<[string, Step]> | HasNamedSteps | 'passthrough' | 'drop';

/** One `[name, transformer, columns]` entry, as scikit-learn's ColumnTransformer takes them. */
export type TransformerEntry = [name: string, transformer: TransformerSpec, columns: string[]];

/** Options of ColumnTransformer, named as scikit-learn's (camelCase). */
export interface ColumnTransformerOptions {
  /** What happens to the columns no transformer selects: `'drop'` (default, as scikit-learn) or `'passthrough'`. */
  remainder?: 'drop' | 'passthrough';
  /** Prefix output names with `<transformer>__` (default true, as scikit-learn). */
  verboseFeatureNamesOut?: boolean;
}

interface Entry {
  name: string;
  steps: NamedStep[] | 'drop';
  columns: string[];
}

/**
 * Reads one step of pipeline.json; injected by pipeline.ts so the modules do not import each
 * other. `nested` steps (inside a ColumnTransformer) may omit their name.
 */
export type ReadStep = (json: unknown, path: string, nested?: boolean) => NamedStep;

/**
 * scikit-learn's ColumnTransformer: each named transformer takes its columns (by name) through
 * its steps; outputs are concatenated in transformer order, then the remainder.
 */
export class ColumnTransformer implements Step {
  readonly type = 'ColumnTransformer' as const;
  readonly remainder: 'drop' | 'passthrough';
  readonly verboseFeatureNamesOut: boolean;
  private readonly entries: Entry[];
  /** The input columns no transformer selected, in input order (fitted; empty for remainder 'drop'). */
  remainderColumns: string[] | null = null;

  constructor(transformers: TransformerEntry[], options: ColumnTransformerOptions = {}) {
    if (!Array.isArray(transformers)) throw new TypeError('transformers must be an array of [name, transformer, columns]');
    const names = new Set<string>();
    this.entries = transformers.map((entry, i) => {
      if (!Array.isArray(entry) || entry.length !== 3) throw new TypeError(`transformers[${i}] must be [name, transformer, columns]`);
      const [name, spec, columns] = entry;
      if (typeof name !== 'string' || name === '' || name.includes('__') || name === 'remainder') {
        throw new TypeError(`transformers[${i}][0] must be a non-empty name without "__", other than "remainder"`);
      }
      if (names.has(name)) throw new TypeError(`transformers[${i}][0] repeats the name "${name}"`);
      names.add(name);
      if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) {
        throw new TypeError(`transformers[${i}][2] must be an array of column names`);
      }
      return { name, steps: toNamedSteps(spec, `transformers[${i}][1]`), columns: [...columns] };
    });
    const remainder = options.remainder ?? 'drop';
    if (remainder !== 'drop' && remainder !== 'passthrough') throw new RangeError("options.remainder must be 'drop' or 'passthrough'");
    this.remainder = remainder;
    this.verboseFeatureNamesOut = checkBoolean(options.verboseFeatureNamesOut, 'options.verboseFeatureNamesOut', true);
  }

  get fitted(): boolean {
    return this.remainderColumns !== null && this.entries.every((e) => e.steps === 'drop' || e.steps.every((s) => s.step.fitted));
  }

  [kFit](inputs: readonly Column[], ctx: FitContext): void {
    const byName = new Map(inputs.map((c) => [c.name, c]));
    const selected = new Set<string>();
    const applyCtx = createApplyContext('', (_path, message) => {
      throw new TypeError(message);
    });
    for (const entry of this.entries) {
      const columns = entry.columns.map((name) => {
        const column = byName.get(name);
        if (!column) {
          throw createPipelineError('MLS_ERR_PIPELINE_MISSING_COLUMN', `ColumnTransformer "${entry.name}" selects column "${name}", which no record has`, {
            details: { row: null, column: name },
          });
        }
        selected.add(name);
        return column;
      });
      if (entry.steps === 'drop') continue;
      let current = columns;
      for (const { step } of entry.steps) {
        step[kFit](current, ctx);
        current = step[kApply](current, applyCtx);
      }
    }
    this.remainderColumns = this.remainder === 'passthrough' ? inputs.map((c) => c.name).filter((n) => !selected.has(n)) : [];
  }

  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[] {
    if (this.remainderColumns === null) return ctx.fail(null, 'the ColumnTransformer is not fitted');
    const byName = new Map(inputs.map((c) => [c.name, c]));
    const select = (name: string, at: string): Column => byName.get(name) ?? ctx.fail(at, `names no input column ("${name}")`);
    const out: Column[] = [];
    const prefix = (p: string, column: Column): Column => (this.verboseFeatureNamesOut ? { ...column, name: `${p}__${column.name}` } : column);
    let index = 0;
    for (const entry of this.entries) {
      if (entry.steps === 'drop') continue;
      const at = joinPath('transformers', index++);
      let current = entry.columns.map((name, j) => select(name, joinPath(joinPath(at, 'columns'), j)));
      entry.steps.forEach(({ step }, k) => {
        current = step[kApply](current, ctx.child(joinPath(joinPath(joinPath(ctx.path, at), 'steps'), k)));
      });
      out.push(...current.map((c) => prefix(entry.name, c)));
    }
    this.remainderColumns.forEach((name, j) => out.push(prefix('remainder', select(name, joinPath('remainderColumns', j)))));
    if (!this.verboseFeatureNamesOut) {
      const seen = new Set<string>();
      for (const c of out) {
        if (seen.has(c.name)) ctx.fail('verboseFeatureNamesOut', `output names are not unique ("${c.name}"); set verboseFeatureNamesOut to true`);
        seen.add(c.name);
      }
    }
    return out;
  }

  [kToJSON](name: string): ColumnTransformerJSON {
    const transformers: ColumnTransformerEntryJSON[] = [];
    for (const entry of this.entries) {
      if (entry.steps === 'drop') continue;
      transformers.push({ name: entry.name, columns: [...entry.columns], steps: entry.steps.map((s) => s.step[kToJSON](s.name)) });
    }
    return {
      name,
      type: 'ColumnTransformer',
      remainder: this.remainder,
      verboseFeatureNamesOut: this.verboseFeatureNamesOut,
      transformers,
      remainderColumns: [...(this.remainderColumns ?? [])],
    };
  }
}

/** Reads a ColumnTransformer step of pipeline.json; `path` names it in errors. */
export function readColumnTransformer(json: Record<string, unknown>, path: string, readStep: ReadStep): ColumnTransformer {
  const listPath = joinPath(path, 'transformers');
  const entries = readArray(json.transformers, listPath).map((raw, i): TransformerEntry => {
    const at = joinPath(listPath, i);
    const entry = readObject(raw, at);
    const name = readString(entry.name, joinPath(at, 'name'));
    const columns = readArray(entry.columns, joinPath(at, 'columns')).map((c, j) => readString(c, joinPath(joinPath(at, 'columns'), j), true));
    const steps = readArray(entry.steps, joinPath(at, 'steps')).map((s, k) => readStep(s, joinPath(joinPath(at, 'steps'), k), true));
    return [name, steps.length === 0 ? 'passthrough' : { namedSteps: steps }, columns];
  });
  const remainder = readEnum(json.remainder, ['drop', 'passthrough'] as const, joinPath(path, 'remainder'));
  const verbose = json.verboseFeatureNamesOut === undefined ? true : readBoolean(json.verboseFeatureNamesOut, joinPath(path, 'verboseFeatureNamesOut'));
  let transformer: ColumnTransformer;
  try {
    transformer = new ColumnTransformer(entries, { remainder, verboseFeatureNamesOut: verbose });
  } catch (err) {
    throw createFormatError(listPath, (err as Error).message);
  }
  const restPath = joinPath(path, 'remainderColumns');
  transformer.remainderColumns =
    json.remainderColumns === undefined && remainder === 'drop' ? [] : readArray(json.remainderColumns, restPath).map((c, j) => readString(c, joinPath(restPath, j), true));
  return transformer;
}

function toNamedSteps(spec: TransformerSpec, what: string): NamedStep[] | 'drop' {
  if (spec === 'drop') return 'drop';
  if (spec === 'passthrough') return [];
  if (isStep(spec)) return [{ name: defaultStepName(spec), step: spec }];
  if (typeof spec === 'object' && spec !== null && 'namedSteps' in spec && Array.isArray(spec.namedSteps)) {
    return spec.namedSteps.map((s) => ({ ...s }));
  }
  if (Array.isArray(spec)) {
    if (spec.every(isStep)) {
      const names = nameSteps(spec);
      return spec.map((step, i) => ({ name: names[i]!, step }));
    }
    return spec.map((pair, i) => {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || !isStep(pair[1])) {
        throw new TypeError(`${what}[${i}] must be a transformer or a [name, transformer] pair`);
      }
      return { name: pair[0], step: pair[1] };
    });
  }
  throw new TypeError(`${what} must be a transformer, an array of transformers, a Pipeline, 'passthrough' or 'drop'`);
}
