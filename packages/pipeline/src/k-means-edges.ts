import { linspace, pairwiseSum } from './numeric';

// KBinsDiscretizer's strategy 'kmeans': scikit-learn's KMeans (Lloyd, n_init=1, tol=1e-4,
// max_iter=300) on one column, started at the midpoints of uniform bins. The steps follow
// _kmeans_single_lloyd and lloyd_iter_chunked_dense as they run on one thread: the column is
// centred on its mean, distances are ||c||^2 - 2 x c, a sample goes to the first nearest
// center, and centers are the sums in sample order times 1 / count.

const kMaxIter = 300;
const kTol = 1e-4;

/** numpy's `np.var(x)` (ddof=0) with pairwise sums. */
function variance(x: Float64Array): number {
  const mean = pairwiseSum(x) / x.length;
  const sq = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) sq[i] = (x[i]! - mean) * (x[i]! - mean);
  return pairwiseSum(sq) / x.length;
}

/** One Lloyd iteration: labels from `centers`, and (unless `update` is false) the new centers and their shifts. */
function lloydIteration(x: Float64Array, centers: Float64Array, next: Float64Array, labels: Int32Array, shift: Float64Array, update: boolean): void {
  const k = centers.length;
  const counts = new Float64Array(k);
  if (update) next.fill(0);
  for (let i = 0; i < x.length; i++) {
    let best = 0;
    let bestDistance = centers[0]! * centers[0]! + -2 * (x[i]! * centers[0]!);
    for (let j = 1; j < k; j++) {
      const d = centers[j]! * centers[j]! + -2 * (x[i]! * centers[j]!);
      if (d < bestDistance) {
        bestDistance = d;
        best = j;
      }
    }
    labels[i] = best;
    if (update) {
      counts[best]! += 1;
      next[best]! += x[i]!;
    }
  }
  if (!update) return;
  relocateEmptyClusters(x, centers, next, counts, labels);
  let biggest = 0;
  for (let j = 1; j < k; j++) if (counts[j]! > counts[biggest]!) biggest = j;
  for (let j = 0; j < k; j++) {
    if (counts[j]! > 0) next[j]! *= 1 / counts[j]!;
    else next[j] = next[biggest]!;
  }
  for (let j = 0; j < k; j++) shift[j] = Math.sqrt((next[j]! - centers[j]!) * (next[j]! - centers[j]!));
}

/** `_relocate_empty_clusters_dense`: an empty cluster takes the sample farthest from its center. */
function relocateEmptyClusters(x: Float64Array, centers: Float64Array, next: Float64Array, counts: Float64Array, labels: Int32Array): void {
  const empty: number[] = [];
  counts.forEach((c, j) => c === 0 && empty.push(j));
  if (empty.length === 0) return;
  const distance = (i: number): number => (x[i]! - centers[labels[i]!]!) ** 2;
  // numpy's argpartition leaves the order of equal distances unspecified; this takes the later sample.
  const far = Array.from(x.keys())
    .sort((a, b) => distance(b) - distance(a) || b - a)
    .slice(0, empty.length);
  if (distance(far[0]!) === 0) return;
  empty.forEach((j, idx) => {
    const i = far[idx]!;
    next[labels[i]!]! -= x[i]!;
    next[j] = x[i]!;
    counts[j] = 1;
    counts[labels[i]!]! -= 1;
  });
}

/**
 * The bin edges of `column` (record order, no missing values) for `nBins` bins: the column's
 * minimum, the midpoints between the sorted cluster centers, and its maximum.
 */
export function fitKMeansEdges(column: Float64Array, min: number, max: number, nBins: number): number[] {
  const uniform = linspace(min, max, nBins + 1);
  const mean = pairwiseSum(column) / column.length;
  const tol = variance(column) * kTol;
  const x = column.map((v) => v - mean);
  let centers = Float64Array.from({ length: nBins }, (_, j) => (uniform[j + 1]! + uniform[j]!) * 0.5 - mean);
  let next = new Float64Array(nBins);
  const labels = new Int32Array(x.length).fill(-1);
  const previous = new Int32Array(x.length).fill(-1);
  const shift = new Float64Array(nBins);
  let strict = false;
  for (let iteration = 0; iteration < kMaxIter; iteration++) {
    lloydIteration(x, centers, next, labels, shift, true);
    [centers, next] = [next, centers];
    if (labels.every((label, i) => label === previous[i])) {
      strict = true;
      break;
    }
    let total = 0;
    for (let j = 0; j < nBins; j++) total += shift[j]! * shift[j]!;
    if (total <= tol) break;
    previous.set(labels);
  }
  if (!strict) lloydIteration(x, centers, centers, labels, shift, false);
  const sorted = Array.from(centers, (c) => c + mean).sort((a, b) => a - b);
  const inner = sorted.slice(1).map((c, j) => (c + sorted[j]!) * 0.5);
  return [min, ...inner, max];
}
