import { argsort, sortScratch } from '../kit/sort.js';

/**
 * Each feature's values as small integer codes (bins), so that split search builds
 * histograms or sorts integers instead of sorting floats at every node. When a feature has at
 * most `maxBins` distinct values every value gets its own bin and splits are exactly CART's
 * (thresholds halfway between neighbouring values, as scikit-learn places them); beyond that,
 * bins hold about equal numbers of rows (runs of equal values never split).
 *
 * Each column is ordered once by a radix sort of its float bits, carrying row numbers along:
 * linear in rows, and the order hands every row its code directly.
 */
export interface Bins {
  n: number;
  d: number;
  /** Feature j of row i at [i*rowStride + j*colStride]. */
  codes: Uint8Array | Uint16Array | Uint32Array;
  /**
   * Row-major (rowStride d, colStride 1) while a row's codes fit in a cache line or two, so a
   * node's pass over several features reads one line per row; column-major (rowStride 1,
   * colStride n) for wider tables, where the features a node draws sit on separate lines of
   * a row anyway and a feature's column, read in row order, streams.
   */
  rowStride: number;
  colStride: number;
  /** Feature j's bins are [offset[j], offset[j+1]) in lo and hi. */
  offset: Int32Array;
  /** Smallest and largest training value in each bin. */
  lo: Float64Array;
  hi: Float64Array;
  /** Per feature, the bin holding at least half its rows (0-based within the feature), else -1: sparse data's zero. */
  mode: Int32Array;
  /**
   * Per feature with a dominant bin, the rows outside it, ascending, at [nzOffset[j],
   * nzOffset[j+1]) of nzRows: a node whose rows outnumber them reads these instead.
   */
  nzOffset: Int32Array;
  nzRows: Int32Array;
}

/** The widest table whose codes are laid out row-major (see Bins.rowStride). */
const ROW_MAJOR_UP_TO = 128;

/** The share of the rows that makes a bin a feature's dominant one (Bins.mode). */
const DOMINANT = 0.5;

/** Columns with at most this many distinct values (one-hot, flags, small counts) skip the sort. */
const FEW_VALUES = 16;

/**
 * A bin per distinct value, when a column has at most `max` of them and no NaN: what the sort
 * below would give (bins ascending by value, a zero bin's value -0 when the column holds a
 * -0, as the sort puts it first), found in one pass instead of a radix sort of the column.
 */
function fewValueBins(
  col: Float64Array,
  max: number,
): { bins: Int32Array; values: Float64Array; size: Int32Array } | null {
  const n = col.length;
  const seen = new Float64Array(max);
  let m = 0;
  let last = NaN;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v === last) continue;
    if (v !== v) return null;
    let k = 0;
    while (k < m && seen[k] !== v) k++;
    if (k === m) {
      if (m === max) return null;
      seen[m++] = v;
    }
    last = v;
  }
  const values = seen.slice(0, m).sort();
  const zero = values.indexOf(0);
  if (zero >= 0) {
    values[zero] = 0;
    for (let i = 0; i < n; i++)
      if (col[i] === 0 && 1 / col[i] < 0) {
        values[zero] = -0;
        break;
      }
  }
  const bins = new Int32Array(n);
  const size = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    const v = col[i];
    let b = 0;
    while (values[b] !== v) b++;
    bins[i] = b;
    size[b]++;
  }
  return { bins, values, size };
}

/** One feature's bins: each row's bin (in row order), each bin's value range, its dominant bin (-1: none). */
export interface ColumnBins {
  bins: Int32Array;
  lo: Float64Array;
  hi: Float64Array;
  mode: number;
}

