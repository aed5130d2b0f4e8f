import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { TensorInput } from '../src/index';

/** Absolute path of a committed fixture (models, fixture workers). */
export function fixture(name: string): string {
  return join(__dirname, 'fixtures', name);
}

/** A float32 input tensor of rows of equal width. */
export function rowsTensor(rows: number[][]): TensorInput {
  return { type: 'float32', data: rows.flat(), dims: [rows.length, rows[0]!.length] };
}

/** Deterministic pseudo-random rows in [-2, 2). */
export function randomRows(count: number, width: number, seed = 1): number[][] {
  let s = seed;
  const next = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return Math.fround((s / 0x7fffffff) * 4 - 2);
  };
  return Array.from({ length: count }, () => Array.from({ length: width }, next));
}

/** Runs a model on this thread, one call per row: the unbatched reference. */
export async function referenceRun(model: string, input: string, rows: number[][]): Promise<Array<Record<string, number[]>>> {
  const session = await ort.InferenceSession.create(fixture(model), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out: Array<Record<string, number[]>> = [];
    for (const row of rows) {
      const result = await session.run({ [input]: new ort.Tensor('float32', Float32Array.from(row), [1, row.length]) });
      const entry: Record<string, number[]> = {};
      for (const name of Object.keys(result)) entry[name] = Array.from(result[name]!.data as ArrayLike<number | bigint>, Number);
      out.push(entry);
    }
    return out;
  } finally {
    await session.release();
  }
}
