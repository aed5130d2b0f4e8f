import type { NumpyFunction } from './column';

/** FunctionTransformer's functions, in the order of their codes in a compiled Program. */
export const kFunctions: readonly NumpyFunction[] = ['log1p', 'log', 'sqrt', 'exp', 'abs'];
/** What each function accepts, for error messages. */
export const kDomains: Record<NumpyFunction, string> = {
  log1p: 'a number above -1',
  log: 'a positive number',
  sqrt: 'a number >= 0',
  exp: 'a number <= 709.78 (larger ones overflow)',
  abs: 'a finite number',
};

/**
 * numpy's function `kFunctions[code]`. `sqrt` and `abs` are exact in both; JavaScript's `log1p`,
 * `log` and `exp` can differ from numpy's in the last bit of the float64 result, which the single
 * cast to float32 hides except on a float32 rounding boundary.
 */
export function applyFunction(code: number, x: number): number {
  switch (code) {
    case 0:
      return Math.log1p(x);
    case 1:
      return Math.log(x);
    case 2:
      return Math.sqrt(x);
    case 3:
      return Math.exp(x);
    default:
      return Math.abs(x);
  }
}
