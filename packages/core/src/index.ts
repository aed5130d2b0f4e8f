export { isTensorType, kTensorTypes } from './tensor-types';
export type { TensorDataMap, TensorDType, TensorType, TypedArray } from './tensor-types';
export type { ClassificationTask, ModelSignature, ModelTask, RegressionTask, TensorSpec, TensorSpecType, ZipMapOutput } from './signature';
export { nonTensorOutputMessage } from './output-checks';
export { DeadlineQueue } from './deadline-queue';
export type { Deadline } from './deadline-queue';
