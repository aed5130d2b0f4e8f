export { Pipeline } from './pipeline';
export type { TransformResult } from './pipeline';
export { loadPipeline } from './load-pipeline';
export { SimpleImputer } from './simple-imputer';
export type { SimpleImputerOptions, ImputeStrategy } from './simple-imputer';
export { StandardScaler } from './standard-scaler';
export type { StandardScalerOptions } from './standard-scaler';
export { MinMaxScaler } from './min-max-scaler';
export type { MinMaxScalerOptions } from './min-max-scaler';
export { OneHotEncoder } from './one-hot-encoder';
export type { OneHotEncoderOptions, OneHotDrop, Category } from './one-hot-encoder';
export { MaxAbsScaler } from './max-abs-scaler';
export { RobustScaler } from './robust-scaler';
export type { RobustScalerOptions } from './robust-scaler';
export { OrdinalEncoder } from './ordinal-encoder';
export type { OrdinalEncoderOptions } from './ordinal-encoder';
export { FunctionTransformer } from './function-transformer';
export type { FunctionTransformerOptions } from './function-transformer';
export type { NumpyFunction } from './column';
export { PolynomialFeatures } from './polynomial-features';
export type { PolynomialFeaturesOptions } from './polynomial-features';
export { KBinsDiscretizer } from './k-bins-discretizer';
export type { KBinsDiscretizerOptions, KBinsEncode, KBinsStrategy } from './k-bins-discretizer';
export { ColumnTransformer } from './column-transformer';
export type { ColumnTransformerOptions, TransformerEntry, TransformerSpec, NamedStep } from './column-transformer';
export type { Step } from './step';
export type { JSONSchema } from './input-schema';
export { kPipelineFormat } from './format';
export type {
  PipelineJSON,
  InputJSON,
  StepJSON,
  SimpleImputerJSON,
  StandardScalerJSON,
  MinMaxScalerJSON,
  OneHotEncoderJSON,
  MaxAbsScalerJSON,
  RobustScalerJSON,
  OrdinalEncoderJSON,
  FunctionTransformerJSON,
  PolynomialFeaturesJSON,
  KBinsDiscretizerJSON,
  ColumnTransformerJSON,
  ColumnTransformerEntryJSON,
} from './format';
export { kPipelineErrors, createPipelineError } from './errors';
export type { PipelineErrorCode } from './errors';
