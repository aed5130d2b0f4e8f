import { createServiceError } from '../errors';
import { type V2Datatype, isV2Datatype, kV2ContentsField, kV2ElementBytes, kV2RawArrays } from '@mlserve/core';
import type { V2RequestInput, V2ResultOutput } from './inference';

/** `InferTensorContents` as @grpc/proto-loader decodes it (longs as numbers, bytes as Buffers). */
export interface GrpcTensorContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: Array<number | string>;
  uint_contents?: number[];
  uint64_contents?: Array<number | string>;
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Buffer[];
}

type ContentsField = keyof GrpcTensorContents;

const kContentsField = kV2ContentsField as Readonly<Record<Exclude<V2Datatype, 'FP16'>, ContentsField>>;

function tensorError(name: string, message: string): Error {
  return createServiceError('MLS_ERR_IO_TENSOR', `input "${name}": ${message}`, { details: { input: name } });
}

/** The elements of a typed-contents input, read from the field of its datatype. */
export function fromContents(name: string, datatype: string, contents: GrpcTensorContents | null | undefined): ArrayLike<unknown> {
  if (!isV2Datatype(datatype) || datatype === 'FP16') return [];
  const field = kContentsField[datatype];
  for (const [other, values] of Object.entries(contents ?? {}) as Array<[ContentsField, unknown[] | undefined]>) {
    if (other !== field && Array.isArray(values) && values.length > 0) throw tensorError(name, `datatype ${datatype} is carried in contents.${field}, got contents.${other}`);
  }
  const values = contents?.[field] ?? [];
  if (field === 'bytes_contents') return (values as Buffer[]).map((b) => b.toString('utf8'));
  if (field === 'int64_contents' || field === 'uint64_contents') return (values as Array<number | string>).map(Number);
  return values as ArrayLike<unknown>;
}

/** The elements of a raw input (flat, little-endian; BYTES elements length-prefixed), checked against its shape. */
export function fromRaw(input: Pick<V2RequestInput, 'name' | 'datatype' | 'shape'>, raw: Buffer): ArrayLike<unknown> {
  const { name, datatype, shape } = input;
  if (!isV2Datatype(datatype) || datatype === 'FP16') return [];
  let count = 1;
  for (const d of shape) count *= d;
  if (datatype === 'BYTES') return readBytesElements(name, raw);
  const size = kV2ElementBytes[datatype];
  if (raw.length !== count * size) throw tensorError(name, `raw contents hold ${raw.length} bytes, shape [${shape.join(', ')}] of ${datatype} calls for ${count * size}`);
  // Copied into an aligned buffer: a typed array view needs an offset that is a multiple of its element size.
  const aligned = new Uint8Array(raw.length);
  aligned.set(raw);
  if (datatype === 'BOOL') return Array.from(aligned, (b) => b !== 0);
  const view = new kV2RawArrays[datatype]!(aligned.buffer);
  if (datatype === 'INT64' || datatype === 'UINT64') {
    const out = new Array<number>(view.length);
    for (let i = 0; i < view.length; i++) {
      const v = Number(view[i]);
      if (!Number.isSafeInteger(v)) throw tensorError(name, `raw element ${i} is beyond the integers served exactly (±2^53)`);
      out[i] = v;
    }
    return out;
  }
  return view;
}

function readBytesElements(name: string, raw: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < raw.length) {
    if (at + 4 > raw.length) throw tensorError(name, `raw BYTES contents end inside the length prefix of element ${out.length}`);
    const length = raw.readUInt32LE(at);
    at += 4;
    if (at + length > raw.length) throw tensorError(name, `raw BYTES element ${out.length} is longer than the contents left`);
    out.push(raw.toString('utf8', at, at + length));
    at += length;
  }
  return out;
}

/** An output's elements as raw contents (the layout of {@link fromRaw}). */
export function toRaw(output: V2ResultOutput): Buffer {
  const { datatype, data } = output;
  if (datatype === 'BYTES') {
    const parts: Buffer[] = [];
    for (let i = 0; i < data.length; i++) {
      const text = Buffer.from(String(data[i]), 'utf8');
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32LE(text.length);
      parts.push(prefix, text);
    }
    return Buffer.concat(parts);
  }
  if (datatype === 'BOOL') return Buffer.from(Array.from(data as ArrayLike<unknown>, (v) => (v ? 1 : 0)));
  const Ctor = kV2RawArrays[datatype as V2Datatype];
  if (Ctor === undefined) throw createServiceError('MLS_ERR_IO_OUTPUT', `output "${output.name}" of datatype ${datatype} cannot be sent as raw contents`);
  let typed: ArrayBufferView;
  if (datatype === 'INT64' || datatype === 'UINT64') {
    const big = datatype === 'INT64' ? new BigInt64Array(data.length) : new BigUint64Array(data.length);
    for (let i = 0; i < data.length; i++) big[i] = BigInt(data[i] as number | string);
    typed = big;
  } else {
    typed = ArrayBuffer.isView(data) && data.constructor === Ctor ? (data as ArrayBufferView) : (Ctor as unknown as { from(a: ArrayLike<unknown>): ArrayBufferView }).from(data);
  }
  return Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** An output's elements as typed contents, in the field of its datatype. */
export function toContents(output: V2ResultOutput): GrpcTensorContents {
  const field = isV2Datatype(output.datatype) && output.datatype !== 'FP16' ? kContentsField[output.datatype] : undefined;
  if (field === undefined) throw createServiceError('MLS_ERR_IO_OUTPUT', `output "${output.name}" of datatype ${output.datatype} can only be sent as raw contents`);
  const values = Array.from(output.data as ArrayLike<unknown>);
  if (field === 'bytes_contents') return { bytes_contents: values.map((v) => Buffer.from(String(v), 'utf8')) };
  return { [field]: values } as GrpcTensorContents;
}
