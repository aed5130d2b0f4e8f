/** Element types a tensor may have (ONNX Runtime's names). */
export type TensorType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool' | 'string';

/** The numeric element types of a tensor sent as JSON (every TensorType but `uint64` and `string`). */
export type TensorDType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'bool';

/** The array type backing each dtype (`bool` is stored as 0/1 bytes, as ONNX Runtime does). */
export interface TensorDataMap {
  float32: Float32Array;
  float64: Float64Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
}

/** Any typed array a tensor's data may be held in. */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** Every TensorType, in the order ONNX Runtime lists them. */
export const kTensorTypes: readonly TensorType[] = Object.freeze(['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool', 'string']);

/** True for the element types a tensor may have. */
export function isTensorType(type: unknown): type is TensorType {
  return typeof type === 'string' && (kTensorTypes as readonly string[]).includes(type);
}
