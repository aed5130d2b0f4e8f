import { type NamedStep, readColumnTransformer } from './column-transformer';
import { type StepJSON, joinPath, readEnum, readObject, readString } from './format';
import { readFunctionTransformer } from './function-transformer';
import { readKBinsDiscretizer } from './k-bins-discretizer';
import { readMaxAbsScaler } from './max-abs-scaler';
import { readMinMaxScaler } from './min-max-scaler';
import { readOneHotEncoder } from './one-hot-encoder';
import { readOrdinalEncoder } from './ordinal-encoder';
import { readPolynomialFeatures } from './polynomial-features';
import { readRobustScaler } from './robust-scaler';
import { readSimpleImputer } from './simple-imputer';
import { readStandardScaler } from './standard-scaler';
import type { Step } from './step';

type Reader = (json: Record<string, unknown>, path: string) => Step;

const kReaders: Record<Exclude<StepJSON['type'], 'ColumnTransformer'>, Reader> = {
  SimpleImputer: readSimpleImputer,
  StandardScaler: readStandardScaler,
  MinMaxScaler: readMinMaxScaler,
  MaxAbsScaler: readMaxAbsScaler,
  RobustScaler: readRobustScaler,
  OneHotEncoder: readOneHotEncoder,
  OrdinalEncoder: readOrdinalEncoder,
  FunctionTransformer: readFunctionTransformer,
  PolynomialFeatures: readPolynomialFeatures,
  KBinsDiscretizer: readKBinsDiscretizer,
};

const kTypes = [...Object.keys(kReaders), 'ColumnTransformer'] as Array<StepJSON['type']>;

/**
 * Reads a pipeline.json's step at `path` (any of the kinds of FORMAT.md). A step nested in a
 * ColumnTransformer without a name gets its lowercase type, as a single transformer has no step
 * name in scikit-learn.
 */
export function readStep(json: unknown, path: string, nested = false): NamedStep {
  const step = readObject(json, path);
  const type = readEnum(step.type, kTypes, joinPath(path, 'type'));
  const name = nested && step.name === undefined ? type.toLowerCase() : readString(step.name, joinPath(path, 'name'));
  return { name, step: type === 'ColumnTransformer' ? readColumnTransformer(step, path, readStep) : kReaders[type](step, path) };
}
