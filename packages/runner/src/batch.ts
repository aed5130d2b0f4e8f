import type { Deadline } from '@mlserve/core';
import { createRunnerError } from './errors';
import { type TensorOutput, type TensorType, type TypedArray, type WireOutput, type WireTensor, allocate, kTransferMinBytes, toOutputData } from './tensor';

/** Outputs of one request, by name. */
export type Outputs = Record<string, TensorOutput>;

/** Queue states of an item. */
export const kQueued = 0;
export const kRunning = 1;
export const kDone = 2;

/**
 * What a caller awaits: one run() or predict() call. A request larger than maxBatchSize becomes
 * several items (chunks) whose outputs are put back together in order.
 */
export class Job {
  readonly items: Item[] = [];
  readonly createdAt: number;
  readonly rows: number;
  done = false;
  /**
   * Set once a chunk reached a worker: the other chunks then wait only their turn, so maxLatencyMs
   * no longer refuses a large request while its earlier chunks run.
   */
  started = false;
  /** Its entry in the scheduler's pending jobs (their timeoutMs deadlines). */
  timeout: Deadline<Job> | undefined = undefined;
  /** Its maxLatencyMs deadline, until its first rows reach a worker. */
  latency: Deadline<Job> | undefined = undefined;
  #remaining = 0;
  #parts: Array<Outputs | undefined> | undefined;
  readonly #resolve: (outputs: Outputs) => void;
  readonly #reject: (err: Error) => void;