/** One column's bins (makeBins, per feature): `maxBins` null gives every distinct value its own bin. */
export function binColumn(
  col: Float64Array,
  maxBins: number | null,
  scratch = sortScratch(col.length),
): ColumnBins {
  const cap = maxBins ?? Infinity;
  const n = col.length;
  const dominant = (size: Int32Array, nb: number) => {
    let mode = 0;
    for (let b = 1; b < nb; b++) if (size[b] > size[mode]) mode = b;
    return size[mode] >= DOMINANT * n ? mode : -1;
  };
  const few = fewValueBins(col, Math.min(cap, FEW_VALUES));
  if (few) {
    const { bins, values, size } = few;
    return { bins, lo: values, hi: values.slice(), mode: dominant(size, values.length) };
  }
  const order = argsort(col, scratch);
  // Runs of equal values, in ascending order.
  const runStart = new Int32Array(n + 1);
  let runs = 0;
  for (let k = 0; k < n; k++) if (k === 0 || col[order[k]] !== col[order[k - 1]]) runStart[runs++] = k;
  runStart[runs] = n;
  // Bins as groups of whole runs: one run each when they fit, else greedy equal frequency.
  const binOfRun = new Int32Array(runs);
  let nb = 0;
  if (runs <= cap) {
    for (let r = 0; r < runs; r++) binOfRun[r] = r;
    nb = runs;
  } else {
    let next = n / cap;
    for (let r = 0; r < runs; r++) {
      binOfRun[r] = nb;
      const end = runStart[r + 1];
      if (end >= next || r === runs - 1) {
        nb++;
        next = ((nb + 1) * n) / cap;
      }
    }
  }
  const lo = new Float64Array(nb).fill(Infinity);
  const hi = new Float64Array(nb).fill(-Infinity);
  const bins = new Int32Array(n);
  const size = new Int32Array(nb);
  for (let r = 0; r < runs; r++) {
    const b = binOfRun[r];
    size[b] += runStart[r + 1] - runStart[r];
    const v = col[order[runStart[r]]];
    if (v < lo[b]) lo[b] = v;
    if (v > hi[b]) hi[b] = v;
    for (let k = runStart[r]; k < runStart[r + 1]; k++) bins[order[k]] = b;
  }
  return { bins, lo, hi, mode: dominant(size, nb) };
}

/** `maxBins` null: every distinct value its own bin. `share`: allocate on shared memory for worker threads. */
export function makeBins(
  data: Float64Array,
  n: number,
  d: number,
  maxBins: number | null,
  share = false,
): Bins {
  const scratch = sortScratch(n);
  const columns: ColumnBins[] = [];
  for (let j = 0; j < d; j++) columns.push(binColumn(data.subarray(j * n, (j + 1) * n), maxBins, scratch));
  return assembleBins(columns, n, share);
}

/** The table's Bins from its columns' (binColumn, here or on worker threads). */
export function assembleBins(columns: ColumnBins[], n: number, share = false): Bins {
  const d = columns.length;
  const rowBin = columns.map((c) => c.bins);
  const modes = columns.map((c) => c.mode);
  const los = columns.map((c) => c.lo);
  const his = columns.map((c) => c.hi);
  let widest = 0;
  for (const c of columns) widest = Math.max(widest, c.lo.length);
  const offset = new Int32Array(d + 1);
  for (let j = 0; j < d; j++) offset[j + 1] = offset[j] + los[j].length;
  const total = offset[d];
  const alloc = <T>(C: new (x: ArrayBuffer | SharedArrayBuffer) => T, bytes: number): T =>
    new C(share ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const mode = alloc(Int32Array, d * 4);
  mode.set(modes);
  const nzOffset = alloc(Int32Array, (d + 1) * 4);
  for (let j = 0; j < d; j++) {
    let nz = 0;
    if (modes[j] >= 0) for (let i = 0; i < n; i++) if (rowBin[j][i] !== modes[j]) nz++;
    nzOffset[j + 1] = nzOffset[j] + nz;
  }
  const nzRows = alloc(Int32Array, nzOffset[d] * 4);
  for (let j = 0; j < d; j++) {
    if (modes[j] < 0) continue;
    let k = nzOffset[j];
    for (let i = 0; i < n; i++) if (rowBin[j][i] !== modes[j]) nzRows[k++] = i;
  }
  const lo = alloc(Float64Array, total * 8);
  const hi = alloc(Float64Array, total * 8);
  for (let j = 0; j < d; j++) {
    lo.set(los[j], offset[j]);
    hi.set(his[j], offset[j]);
  }
  const codes =
    widest <= 256
      ? alloc(Uint8Array, n * d)
      : widest <= 65536
        ? alloc(Uint16Array, n * d * 2)
        : alloc(Uint32Array, n * d * 4);
  if (d > ROW_MAJOR_UP_TO) {
    for (let j = 0; j < d; j++) codes.set(rowBin[j], j * n);
    return { n, d, codes, rowStride: 1, colStride: n, offset, lo, hi, mode, nzOffset, nzRows };
  }
  // Rows in blocks, so the row-major writes of a block stay in cache across features.
  const BLOCK = 2048;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let j = 0; j < d; j++) {
      const b = rowBin[j];
      for (let i = i0; i < i1; i++) codes[i * d + j] = b[i];
    }
  }
  return { n, d, codes, rowStride: d, colStride: 1, offset, lo, hi, mode, nzOffset, nzRows };
}
