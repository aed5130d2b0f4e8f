/** The tensor element types of the Open Inference Protocol (V2). */
export type V2Datatype = 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

/** Every V2 datatype, in the order of the specification's table. */
export const kV2Datatypes: readonly V2Datatype[] = Object.freeze([
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
]);

/** The ONNX Runtime element type (core's TensorType names, plus `float16`) of each V2 datatype. */
const kToTensorType: Readonly<Record<V2Datatype, string>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const kFromTensorType: ReadonlyMap<string, V2Datatype> = new Map(Object.entries(kToTensorType).map(([v2, onnx]) => [onnx, v2 as V2Datatype]));

/** Bytes per element in raw (binary) tensor contents; BYTES elements are length-prefixed instead. */
export const kV2ElementBytes: Readonly<Record<Exclude<V2Datatype, 'BYTES'>, number>> = {
  BOOL: 1,
  UINT8: 1,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  FP32: 4,
  FP64: 8,
};

/** True for a V2 datatype name. */
export function isV2Datatype(value: unknown): value is V2Datatype {
  return typeof value === 'string' && (kV2Datatypes as readonly string[]).includes(value);
}

/** The V2 datatype of an ONNX element type (`float32` -> `FP32`); `undefined` for a non-tensor type. */
export function v2DatatypeOf(tensorType: string): V2Datatype | undefined {
  return kFromTensorType.get(tensorType);
}

/** The ONNX element type of a V2 datatype (`FP32` -> `float32`). */
export function tensorTypeOf(datatype: V2Datatype): string {
  return kToTensorType[datatype];
}

/** Inclusive bounds of the integer datatypes that JSON numbers hold exactly. */
export const kIntegerRanges: Readonly<Partial<Record<V2Datatype, readonly [number, number]>>> = {
  UINT8: [0, 0xff],
  UINT16: [0, 0xffff],
  UINT32: [0, 0xffffffff],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-0x80, 0x7f],
  INT16: [-0x8000, 0x7fff],
  INT32: [-0x80000000, 0x7fffffff],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** The field of gRPC `InferTensorContents` that carries each datatype (FP16 has none: raw only). */
export const kV2ContentsField: Readonly<Record<Exclude<V2Datatype, 'FP16'>, string>> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

/** The little-endian typed array that reads raw contents of each numeric datatype (BOOL is bytes). */
export const kV2RawArrays: Readonly<Partial<Record<V2Datatype, new (buffer: ArrayBuffer) => ArrayLike<number | bigint>>>> = {
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP32: Float32Array,
  FP64: Float64Array,
};
