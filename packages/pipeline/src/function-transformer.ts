import { type Column, type FunctionNode, type NumpyFunction, createNode } from './column';
import { type FunctionTransformerJSON, joinPath, readEnum } from './format';
import { kFunctions } from './numpy-function';
import { type ApplyContext, type Step, kApply, kFit, kToJSON } from './step';

/** Options of FunctionTransformer: the numpy function, by name. */
export interface FunctionTransformerOptions {
  /** `'log1p'`, `'log'`, `'sqrt'`, `'exp'` or `'abs'`: scikit-learn's `func=np.log1p`, ... */
  func: NumpyFunction;
}

/**
 * scikit-learn's FunctionTransformer of one of the common numpy functions, applied element-wise.
 * A missing value stays missing (numpy gives NaN for NaN); a value whose result is not a finite
 * number (`log(0)`, `sqrt(-1)`, `exp(1000)`) is refused with MLS_ERR_PIPELINE_OUT_OF_DOMAIN.
 */
export class FunctionTransformer implements Step {
  readonly type = 'FunctionTransformer' as const;
  readonly func: NumpyFunction;
  /** True once fitted, or read from pipeline.json (there is nothing to learn). */
  fitted = false;

  constructor(options: FunctionTransformerOptions) {
    const func = (options as FunctionTransformerOptions | undefined)?.func;
    if (!kFunctions.includes(func as NumpyFunction)) {
      throw new RangeError(`options.func must be one of ${kFunctions.map((f) => `'${f}'`).join(', ')} (numpy's np.log1p, np.log, np.sqrt, np.exp, np.abs)`);
    }
    this.func = func as NumpyFunction;
  }

  [kFit](): void {
    this.fitted = true;
  }

  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[] {
    if (!this.fitted) return ctx.fail(null, 'the FunctionTransformer is not fitted');
    return inputs.map((column) => {
      if (column.kind !== 'number') ctx.fail(null, `FunctionTransformer(${this.func}) needs numbers, but column "${column.name}" holds strings`);
      return { name: column.name, kind: 'number', node: createNode<FunctionNode>({ op: 'function', kind: 'number', input: column.node, func: this.func }) };
    });
  }

  [kToJSON](name: string): FunctionTransformerJSON {
    return { name, type: 'FunctionTransformer', func: this.func };
  }
}

/** Reads a FunctionTransformer step of pipeline.json; `path` names it in errors. */
export function readFunctionTransformer(json: Record<string, unknown>, path: string): FunctionTransformer {
  const step = new FunctionTransformer({ func: readEnum(json.func, kFunctions, joinPath(path, 'func')) });
  step.fitted = true;
  return step;
}
