/** Small order statistics shared by the imputers, scalers and clippers. */

/** The non-NaN values, sorted ascending (typed-array sort is numeric). */
export function sortedValues(v: Float64Array): Float64Array {
  return finiteCopy(v).sort();
}

/** The non-NaN values, in a new array. */
function finiteCopy(v: Float64Array): Float64Array {
  const out = new Float64Array(v.length);
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === x) out[n++] = x;
  }
  return n === v.length ? out : out.slice(0, n);
}

/**
 * The median of the non-NaN values (numpy's: the mean of the middle two), by selection in
 * linear time rather than a full sort. NaN when there are none.
 */
export function medianOf(v: Float64Array): number {
  const a = finiteCopy(v);
  const n = a.length;
  if (n === 0) return NaN;
  const m = n >> 1;
  select(a, m);
  if (n % 2) return a[m];
  // After selecting m, everything left of it is <= a[m]: the lower middle is their maximum.
  let lo = a[0];
  for (let i = 1; i < m; i++) if (a[i] > lo) lo = a[i];
  return (lo + a[m]) / 2;
}

/** Rearranges a so that a[k] is the k-th smallest, smaller ones before it (Hoare's quickselect, median-of-three pivot). */
function select(a: Float64Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot: sorted or constant columns stay linear.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
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
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === x) {
      s += x;
      n++;
    }
  }
  return n ? s / n : NaN;
}

// Plain loops throughout: TypedArray.some/map/filter call a closure per value, several times
// slower on the 100,000-row columns these see.

/** Whether any value is NaN. */
export function hasNaN(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) return true;
  return false;
}

/** A copy with NaN replaced by fill. */
export function fillNaN(v: Float64Array, fill: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] === v[i] ? v[i] : fill;
  return out;
}

/** How many values are not NaN. */
export function countFinite(v: Float64Array): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) n++;
  return n;
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