  constructor(rows: number, createdAt: number, resolve: (outputs: Outputs) => void, reject: (err: Error) => void) {
    this.rows = rows;
    this.createdAt = createdAt;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Adds a chunk; `key` groups requests whose tensors can be concatenated along dim 0. */
  add(inputs: Record<string, WireTensor>, rows: number, key: string, enqueuedAt: number): Item {
    const item = new Item(this, this.items.length, inputs, rows, key, enqueuedAt);
    this.items.push(item);
    this.#remaining++;
    return item;
  }

  /** Records a chunk's outputs; true when that completed the job. */
  complete(item: Item, outputs: Outputs): boolean {
    item.state = kDone;
    if (this.done) return false;
    if (this.items.length === 1) {
      this.done = true;
      this.#resolve(outputs);
      return true;
    }
    (this.#parts ??= new Array<Outputs | undefined>(this.items.length))[item.index] = outputs;
    if (--this.#remaining > 0) return false;
    this.done = true;
    this.#resolve(concatOutputs(this.#parts as Outputs[]));
    return true;
  }

  /** Rejects the job (once); its chunks still queued are left for the queue to skip. */
  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.#reject(err);
  }
}

/** One entry of the queue: a whole request, or one chunk of a large one. */
export class Item {
  state = kQueued;
  /** Set when it ran once more alone after a worker died under it: a second death fails it. */
  rerunAfterCrash = false;
  constructor(
    readonly job: Job,
    readonly index: number,
    readonly inputs: Record<string, WireTensor>,
    readonly rows: number,
    readonly key: string,
    readonly enqueuedAt: number,
  ) {}
}

/** Groups requests whose tensors can be concatenated along dim 0: the same names and trailing dims. */
export function mergeKey(tensors: Record<string, WireTensor>): string {
  let key = '';
  for (const name in tensors) {
    const t = tensors[name]!;
    key += t.dims.length === 2 ? `${name}:${t.dims[1]};` : `${name}:${t.dims.slice(1).join('x')};`;
  }
  return key;
}

/** A request of `rows` rows cut into chunks of at most `maxRows` rows (views, not copies). */
export function chunkRows(tensors: Record<string, WireTensor>, rows: number, maxRows: number): Array<[Record<string, WireTensor>, number]> {
  const chunks: Array<[Record<string, WireTensor>, number]> = [];
  for (let start = 0; start < rows; start += maxRows) {
    const end = Math.min(rows, start + maxRows);
    const chunk: Record<string, WireTensor> = {};
    for (const name in tensors) chunk[name] = sliceRows(tensors[name]!, start, end);
    chunks.push([chunk, end - start]);
  }
  return chunks;
}

/** Rows [start, end) of a tensor, without copying typed arrays. */
export function sliceRows(t: WireTensor, start: number, end: number): WireTensor {
  const rowSize = rowSizeOf(t.dims);
  const dims = t.dims.slice();
  dims[0] = end - start;
  const data = Array.isArray(t.data) ? t.data.slice(start * rowSize, end * rowSize) : (t.data as TypedArray).subarray(start * rowSize, end * rowSize);
  return { type: t.type, data, dims };
}

function rowSizeOf(dims: number[]): number {
  let size = 1;
  for (let i = 1; i < dims.length; i++) size *= dims[i]!;
  return size;
}

/**
 * Concatenates the items' inputs along dim 0 into fresh arrays, which (when large) are transferred
 * to the worker instead of copied. A lone item is sent as it is (structured clone copies it),
 * unless its data is a view into a larger buffer, which would be cloned whole.
 */
export function mergeInputs(items: Item[], rows: number): { inputs: Record<string, WireTensor>; transferList: ArrayBuffer[] } {
  const transferList: ArrayBuffer[] = [];
  const first = items[0]!.inputs;
  if (items.length === 1) {
    const inputs: Record<string, WireTensor> = {};
    for (const name in first) {
      const t = first[name]!;
      if (!Array.isArray(t.data) && (t.data as TypedArray).byteLength !== (t.data as TypedArray).buffer.byteLength) {
        const copy = (t.data as TypedArray).slice();
        if (copy.byteLength >= kTransferMinBytes) transferList.push(copy.buffer as ArrayBuffer);
        inputs[name] = { type: t.type, data: copy, dims: t.dims };
      } else {
        inputs[name] = t;
      }
    }
    return { inputs, transferList };
  }
  const inputs: Record<string, WireTensor> = {};
  for (const name in first) {
    const t = first[name]!;
    const rowSize = rowSizeOf(t.dims);
    const dims = t.dims.slice();
    dims[0] = rows;
    if (t.type === 'string') {
      const data: string[] = [];
      for (const item of items) for (const s of item.inputs[name]!.data as string[]) data.push(s);
      inputs[name] = { type: t.type, data, dims };
    } else {
      const data = allocate(t.type, rows * rowSize) as TypedArray;
      let offset = 0;
      for (const item of items) {
        const src = item.inputs[name]!.data as TypedArray;
        (data as Float32Array).set(src as Float32Array, offset);
        offset += src.length;
      }
      if (data.byteLength >= kTransferMinBytes) transferList.push(data.buffer as ArrayBuffer);
      inputs[name] = { type: t.type, data, dims };
    }
  }
  return { inputs, transferList };
}

/**
 * Splits a batch's outputs back into each item's rows, in order. Every output must have the batch
 * as its first dimension, unless the batch holds a single whole request.
 */
export function splitOutputs(items: Item[], rows: number, outputs: Record<string, WireOutput>): Outputs[] {
  const result: Outputs[] = items.map(() => ({}));
  for (const name in outputs) {
    const o = outputs[name]!;
    if (o.dims[0] !== rows) {
      if (items.length === 1 && items[0]!.job.items.length === 1) {
        result[0]![name] = { type: o.type, data: toOutputData(o.type, o.data, 0, o.data.length), dims: o.dims };
        continue;
      }
      throw createRunnerError(
        'MLS_ERR_RUNNER_INFERENCE',
        `output "${name}" has shape [${o.dims.join(', ')}], not the batch of ${rows} rows first; it cannot be batched, set maxBatchSize: 1`,
      );
    }
    const rowSize = rowSizeOf(o.dims);
    let offset = 0;
    for (let i = 0; i < items.length; i++) {
      const n = items[i]!.rows;
      const dims = o.dims.slice();
      dims[0] = n;
      result[i]![name] = { type: o.type, data: toOutputData(o.type, o.data, offset * rowSize, (offset + n) * rowSize), dims };
      offset += n;
    }
  }
  return result;
}

/** Puts the outputs of a chunked request back together along dim 0. */
export function concatOutputs(parts: Outputs[]): Outputs {
  const out: Outputs = {};
  const first = parts[0]!;
  for (const name in first) {
    const type: TensorType = first[name]!.type;
    let rows = 0;
    let length = 0;
    for (const p of parts) {
      rows += p[name]!.dims[0]!;
      length += p[name]!.data.length;
    }
    const dims = first[name]!.dims.slice();
    dims[0] = rows;
    let data: TensorOutput['data'];
    if (Array.isArray(first[name]!.data)) {
      data = ([] as Array<number | string | boolean>).concat(...parts.map((p) => p[name]!.data as Array<number | string | boolean>)) as TensorOutput['data'];
    } else {
      const typed = allocate(type, length) as Float32Array;
      let offset = 0;
      for (const p of parts) {
        typed.set(p[name]!.data as Float32Array, offset);
        offset += p[name]!.data.length;
      }
      data = typed;
    }
    out[name] = { type, data, dims };
  }
  return out;
}
