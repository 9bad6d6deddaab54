/**
 * Kernels for the SVMs, as scikit-learn (libsvm) defines them:
 *   linear  x·z          rbf  exp(-gamma |x - z|²)
 *   poly    (gamma x·z + coef0)^degree          sigmoid  tanh(gamma x·z + coef0)
 * Rows are row-major; |x|² is precomputed so an RBF entry costs one dot product.
 */
import { Dots } from '../kit/simd.js';

export type KernelName = 'linear' | 'poly' | 'rbf' | 'sigmoid';

export interface KernelSpec {
  kernel: KernelName;
  gamma: number;
  degree: number;
  coef0: number;
}

/**
 * Columns that are mostly zero (one-hot categories), kept apart from the rest: their part of
 * a dot product runs over each row's nonzeros, the rest on SIMD. metro_traffic's 70 columns
 * have 13 nonzeros a row.
 */
interface SparseTail {
  /** The other columns, in order: what Dots holds. */
  dense: Int32Array;
  /** The sparse columns (original indices). */
  cols: Int32Array;
  /**
   * Per row, its nonzeros in the sparse columns, w slots a row (the most any row has; rows
   * with fewer point the rest at a slot that stays 0), so that the loop over them has a fixed
   * count: a count that varies by row mispredicted at every row. Dots keeps them (its create's sparse)
   * and adds their part of each dot product.
   */
  w: number;
  at: Int32Array;
  val: Float64Array;
  /** The dense part of a query vector. */
  q: Float64Array;
}

/** A column is sparse at this share of nonzeros or below; splitting pays from half the columns sparse. */
const SPARSE_SHARE = 0.125;

function sparseTail(X: Float64Array, n: number, d: number): SparseTail | null {
  if (n === 0 || d < 8) return null;
  const nz = new Int32Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) if (X[i * d + j] !== 0) nz[j]++;
  const sparse: number[] = [];
  const dense: number[] = [];
  for (let j = 0; j < d; j++) (nz[j] <= SPARSE_SHARE * n ? sparse : dense).push(j);
  if (sparse.length < d / 2 || dense.length < 4) return null;
  const cols = Int32Array.from(sparse);
  let w = 0;
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (const j of sparse) if (X[i * d + j] !== 0) c++;
    if (c > w) w = c;
  }
  if (w > MAX_SPARSE_SLOTS) return null;
  const zero = cols.length;
  const at = new Int32Array(n * w).fill(zero);
  const val = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    let e = i * w;
    for (let k = 0; k < cols.length; k++) {
      const v = X[i * d + cols[k]];
      if (v !== 0) {
        at[e] = k;
        val[e++] = v;
      }
    }
  }
  return {
    dense: Int32Array.from(dense),
    cols,
    w,
    at,
    val,
    q: new Float64Array(dense.length),
  };
}

/** Most nonzeros a row may have in the sparse columns for the split (one-hot: one per category column). */
const MAX_SPARSE_SLOTS = 16;

/** Whole kernel rows of n training rows in shared memory, and per row whether it is there yet. */
export interface RowStore {
  /** n x n, row-major. */
  values: Float32Array;
  /** Per row: ROW_NONE, ROW_BUSY (a thread is computing it) or ROW_READY. */
  state: Int32Array;
}

const ROW_NONE = 0;
const ROW_BUSY = 1;
const ROW_READY = 2;

/** A store for n rows, or null where n x n kernel values do not fit `budgetBytes`. */
export function rowStore(n: number, budgetBytes: number): RowStore | null {
  if (n * n * 4 > budgetBytes) return null;
  return {
    values: new Float32Array(new SharedArrayBuffer(n * n * 4)),
    state: new Int32Array(new SharedArrayBuffer(n * 4)),
  };
}

export class Kernel {
  readonly norms: Float64Array;
  /** The rows again in WebAssembly memory, for SIMD dot products (null where unavailable). */
  private readonly dots: Dots | null;
  /** Where most columns are mostly zero: those columns (the rest go to dots). */
  private readonly tail: SparseTail | null;
  private scratch = new Float64Array(0);

