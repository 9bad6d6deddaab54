/** Small order statistics shared by the imputers, scalers and clippers. */

/** The non-NaN values, sorted ascending (typed-array sort is numeric). */
export function sortedValues(v: Float64Array): Float64Array {
  return v.filter((x) => !Number.isNaN(x)).sort();
}

/**
 * The q-quantile of ascending values with linear interpolation between order statistics
 * (numpy's default 'linear' method, which scikit-learn's RobustScaler uses). NaN when empty.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  return frac === 0 ? sorted[lo] : sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

/** Mean of the non-NaN values; NaN when there are none. */
export function meanOf(v: Float64Array): number {
  let s = 0;
  let n = 0;
  for (const x of v)
    if (!Number.isNaN(x)) {
      s += x;
      n++;
    }
  return n ? s / n : NaN;
}

/** Population variance of the non-NaN values (Welford); NaN when there are none. */
export function varianceOf(v: Float64Array): number {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of v) {
    if (Number.isNaN(x)) continue;
    n++;
    const d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  return n ? m2 / n : NaN;
}

/** The median of ascending values as numpy's median takes it: the mean of the middle two. */
export function medianSorted(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const m = n >> 1;
  return n % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}
