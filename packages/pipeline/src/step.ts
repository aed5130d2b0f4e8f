import type { Column } from './column';
import { type StepJSON, joinPath } from './format';

/** The values of one column over the fit records: numbers (NaN = missing) or strings (null = missing). */
export type ColumnValues = Float64Array | Array<string | null>;

/** What a step sees while fitting: the columns' values over the training records. */
export interface FitContext {
  /** The values of `columns` over every training record, computed by the steps fitted so far. */
  values(columns: readonly Column[]): ColumnValues[];
}

/** Where a step is applied, and how to refuse inconsistent fitted parameters. */
export interface ApplyContext {
  /** JSON path of the step, for errors (`steps[0].transformers[1].steps[0]`). */
  readonly path: string;
  /** Throws: a MLS_ERR_PIPELINE_FORMAT error at `path.<relative>` when loading JSON, a TypeError after fit. */
  fail(relative: string | number | null, message: string): never;
  /** The context of a nested step at the absolute JSON path `path`. */
  child(path: string): ApplyContext;
}

/** An ApplyContext at `path` whose failures go to `raise(absolutePath, message)`. */
export function createApplyContext(path: string, raise: (path: string, message: string) => never): ApplyContext {
  return {
    path,
    fail: (relative, message) => raise(relative === null ? path : joinPath(path, relative), message),
    child: (childPath) => createApplyContext(childPath, raise),
  };
}

// The members through which Pipeline and ColumnTransformer drive a step. They are symbols, so they
// stay out of the steps' public API; registered ones (Symbol.for), so two copies of this package
// still recognize each other's steps.
/** Symbol of `Step#[kFit](inputs, ctx)`: learns the parameters from the input columns. */
export const kFit: unique symbol = Symbol.for('@mlserve/pipeline:fit');
/** Symbol of `Step#[kApply](inputs, ctx)`: builds the output columns of the fitted step. */
export const kApply: unique symbol = Symbol.for('@mlserve/pipeline:apply');
/** Symbol of `Step#[kToJSON](name)`: the fitted step in the pipeline.json format. */
export const kToJSON: unique symbol = Symbol.for('@mlserve/pipeline:toJSON');

/**
 * A transformer usable as a pipeline step. The symbol-keyed methods are the contract between the
 * steps and Pipeline/ColumnTransformer; users only construct steps and pass them on.
 */
export interface Step {
  /** The step's scikit-learn class name (`'StandardScaler'`), its `type` in pipeline.json. */
  readonly type: StepJSON['type'];
  /** True once fitted (by `Pipeline#fit`) or loaded from JSON. */
  readonly fitted: boolean;
  /** Learns the parameters from the input columns. */
  [kFit](inputs: readonly Column[], ctx: FitContext): void;
  /** Builds the output columns of the fitted step over `inputs`. */
  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[];
  /** The fitted step in the pipeline.json format. */
  [kToJSON](name: string): StepJSON;
}

/** True for objects implementing Step (checked by shape: two copies of this package may meet). */
export function isStep(value: unknown): value is Step {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Step)[kFit] === 'function' &&
    typeof (value as Step)[kApply] === 'function' &&
    typeof (value as Step)[kToJSON] === 'function' &&
    typeof (value as Step).type === 'string'
  );
}

/** scikit-learn's default step name: the lowercase class name (`make_pipeline`). */
export function defaultStepName(step: Step): string {
  return step.type.toLowerCase();
}

/** Names steps like scikit-learn's `make_pipeline`: duplicated names get `-1`, `-2`, ... */
export function nameSteps(steps: readonly Step[]): string[] {
  const names = steps.map(defaultStepName);
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  const seen = new Map<string, number>();
  return names.map((n) => {
    if (counts.get(n) === 1) return n;
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return `${n}-${k}`;
  });
}

/** An optional boolean option; `what` names it in the TypeError (`options.withMean must be a boolean`). */
export function checkBoolean(value: unknown, what: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${what} must be a boolean`);
  return value;
}
