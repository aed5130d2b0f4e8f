import { binOf } from './compute-reference-stats';
import type { ColumnStats } from './reference-stats';

// A bin empty on one side would make PSI infinite; the usual floor keeps it finite and large.
const kFloor = 1e-4;

/** The Population Stability Index of `actual` against `expected` proportions (same bins). */
export function psi(expected: readonly number[], actual: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]!, kFloor);
    const a = Math.max(actual[i] ?? 0, kFloor);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/**
 * Merges a numeric column's reference bins down to at most `maxBins` (keeping every other edge, as
 * quintiles from deciles): PSI's usual thresholds assume each bin holds enough rows, which a small
 * window does not.
 */
export function coarsenBins(edges: readonly number[], proportions: readonly number[], maxBins: number): { edges: number[]; proportions: number[] } {
  const bins = proportions.length;
  if (maxBins >= bins) return { edges: [...edges], proportions: [...proportions] };
  const k = Math.max(2, maxBins);
  const keep = new Set<number>();
  for (let j = 1; j < k; j++) keep.add(Math.round((j * bins) / k) - 1);
  const kept: number[] = [];
  const merged: number[] = [0];
  for (let i = 0; i < bins; i++) {
    merged[merged.length - 1]! += proportions[i]!;
    if (i < edges.length && keep.has(i)) {
      kept.push(edges[i]!);
      merged.push(0);
    }
  }
  return { edges: kept, proportions: merged };
}

/**
 * PSI of observed values (missing ones left out) against a column's reference; `maxBins` coarsens
 * numeric bins (see {@link coarsenBins}). Categories unseen in the reference share one extra bin.
 * `undefined` when no value is present.
 */
export function columnPsi(reference: ColumnStats, values: readonly unknown[], maxBins = Infinity): number | undefined {
  if (reference.kind === 'numeric') {
    const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (numbers.length === 0) return undefined;
    const { edges, proportions } = coarsenBins(reference.edges, reference.proportions, maxBins);
    const counts = new Array<number>(proportions.length).fill(0);
    for (const v of numbers) counts[binOf(edges, v)]!++;
    return psi(
      proportions,
      counts.map((c) => c / numbers.length),
    );
  }
  const present = values.filter((v) => v !== null && v !== undefined && !(typeof v === 'number' && Number.isNaN(v))).map(String);
  if (present.length === 0) return undefined;
  const categories = Object.keys(reference.frequencies);
  const index = new Map(categories.map((c, i) => [c, i]));
  const counts = new Array<number>(categories.length + 1).fill(0);
  for (const v of present) counts[index.get(v) ?? categories.length]!++;
  const expected = [...categories.map((c) => reference.frequencies[c]!), Math.max(0, 1 - categories.reduce((s, c) => s + reference.frequencies[c]!, 0))];
  return psi(
    expected,
    counts.map((c) => c / present.length),
  );
}
