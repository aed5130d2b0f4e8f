import type { MlserveError } from '@mlserve/errors';
import { createPipelineError } from './errors';

/** The value of `format` in every pipeline.json this version reads and writes. */
export const kPipelineFormat = 'mlserve.pipeline/v1';

/** A raw input column of a pipeline.json. */
export interface InputJSON {
  name: string;
  type: 'number' | 'string';
}

/** A fitted SimpleImputer step (FORMAT.md). */
export interface SimpleImputerJSON {
  name: string;
  type: 'SimpleImputer';
  strategy: 'mean' | 'median' | 'most_frequent' | 'constant';
  fillValue: number | string | null;
  statistics: Array<number | string | null>;
}

/** A fitted StandardScaler step (FORMAT.md). */
export interface StandardScalerJSON {
  name: string;
  type: 'StandardScaler';
  withMean: boolean;
  withStd: boolean;
  mean: number[] | null;
  var: number[] | null;
  scale: number[] | null;
  /** Informative; an array (one count per column) when scikit-learn saw missing values at fit. */
  nSamplesSeen: number | number[];
}

/** A fitted MinMaxScaler step (FORMAT.md). */
export interface MinMaxScalerJSON {
  name: string;
  type: 'MinMaxScaler';
  featureRange: [number, number];
  clip: boolean;
  dataMin: number[];
  dataMax: number[];
  dataRange: number[];
  scale: number[];
  min: number[];
}

/** A fitted OneHotEncoder step (FORMAT.md). */
export interface OneHotEncoderJSON {
  name: string;
  type: 'OneHotEncoder';
  handleUnknown: 'error' | 'ignore';
  /** `'first'`, `'if_binary'`, null, or scikit-learn's explicit array of one category per column. */
  drop: 'first' | 'if_binary' | null | Array<number | string | null>;
  categories: Array<Array<number | string | null>>;
  dropIdx: Array<number | null> | null;
}

/** A fitted MaxAbsScaler step (FORMAT.md). */
export interface MaxAbsScalerJSON {
  name: string;
  type: 'MaxAbsScaler';
  maxAbs: number[];
  scale: number[];
  nSamplesSeen: number;
}

/** A fitted RobustScaler step (FORMAT.md). */
export interface RobustScalerJSON {
  name: string;
  type: 'RobustScaler';
  withCentering: boolean;
  withScaling: boolean;
  quantileRange: [number, number];
  unitVariance: boolean;
  center: number[] | null;
  scale: number[] | null;
}

/** A fitted OrdinalEncoder step (FORMAT.md); `null` stands for NaN in `unknownValue` and `encodedMissingValue`. */
export interface OrdinalEncoderJSON {
  name: string;
  type: 'OrdinalEncoder';
  handleUnknown: 'error' | 'use_encoded_value';
  unknownValue: number | null;
  encodedMissingValue: number | null;
  categories: Array<Array<number | string | null>>;
}

/** A FunctionTransformer step of one of the supported numpy functions (FORMAT.md). */
export interface FunctionTransformerJSON {
  name: string;
  type: 'FunctionTransformer';
  func: 'log1p' | 'log' | 'sqrt' | 'exp' | 'abs';
}

/** A fitted PolynomialFeatures step (FORMAT.md): `powers` is scikit-learn's `powers_`. */
export interface PolynomialFeaturesJSON {
  name: string;
  type: 'PolynomialFeatures';
  degree: number | [number, number];
  interactionOnly: boolean;
  includeBias: boolean;
  powers: number[][];
}

/** A fitted KBinsDiscretizer step (FORMAT.md); `null` stands for an infinite edge. */
export interface KBinsDiscretizerJSON {
  name: string;
  type: 'KBinsDiscretizer';
  encode: 'ordinal' | 'onehot' | 'onehot-dense';
  strategy: 'uniform' | 'quantile' | 'kmeans';
  nBins: number[];
  binEdges: Array<Array<number | null>>;
}