  constructor(
    readonly spec: KernelSpec,
    /** Row-major n x d. */
    readonly X: Float64Array,
    readonly n: number,
    readonly d: number,
  ) {
    this.norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += X[i * d + j] * X[i * d + j];
      this.norms[i] = s;
    }
    this.tail = sparseTail(X, n, d);
    const t = this.tail;
    if (t) {
      const dd = t.dense.length;
      const XD = new Float64Array(n * dd);
      for (let i = 0; i < n; i++) for (let k = 0; k < dd; k++) XD[i * dd + k] = X[i * d + t.dense[k]];
      this.dots = Dots.create(XD, n, dd, { at: t.at, val: t.val, w: t.w, cols: t.cols.length });
      if (!this.dots) this.tail = null;
    } else this.dots = d >= 4 ? Dots.create(X, n, d) : null;
    this.dots?.setNorms(this.norms);
  }

  /** Whole kernel rows K(a, every row), where enabled (shareRows). */
  private store: RowStore | null = null;
  private all: Int32Array | null = null;

  /**
   * Takes whole kernel rows from `store` for the fits that follow: the pairs of a multiclass
   * problem and the cross-validation folds of Platt scaling are fits over subsets of the same
   * rows, and would each compute the same kernel entries again (libsvm, fitting each on its
   * own, does). The store is shared memory, so worker threads reuse each other's rows.
   */
  shareRows(store: RowStore): void {
    this.store = store;
    this.all = Int32Array.from({ length: this.n }, (_, i) => i);
  }

  /**
   * K(row a, rows[t]) for every t into out, from the store's row when there is one (the same
   * values: each entry is computed alike either way).
   */
  columnOf(a: number, rows: Int32Array, out: Float32Array): void {
    const s = this.store;
    if (!s) {
      this.column(a, rows, out);
      return;
    }
    const n = this.n;
    const r = s.values.subarray(a * n, (a + 1) * n);
    if (Atomics.load(s.state, a) !== ROW_READY) {
      if (Atomics.compareExchange(s.state, a, ROW_NONE, ROW_BUSY) !== ROW_NONE) {
        // Another thread is computing this row: the column alone costs less than waiting.
        this.column(a, rows, out);
        return;
      }
      this.column(a, this.all!, r);
      Atomics.store(s.state, a, ROW_READY);
    }
    for (let t = 0; t < rows.length; t++) out[t] = r[rows[t]];
  }

  /** K(row a, row b). */
  at(a: number, b: number): number {
    const { X, d } = this;
    let dot = 0;
    const oa = a * d;
    const ob = b * d;
    for (let j = 0; j < d; j++) dot += X[oa + j] * X[ob + j];
    return this.fromDot(dot, this.norms[a], this.norms[b]);
  }

  fromDot(dot: number, na: number, nb: number): number {
    const s = this.spec;
    switch (s.kernel) {
      case 'linear':
        return dot;
      case 'rbf': {
        const d2 = na + nb - 2 * dot;
        return Math.exp(-s.gamma * (d2 > 0 ? d2 : 0));
      }
      case 'poly':
        return Math.pow(s.gamma * dot + s.coef0, s.degree);
      case 'sigmoid':
        return Math.tanh(s.gamma * dot + s.coef0);
    }
  }

  /** K(q, rows[t]) for an outside vector q (length d), into out. */
  against(q: Float64Array, rows: Int32Array, out: Float64Array): void {
    const { X, d } = this;
    let nq = 0;
    for (let j = 0; j < d; j++) nq += q[j] * q[j];
    const m = rows.length;
    const seq = this.dots && m === this.n && (m === 0 || (rows[0] === 0 && rows[m - 1] === m - 1));
    if (seq) {
      const t = this.tail;
      if (!t) {
        this.transform(this.dots!.against(q, 0, m), out, m, nq, rows, true, true);
        return;
      }
      for (let k = 0; k < t.dense.length; k++) t.q[k] = q[t.dense[k]];
      const dv = this.dots!.against(t.q, 0, m);
      this.addSparse(m, true, (spread) => {
        for (let k = 0; k < t.cols.length; k++) spread[k] = q[t.cols[k]];
      });
      this.transform(dv, out, m, nq, rows, true, true);
      return;
    }
    for (let t = 0; t < m; t++) {
      const ob = rows[t] * d;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += q[j] * X[ob + j];
      out[t] = dot;
    }
    this.transform(out, out, m, nq, rows, false, false);
  }

  /**
   * Adds the sparse columns' part to the first m dot products in the Dots output view: `lay`
   * writes the fixed vector's sparse part into the spread row, which is cleared after.
   */
  private addSparse(m: number, seq: boolean, lay: (spread: Float64Array) => void): void {
    const spread = this.dots!.spread();
    lay(spread);
    this.dots!.addSparse(m, seq);
    spread.fill(0);
  }

  /**
   * Dot products (double) to kernel values, into out; `inDots`: dv is the Dots output view,
   * of the rows of the last byIndex call or (seq) the first m rows.
   */
  private transform(
    dv: Float64Array,
    out: Float64Array | Float32Array,
    m: number,
    na: number,
    rows: Int32Array,
    inDots: boolean,
    seq: boolean,
  ): void {
    const { kernel, gamma, coef0, degree } = this.spec;
    const norms = this.norms;
    if (kernel === 'rbf' && inDots) {
      // The exponents in place, then e^x, both in WebAssembly: Math.exp was most of an RBF
      // column's cost, then the exponents' loop.
      this.dots!.rbfExponentsOut(m, na, gamma, seq);
      this.dots!.expNegOut(m);
      out.set(dv.subarray(0, m));
    } else if (kernel === 'rbf') {
      for (let t = 0; t < m; t++) {
        const d2 = na + norms[rows[t]] - 2 * dv[t];
        out[t] = Math.exp(-gamma * (d2 > 0 ? d2 : 0));
      }
    } else if (kernel === 'poly') {
      for (let t = 0; t < m; t++) out[t] = Math.pow(gamma * dv[t] + coef0, degree);
    } else if (kernel === 'sigmoid') {
      for (let t = 0; t < m; t++) out[t] = Math.tanh(gamma * dv[t] + coef0);
    } else for (let t = 0; t < m; t++) out[t] = dv[t];
  }

  /**
   * K(row a, rows[t]) for every t, into out (which may be single precision: the kernel is
   * computed in double first, as libsvm does before caching it as float).
   */
  column(a: number, rows: Int32Array, out: Float64Array | Float32Array): void {
    const { X, d, norms } = this;
    const m = rows.length;
    let dv: Float64Array;
    if (this.dots) {
      dv = this.dots.byIndex(a, rows);
      const t = this.tail;
      if (t)
        this.addSparse(m, false, (spread) => {
          for (let k = a * t.w; k < (a + 1) * t.w; k++) spread[t.at[k]] = t.val[k];
        });
    } else {
      if (this.scratch.length < m) this.scratch = new Float64Array(m);
      dv = this.scratch;
      const oa = a * d;
      for (let t = 0; t < m; t++) {
        const ob = rows[t] * d;
        let dot = 0;
        let j = 0;
        for (; j + 4 <= d; j += 4)
          dot +=
            X[oa + j] * X[ob + j] +
            X[oa + j + 1] * X[ob + j + 1] +
            X[oa + j + 2] * X[ob + j + 2] +
            X[oa + j + 3] * X[ob + j + 3];
        for (; j < d; j++) dot += X[oa + j] * X[ob + j];
        dv[t] = dot;
      }
    }
    this.transform(dv, out, m, norms[a], rows, this.dots !== null, false);
  }
}

/** gamma 'scale' as scikit-learn computes it: 1 / (d · variance of all entries). */
export function scaleGamma(X: Float64Array, d: number): number {
  const N = X.length;
  let m = 0;
  for (let i = 0; i < N; i++) m += X[i];
  m /= N;
  let v = 0;
  for (let i = 0; i < N; i++) v += (X[i] - m) ** 2;
  v /= N;
  return v > 0 ? 1 / (d * v) : 1;
}
