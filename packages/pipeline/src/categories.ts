import { type Column, type OneHotNode, createNode } from './column';
import { joinPath } from './format';
import { compareCodePoints } from './numeric';
import type { ApplyContext } from './step';

/** A category: a number, a string, or null for missing values seen at fit time. */
export type Category = number | string | null;

/** Sorted distinct values of a column, missing (null) last: scikit-learn's `_unique`. */
export function sortedCategories(values: Float64Array | Array<string | null>): Category[] {
  if (values instanceof Float64Array) {
    const present = values.filter((x) => x === x);
    const distinct: Category[] = [...new Set(present.sort())];
    if (present.length < values.length) distinct.push(null);
    return distinct;
  }
  const strings = new Set<string>();
  let missing = false;
  for (const v of values) {
    if (v === null) missing = true;
    else strings.add(v);
  }
  const distinct: Category[] = [...strings].sort(compareCodePoints);
  if (missing) distinct.push(null);
  return distinct;
}

/**
 * The node that looks a column's value up among its fitted categories (the index, -1 for an
 * unknown value that `ignoreUnknown` lets through), shared by OneHotEncoder and OrdinalEncoder.
 * `at` is the JSON path of the categories, for errors.
 */
export function createCategoryIndex(column: Column, cats: Category[], ignoreUnknown: boolean, at: string, ctx: ApplyContext): OneHotNode {
  const index = new Map<number | string, number>();
  let nullIndex = -1;
  cats.forEach((cat, k) => {
    if (cat === null) {
      if (nullIndex >= 0) ctx.fail(joinPath(at, k), 'repeats the missing-value category');
      nullIndex = k;
      return;
    }
    if (typeof cat !== (column.kind === 'number' ? 'number' : 'string')) {
      ctx.fail(joinPath(at, k), `must be a ${column.kind}: column "${column.name}" holds ${column.kind}s`);
    }
    if (index.has(cat)) ctx.fail(joinPath(at, k), `repeats the category ${JSON.stringify(cat)}`);
    index.set(cat, k);
  });
  return createNode<OneHotNode>({ op: 'onehot', kind: 'number', input: column.node, categories: cats, index, nullIndex, ignoreUnknown });
}