/** One transformer of a ColumnTransformer step: named columns through nested steps. */
export interface ColumnTransformerEntryJSON {
  name: string;
  columns: string[];
  steps: StepJSON[];
}

/** A fitted ColumnTransformer step (FORMAT.md). */
export interface ColumnTransformerJSON {
  name: string;
  type: 'ColumnTransformer';
  remainder: 'drop' | 'passthrough';
  verboseFeatureNamesOut: boolean;
  transformers: ColumnTransformerEntryJSON[];
  remainderColumns: string[];
}

/** Any step of a pipeline.json. */
export type StepJSON =
  | SimpleImputerJSON
  | StandardScalerJSON
  | MinMaxScalerJSON
  | OneHotEncoderJSON
  | MaxAbsScalerJSON
  | RobustScalerJSON
  | OrdinalEncoderJSON
  | FunctionTransformerJSON
  | PolynomialFeaturesJSON
  | KBinsDiscretizerJSON
  | ColumnTransformerJSON;

/** A whole pipeline.json: the `mlserve.pipeline/v1` format of FORMAT.md. */
export interface PipelineJSON {
  format: typeof kPipelineFormat;
  inputs: InputJSON[];
  steps: StepJSON[];
}

// Readers of untrusted JSON: each names the JSON path of what it refuses, so a bad exporter
// output says where it went wrong (`steps[0].transformers[1].steps[0].categories`).

/** The MLS_ERR_PIPELINE_FORMAT error for a bad value at `path`. */
export function createFormatError(path: string, message: string): MlserveError {
  return createPipelineError('MLS_ERR_PIPELINE_FORMAT', `Invalid pipeline JSON at ${path || '(root)'}: ${message}`, {
    details: { path },
  });
}

/** `path.key`, or `key` at the root. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return `a ${typeof value}`;
}

/** A plain object, or a format error. */
export function readObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw createFormatError(path, `must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** An array, or a format error. */
export function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw createFormatError(path, `must be an array, got ${describe(value)}`);
  return value;
}

/** A string (non-empty unless `allowEmpty`), or a format error. */
export function readString(value: unknown, path: string, allowEmpty = false): string {
  if (typeof value !== 'string') throw createFormatError(path, `must be a string, got ${describe(value)}`);
  if (!allowEmpty && value === '') throw createFormatError(path, 'must not be empty');
  return value;
}

/** A boolean, or a format error. */
export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw createFormatError(path, `must be a boolean, got ${describe(value)}`);
  return value;
}

/** A finite number, or a format error. */
export function readNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw createFormatError(path, `must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/** One of `allowed`, or a format error listing them. */
export function readEnum<T extends string | null>(value: unknown, allowed: readonly T[], path: string): T {
  if (!allowed.includes(value as T)) {
    throw createFormatError(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value as T;
}

/** An array of finite numbers of length `length` (when given), or a format error. */
export function readNumbers(value: unknown, path: string, length?: number): number[] {
  const array = readArray(value, path);
  if (length !== undefined && array.length !== length) {
    throw createFormatError(path, `must hold ${length} numbers (one per column), got ${array.length}`);
  }
  return array.map((v, i) => readNumber(v, joinPath(path, i)));
}

/** An integer in `[min, max]`, or a format error. */
export function readInteger(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw createFormatError(path, `must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value as number;
}

/** A number, or NaN for null (how pipeline.json writes scikit-learn's `np.nan` options). */
export function readNumberOrNaN(value: unknown, path: string): number {
  return value === null ? NaN : readNumber(value, path);
}

/** NaN as null, for JSON. */
export function writeNumberOrNaN(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

/** A number, string or null: a fitted value of a column. */
export function readScalar(value: unknown, path: string): number | string | null {
  if (value === null || typeof value === 'string') return value;
  return readNumber(value, path);
}
