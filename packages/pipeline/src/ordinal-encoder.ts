import { type Category, createCategoryIndex, sortedCategories } from './categories';
import { type Column, type OrdinalNode, createNode } from './column';
import { type OrdinalEncoderJSON, createFormatError, joinPath, readArray, readEnum, readNumberOrNaN, readScalar, writeNumberOrNaN } from './format';
import { type ApplyContext, type FitContext, type Step, kApply, kFit, kToJSON } from './step';

/** Options of OrdinalEncoder, named as scikit-learn's (camelCase). */
export interface OrdinalEncoderOptions {
  /** `'error'` (default) refuses unseen categories; `'use_encoded_value'` encodes them as `unknownValue`. */
  handleUnknown?: 'error' | 'use_encoded_value';
  /** The code of unseen categories under `'use_encoded_value'`: an integer that no category uses, or NaN. */
  unknownValue?: number | null;
  /** The code of missing values seen at fit (their category); default NaN, as scikit-learn. */
  encodedMissingValue?: number;
}

/**
 * scikit-learn's OrdinalEncoder: each value becomes the index of its category, categories sorted
 * as OneHotEncoder sorts them. A missing value seen at fit is a category whose code is
 * `encodedMissingValue` (NaN by default, which a later SimpleImputer can fill).
 */
export class OrdinalEncoder implements Step {
  readonly type = 'OrdinalEncoder' as const;
  readonly handleUnknown: 'error' | 'use_encoded_value';
  readonly unknownValue: number | null;
  readonly encodedMissingValue: number;
  /** Fitted categories of each input column. */
  categories: Category[][] | null = null;

  constructor(options: OrdinalEncoderOptions = {}) {
    const handleUnknown = options.handleUnknown ?? 'error';
    if (handleUnknown !== 'error' && handleUnknown !== 'use_encoded_value') {
      throw new RangeError("options.handleUnknown must be 'error' or 'use_encoded_value'");
    }
    const unknown = options.unknownValue ?? null;
    if (handleUnknown === 'use_encoded_value' ? !(unknown !== null && (Number.isInteger(unknown) || Number.isNaN(unknown))) : unknown !== null) {
      throw new TypeError("options.unknownValue must be an integer or NaN with handleUnknown 'use_encoded_value', and absent otherwise");
    }
    const missing = options.encodedMissingValue ?? NaN;
    if (!(Number.isInteger(missing) || Number.isNaN(missing))) throw new TypeError('options.encodedMissingValue must be an integer or NaN');
    this.handleUnknown = handleUnknown;
    this.unknownValue = unknown;
    this.encodedMissingValue = missing;
  }

  get fitted(): boolean {
    return this.categories !== null;
  }

  [kFit](inputs: readonly Column[], ctx: FitContext): void {
    const categories = ctx.values(inputs).map((v) => sortedCategories(v));
    // scikit-learn's own checks: a code must not collide with the index of a real category.
    const unknown = this.unknownValue;
    if (unknown !== null && categories.some((cats) => unknown >= 0 && unknown < cats.length)) {
      throw new RangeError(`options.unknownValue (${unknown}) is one of the codes of the seen categories`);
    }
    const missing = this.encodedMissingValue;
    categories.forEach((cats, i) => {
      if (cats.includes(null) && missing >= 0 && missing < cats.length) {
        throw new RangeError(`options.encodedMissingValue (${missing}) is already the code of a category of column "${inputs[i]!.name}"`);
      }
    });
    this.categories = categories;
  }

  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[] {
    const categories = this.categories;
    if (categories === null) return ctx.fail(null, 'the OrdinalEncoder is not fitted');
    if (categories.length !== inputs.length) ctx.fail('categories', `must hold ${inputs.length} lists (one per input column), got ${categories.length}`);
    const ignore = this.handleUnknown === 'use_encoded_value';
    return inputs.map((column, i) => {
      const lookup = createCategoryIndex(column, categories[i]!, ignore, joinPath('categories', i), ctx);
      const node = createNode<OrdinalNode>({ op: 'ordinal', kind: 'number', input: lookup, missing: this.encodedMissingValue, unknown: this.unknownValue ?? NaN });
      return { name: column.name, kind: 'number', node };
    });
  }

  [kToJSON](name: string): OrdinalEncoderJSON {
    return {
      name,
      type: 'OrdinalEncoder',
      handleUnknown: this.handleUnknown,
      unknownValue: this.unknownValue === null ? null : writeNumberOrNaN(this.unknownValue),
      encodedMissingValue: writeNumberOrNaN(this.encodedMissingValue),
      categories: (this.categories ?? []).map((cats) => [...cats]),
    };
  }
}

/** Reads an OrdinalEncoder step of pipeline.json; `path` names it in errors. */
export function readOrdinalEncoder(json: Record<string, unknown>, path: string): OrdinalEncoder {
  const handleUnknown = readEnum(json.handleUnknown, ['error', 'use_encoded_value'] as const, joinPath(path, 'handleUnknown'));
  const unknownPath = joinPath(path, 'unknownValue');
  const missingPath = joinPath(path, 'encodedMissingValue');
  let encoder: OrdinalEncoder;
  try {
    encoder = new OrdinalEncoder({
      handleUnknown,
      unknownValue: handleUnknown === 'use_encoded_value' ? readNumberOrNaN(json.unknownValue ?? null, unknownPath) : null,
      encodedMissingValue: readNumberOrNaN(json.encodedMissingValue ?? null, missingPath),
    });
  } catch (err) {
    const message = (err as Error).message;
    throw createFormatError(message.includes('unknownValue') ? unknownPath : missingPath, message.replace(/^options\.\w+ /, ''));
  }
  const catsPath = joinPath(path, 'categories');
  encoder.categories = readArray(json.categories, catsPath).map((cats, i) =>
    readArray(cats, joinPath(catsPath, i)).map((cat, k) => readScalar(cat, joinPath(joinPath(catsPath, i), k))),
  );
  return encoder;
}
