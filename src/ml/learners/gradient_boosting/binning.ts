import { badRequest } from '../../../core/errors.js';
import type { Rng } from '../../../core/random.js';
import type { Frame } from '../../frame.js';

/**
 * Quantile binning: every feature becomes one byte per row. Bin 0 holds missing values
 * (NaN, null, and categories never seen in training); bins 1..nb hold values, so a feature
 * has at most 255 value bins and its histogram nb + 1 entries.
 *
 * Numeric bin b (1-based) holds the values x with cuts[b-2] < x <= cuts[b-1]; the last cut
 * is +Infinity, so every non-missing value has a bin. Cuts sit halfway between neighbouring
 * distinct training values, which is where a split on them is placed at prediction time.
 * Categorical bin b holds categories[b-1]; categories are ordered by frequency, and the
 * rarest ones beyond the bin budget share bin 0 with missing values.
 */
export interface NumericBins {
  name: string;
  kind: 'numeric';
  cuts: Float64Array;
}

export interface CategoricalBins {
  name: string;
  kind: 'categorical';
  categories: string[];
}

export type ColumnBins = NumericBins | CategoricalBins;

export const MAX_VALUE_BINS = 255;
/** Rows used to place the cuts: enough for 255 quantiles to be stable, cheap to sort. */
export const BIN_SAMPLE = 200_000;

export function valueBins(c: ColumnBins): number {
  return c.kind === 'numeric' ? c.cuts.length : c.categories.length;
}

/** Rows to look at when placing cuts: all of them, or a seeded sample in ascending order. */
export function sampleRows(n: number, size: number, rng: Rng): Int32Array | null {
  if (n <= size) return null;
  // Selection sampling (Knuth's algorithm S): one pass, ascending, exactly `size` rows.
  const out = new Int32Array(size);
  let k = 0;
  for (let i = 0; i < n && k < size; i++) if (rng.next() * (n - i) < size - k) out[k++] = i;
  return out;
}

/** Cut points for one numeric column from (a sample of) its values. */
export function numericCuts(values: Float64Array, sample: Int32Array | null, maxBins: number): Float64Array {
  const m = sample ? sample.length : values.length;
  const v = new Float64Array(m);
  let k = 0;
  if (sample) {
    for (let i = 0; i < m; i++) {
      const x = values[sample[i]];
      if (x === x) v[k++] = x;
    }
  } else {
    for (let i = 0; i < m; i++) {
      const x = values[i];
      if (x === x) v[k++] = x;
    }
  }
  const s = v.subarray(0, k).sort();
  // Distinct values and their counts.
  const dv: number[] = [];
  const dc: number[] = [];
  for (let i = 0; i < k; ) {
    let j = i + 1;
    while (j < k && s[j] === s[i]) j++;
    dv.push(s[i]);
    dc.push(j - i);
    i = j;
  }
  const nd = dv.length;
  const cuts: number[] = [];
  const between = (i: number) => {
    // A cut c with dv[i] <= c < dv[i+1]: the midpoint unless rounding lands it on dv[i+1].
    const a = dv[i];
    const b = dv[i + 1];
    const mid = a + (b - a) / 2;
    return Number.isFinite(mid) && mid < b && mid >= a ? mid : a;
  };
  if (nd <= maxBins) {
    for (let i = 0; i + 1 < nd; i++) cuts.push(between(i));
  } else {
    // Greedy equal-frequency bins: close a bin once it holds its share of what is left, or
    // before a value that alone fills a share (so heavy values get a bin of their own).
    let rest = k;
    let binsLeft = maxBins;
    let acc = 0;
    for (let i = 0; i + 1 < nd && binsLeft > 1; i++) {
      acc += dc[i];
      const share = rest / binsLeft;
      if (acc >= share || (acc >= share / 2 && dc[i + 1] >= share)) {
        cuts.push(between(i));
        rest -= acc;
        binsLeft--;
        acc = 0;
      }
    }
  }
  cuts.push(Infinity);
  return Float64Array.from(cuts);
}

/** Categories by descending frequency (ties by name), at most maxBins of them. */
export function categoryList(values: (string | null)[], sample: Int32Array | null, maxBins: number): string[] {
  const counts = new Map<string, number>();
  const m = sample ? sample.length : values.length;
  for (let i = 0; i < m; i++) {
    const x = values[sample ? sample[i] : i];
    if (x !== null && x !== undefined) counts.set(x, (counts.get(x) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxBins)
    .map((e) => e[0]);
}

export function fitBins(X: Frame, maxBin: number, rng: Rng, sampleSize = BIN_SAMPLE): ColumnBins[] {
  const maxBins = Math.max(1, Math.min(MAX_VALUE_BINS, maxBin));
  const sample = sampleRows(X.nRows, sampleSize, rng);
  return X.columns.map((c): ColumnBins => {
    if (c.kind === 'numeric') return { name: c.name, kind: 'numeric', cuts: numericCuts(c.values, sample, maxBins) };
    return { name: c.name, kind: 'categorical', categories: categoryList(c.values, sample, maxBins) };
  });
}

/** Bin of x among cuts (ascending, last = +Infinity): 1 + the first i with cuts[i] >= x; 0 for NaN. */
export function binOf(cuts: Float64Array, x: number): number {
  if (x !== x) return 0;
  let lo = 0;
  let hi = cuts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/** Bins one numeric column into out[0..n). Branch-light binary search over a power-of-two padded table. */
export function binNumeric(values: Float64Array, cuts: Float64Array, out: Uint8Array): void {
  const m = cuts.length;
  let size = 1;
  while (size < m) size <<= 1;
  const t = new Float64Array(size).fill(Infinity);
  t.set(cuts);
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x !== x) {
      out[i] = 0;
      continue;
    }
    // Find the first index p with t[p] >= x.
    let p = 0;
    for (let h = size >> 1; h > 0; h >>= 1) if (t[p + h - 1] < x) p += h;
    out[i] = p + 1;
  }
}

export function categoryIndex(c: CategoricalBins): Map<string, number> {
  const m = new Map<string, number>();
  c.categories.forEach((s, i) => m.set(s, i + 1));
  return m;
}

export function binCategorical(values: (string | null)[], index: Map<string, number>, out: Uint8Array): void {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    out[i] = x === null || x === undefined ? 0 : (index.get(x) ?? 0);
  }
}

/**
 * Looks up the training columns in a frame by name (extra columns are ignored) and checks
 * their kinds, so that predict fails clearly on the wrong table rather than silently.
 */
export function matchColumns(X: Frame, bins: ColumnBins[]): Frame['columns'] {
  const byName = new Map(X.columns.map((c) => [c.name, c]));
  return bins.map((b) => {
    const c = byName.get(b.name);
    if (!c) throw badRequest('missing_column', `the model needs column '${b.name}', which the input lacks`);
    if (c.kind !== b.kind)
      throw badRequest('column_kind', `column '${b.name}' is ${c.kind} here but was ${b.kind} in training`);
    return c;
  });
}

/** All columns binned into one column-major byte matrix (column j at [j*n, (j+1)*n)). */
export function binFrame(X: Frame, bins: ColumnBins[], out?: Uint8Array): Uint8Array {
  const cols = matchColumns(X, bins);
  const n = X.nRows;
  const m = out ?? new Uint8Array(n * bins.length);
  bins.forEach((b, j) => {
    const c = cols[j];
    const dst = m.subarray(j * n, (j + 1) * n);
    if (b.kind === 'numeric') binNumeric(c.values as Float64Array, b.cuts, dst);
    else binCategorical(c.values as (string | null)[], categoryIndex(b), dst);
  });
  return m;
}
