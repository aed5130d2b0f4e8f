import { type Category, createCategoryIndex, sortedCategories } from './categories';
import { type Column, type SlotNode, createNode } from './column';
import { type OneHotEncoderJSON, createFormatError, joinPath, readArray, readEnum, readNumber, readScalar } from './format';
import { formatPythonFloat } from './numeric';
import { type ApplyContext, type FitContext, type Step, kApply, kFit, kToJSON } from './step';

/** Options of OneHotEncoder, named as scikit-learn's (camelCase). */
export interface OneHotEncoderOptions {
  /** `'error'` (default, as scikit-learn) refuses unseen categories; `'ignore'` encodes them as zeros. */
  handleUnknown?: 'error' | 'ignore';
  /**
   * Drop no category (default), the first of each column, the first of two-category columns, or
   * the given category of each column (an array, one entry per column).
   */
  drop?: OneHotDrop;
}

export type { Category };

/** What a OneHotEncoder drops: nothing, `'first'`, `'if_binary'`, or one category per column. */
export type OneHotDrop = 'first' | 'if_binary' | null | Category[];

/**
 * scikit-learn's OneHotEncoder (dense output): one 0/1 column per fitted category, categories
 * sorted as `np.unique` sorts them (numbers numerically, strings by code point, missing last).
 */
export class OneHotEncoder implements Step {
  readonly type = 'OneHotEncoder' as const;
  readonly handleUnknown: 'error' | 'ignore';
  readonly drop: OneHotDrop;
  /** Fitted categories of each input column. */
  categories: Category[][] | null = null;
  /** scikit-learn's `drop_idx_`: per column the dropped category's index or null; null when nothing is dropped. */
  dropIdx: Array<number | null> | null = null;

  constructor(options: OneHotEncoderOptions = {}) {
    const handleUnknown = options.handleUnknown ?? 'error';
    if (handleUnknown !== 'error' && handleUnknown !== 'ignore') {
      throw new RangeError("options.handleUnknown must be 'error' or 'ignore'");
    }
    const drop = options.drop ?? null;
    const isCategory = (c: unknown): boolean => c === null || typeof c === 'string' || (typeof c === 'number' && Number.isFinite(c));
    if (Array.isArray(drop) ? !drop.every(isCategory) : drop !== null && drop !== 'first' && drop !== 'if_binary') {
      throw new RangeError("options.drop must be null, 'first', 'if_binary' or an array of one category per column");
    }
    this.handleUnknown = handleUnknown;
    this.drop = Array.isArray(drop) ? [...drop] : drop;
  }

  get fitted(): boolean {
    return this.categories !== null;
  }

  [kFit](inputs: readonly Column[], ctx: FitContext): void {
    const values = ctx.values(inputs);
    this.categories = values.map((v) => sortedCategories(v));
    const drop = this.drop;
    if (drop === 'first') this.dropIdx = this.categories.map(() => 0);
    else if (drop === 'if_binary') this.dropIdx = this.categories.map((cats) => (cats.length === 2 ? 0 : null));
    else if (drop === null) this.dropIdx = null;
    else {
      if (drop.length !== inputs.length) throw new RangeError(`options.drop must hold ${inputs.length} categories (one per column), got ${drop.length}`);
      this.dropIdx = this.categories.map((cats, i) => {
        const k = cats.indexOf(drop[i]!);
        if (k < 0) throw new RangeError(`options.drop[${i}] (${JSON.stringify(drop[i])}) is not a category of column "${inputs[i]!.name}"`);
        return k;
      });
    }
  }

  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[] {
    const { categories, dropIdx } = this;
    if (categories === null) return ctx.fail(null, 'the OneHotEncoder is not fitted');
    if (categories.length !== inputs.length) {
      ctx.fail('categories', `must hold ${inputs.length} lists (one per input column), got ${categories.length}`);
    }
    if (dropIdx !== null && dropIdx.length !== inputs.length) {
      ctx.fail('dropIdx', `must hold ${inputs.length} entries (one per input column), got ${dropIdx.length}`);
    }
    const out: Column[] = [];
    inputs.forEach((column, i) => {
      const cats = categories[i]!;
      const dropped = dropIdx?.[i] ?? null;
      if (dropped !== null && !(Number.isInteger(dropped) && dropped >= 0 && dropped < cats.length)) {
        ctx.fail(joinPath('dropIdx', i), `must be null or an index into categories[${i}]`);
      }
      const encoder = createCategoryIndex(column, cats, this.handleUnknown === 'ignore', joinPath('categories', i), ctx);
      const integers = cats.every((c) => typeof c === 'string' || (typeof c === 'number' && Number.isSafeInteger(c)));
      cats.forEach((cat, k) => {
        if (k === dropped) return;
        const node = createNode<SlotNode>({ op: 'slot', kind: 'number', input: encoder, category: k });
        out.push({ name: `${column.name}_${formatCategory(cat, integers)}`, kind: 'number', node });
      });
    });
    return out;
  }

  [kToJSON](name: string): OneHotEncoderJSON {
    return {
      name,
      type: 'OneHotEncoder',
      handleUnknown: this.handleUnknown,
      drop: Array.isArray(this.drop) ? [...this.drop] : this.drop,
      categories: (this.categories ?? []).map((cats) => [...cats]),
      dropIdx: this.dropIdx && [...this.dropIdx],
    };
  }
}

/** Reads a OneHotEncoder step of pipeline.json; `path` names it in errors. */
export function readOneHotEncoder(json: Record<string, unknown>, path: string): OneHotEncoder {
  const encoder = new OneHotEncoder({
    handleUnknown: readEnum(json.handleUnknown, ['error', 'ignore'] as const, joinPath(path, 'handleUnknown')),
    drop: Array.isArray(json.drop)
      ? json.drop.map((c, i) => readScalar(c, joinPath(joinPath(path, 'drop'), i)))
      : readEnum(json.drop ?? null, ['first', 'if_binary', null] as const, joinPath(path, 'drop')),
  });
  const catsPath = joinPath(path, 'categories');
  encoder.categories = readArray(json.categories, catsPath).map((cats, i) =>
    readArray(cats, joinPath(catsPath, i)).map((cat, k) => readScalar(cat, joinPath(joinPath(catsPath, i), k))),
  );
  const dropPath = joinPath(path, 'dropIdx');
  if (json.dropIdx === null || json.dropIdx === undefined) {
    if (encoder.drop !== null) throw createFormatError(dropPath, `must list the dropped indices when drop is ${JSON.stringify(encoder.drop)}`);
    encoder.dropIdx = null;
  } else {
    encoder.dropIdx = readArray(json.dropIdx, dropPath).map((v, i) => (v === null ? null : readNumber(v, joinPath(dropPath, i))));
  }
  return encoder;
}

/**
 * A category as scikit-learn writes it in feature names (`str(category)`): integer columns print
 * as `1`, float columns as Python floats (`1.5`, `1e+16`), missing as `nan`. Whole numbers are
 * taken for an integer column, which is what pandas infers for a CSV column of whole numbers
 * without missing values.
 */
function formatCategory(cat: Category, integers: boolean): string {
  if (cat === null) return 'nan';
  if (typeof cat === 'string') return cat;
  return integers ? String(cat) : formatPythonFloat(cat);
}
