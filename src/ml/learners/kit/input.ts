import { badRequest } from '../../../core/errors.js';
import { putOnes, type Frame, type NumericColumn, type Target, type Task } from '../../frame.js';

/**
 * Input checks and layout shared by the classic learners (trees, forests, k-NN, naive Bayes,
 * SVMs, regularized linear models). They all want numbers: the pipeline imputes and one-hot
 * encodes before them, so anything else reaching `fit` is a user error with a clear message.
 */
export interface Design {
  n: number;
  d: number;
  /** Column-major: column j at [j*n, (j+1)*n). */
  data: Float64Array;
  names: string[];
}

/** Beyond this, a value is treated as this (extreme inputs must not overflow into NaN). */
const LIMIT = 1e100;

/** What fit reads of a checked frame: its numeric columns, without a copy. */
export interface FitColumns {
  n: number;
  d: number;
  columns: NumericColumn[];
  names: string[];
}

/**
 * The checks every classic learner's fit makes: rows and columns there, every column numeric
 * and finite (imputed and encoded), a target of the right task, length and values.
 */
export function checkFit(algorithm: string, X: Frame, y: Target, task: Task): FitColumns {
  if (y.task !== task)
    throw badRequest('invalid_target', `${algorithm}: a ${task} learner got a ${y.task} target`);
  const n = X.nRows;
  if (n === 0) throw badRequest('empty_data', `${algorithm}: there are no rows to fit on`);
  if (X.columns.length === 0) throw badRequest('empty_data', `${algorithm}: there are no feature columns`);
  const yn = y.task === 'regression' ? y.values.length : y.labels.length;
  if (yn !== n) throw badRequest('invalid_target', `${algorithm}: ${n} rows but ${yn} target values`);
  const columns: NumericColumn[] = [];
  for (const c of X.columns) {
    if (c.kind !== 'numeric')
      throw badRequest(
        'categorical_input',
        `${algorithm}: column '${c.name}' is categorical; one-hot encode it first`,
      );
    columns.push(c);
    if (c.ones) continue;
    const v = c.values;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(v[i]))
        throw badRequest(
          'missing_values',
          `${algorithm}: column '${c.name}' has ${Number.isNaN(v[i]) ? 'a missing' : 'an infinite'} value at row ${i}; impute it first`,
        );
    }
  }
  if (y.task === 'regression') {
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(y.values[i]))
        throw badRequest('invalid_target', `${algorithm}: target is not finite at row ${i}`);
  } else {
    const k = y.classes.length;
    if (k === 0) throw badRequest('invalid_target', `${algorithm}: the target has no classes`);
    for (let i = 0; i < n; i++) {
      const l = y.labels[i];
      if (!(l >= 0 && l < k))
        throw badRequest('invalid_target', `${algorithm}: label ${l} at row ${i} is not a class index`);
    }
  }
  return { n, d: columns.length, columns, names: X.columns.map((c) => c.name) };
}

export function fitDesign(algorithm: string, X: Frame, y: Target, task: Task): Design {
  const { n, d, columns, names } = checkFit(algorithm, X, y, task);
  const data = new Float64Array(n * d);
  columns.forEach((c, j) => {
    if (c.ones) putOnes(data, c.ones, j * n, 1);
    else data.set(c.values, j * n);
  });
  return { n, d, data, names };
}

/**
 * The frame's columns in training order (matched by name), column-major. Missing cells take
 * `fill` (what the learner saw as typical in training) and extreme values are clamped, so
 * that predict never produces NaN.
 */
export function predictDesign(algorithm: string, X: Frame, names: string[], fill: ArrayLike<number>): Design {
  return { n: X.nRows, d: names.length, data: predictMatrix(algorithm, X, names, fill, false), names };
}

/**
 * The same as predictDesign, laid out row-major (row i at [i*d, (i+1)*d)) in one pass, for
 * the learners that read a row at a time (tree walks, distances, kernels).
 */
export function predictRows(
  algorithm: string,
  X: Frame,
  names: string[],
  fill: ArrayLike<number>,
  /** Where to write the rows (zeroed, n x d long: the forests' memory, say); else a fresh array. */
  into?: (n: number, d: number) => Float64Array,
): Design {
  return { n: X.nRows, d: names.length, data: predictMatrix(algorithm, X, names, fill, true, into), names };
}

/** A column as predictColumns gives it: the values, or an indicator's rows of ones (0 elsewhere). */
export type ColumnRead = Float64Array | { ones: Int32Array };

/**
 * The model's columns of X without copying them where nothing needs filling or clamping
 * (the usual case after the pipeline): the learners that read a column at a time (linear
 * models, naive Bayes) then skip predictDesign's n x d copy, and take one-hot indicators as
 * their rows of ones without building the dense zeros.
 */
export function predictColumns(
  algorithm: string,
  X: Frame,
  names: string[],
  fill: ArrayLike<number>,
): { n: number; cols: ColumnRead[] } {
  const n = X.nRows;
  const cols = modelColumns(algorithm, X, names).map((c, j): ColumnRead => {
    if (c.ones) return { ones: c.ones };
    const v = c.values;
    if (allWithinLimit(v, n)) return v;
    const out = new Float64Array(n);
    putColumn(out, v, fill[j], 0, 1, 0, n);
    return out;
  });
  return { n, cols };
}

/** Rows per block in weightedSums: a block's sums (K of them a row) stay in L1 while every column adds to them. */
const SUM_ROWS = 1024;

/**
 * out[i*K + k] = base[k] + Σ_j w[k*stride + j]·x_ij over the model's columns of X, each x read
 * as predictColumns reads it (missing: fill[j]; extremes clamped), added in column order,
 * a weight of 0 skipped: linear models' scores. By blocks of rows, so each column streams
 * through once with its check folded in, where a pass checking every column and then a
 * pass per column adding it read the table twice and the sums d times (40,000 x 30: 6.8 ->
 * 1.5 ms).
 */
export function weightedSums(
  algorithm: string,
  X: Frame,
  names: string[],
  fill: ArrayLike<number>,
  w: Float64Array,
  stride: number,
  base: ArrayLike<number>,
): Float64Array {
  const n = X.nRows;
  const cols = modelColumns(algorithm, X, names);
  const d = names.length;
  const K = base.length;
  const out = new Float64Array(n * K);
  // Per indicator, how far through its ones the blocks so far have gone.
  const next = new Int32Array(d);
  for (let i0 = 0; i0 < n; i0 += SUM_ROWS) {
    const i1 = Math.min(n, i0 + SUM_ROWS);
    for (let i = i0; i < i1; i++) for (let k = 0; k < K; k++) out[i * K + k] = base[k];
    for (let j = 0; j < d; j++) {
      const c = cols[j];
      if (c.ones) {
        const ones = c.ones;
        let p = next[j];
        for (; p < ones.length && ones[p] < i1; p++)
          for (let k = 0; k < K; k++) {
            const wk = w[k * stride + j];
            if (wk !== 0) out[ones[p] * K + k] += wk;
          }
        next[j] = p;
        continue;
      }
      for (let k = 0; k < K; k++) {
        const wk = w[k * stride + j];
        if (wk !== 0) addColumnBlock(out, wk, c.values, fill[j], i0, i1, k, K);
      }
    }
  }
  return out;
}

/** out[i*K + k] += w·x_i for rows [i0, i1) of column v, each x readable (a function of its own, so V8 optimizes the loop alone). */
function addColumnBlock(
  out: Float64Array,
  w: number,
  v: Float64Array,
  f: number,
  i0: number,
  i1: number,
  k: number,
  K: number,
): void {
  for (let i = i0; i < i1; i++) out[i * K + k] += w * readable(v[i], f);
}

/** An input as a model reads it: a missing one as its fill f, an extreme one clamped to ±LIMIT. */
function readable(x: number, f: number): number {
  return Math.abs(x) <= LIMIT ? x : x !== x ? f : x > 0 ? LIMIT : -LIMIT;
}

/**
 * Whether v[0, n) are all finite within LIMIT. A function of its own: as a loop inside the
 * map callback above, V8 ran it at 1.3 ns a value (40,000 x 30: 1.6 ms of a 4 ms predict).
 */
function allWithinLimit(v: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!(Math.abs(v[i]) <= LIMIT)) return false;
  return true;
}

/**
 * out[at + i * step] += w * x_i for every row i of a column from predictColumns. An indicator
 * adds w at its ones only: the same sums, since adding w * 0 changes nothing.
 */
export function addScaled(out: Float64Array, w: number, col: ColumnRead, n: number, at = 0, step = 1): void {
  if (col instanceof Float64Array) {
    if (step === 1 && at === 0) for (let i = 0; i < n; i++) out[i] += w * col[i];
    else for (let i = 0; i < n; i++) out[at + i * step] += w * col[i];
  } else {
    const ones = col.ones;
    for (let t = 0; t < ones.length; t++) out[at + ones[t] * step] += w;
  }
}

/** The columns named, in that order, each checked to be there and numeric. */
function modelColumns(algorithm: string, X: Frame, names: string[]): NumericColumn[] {
  const d = names.length;
  const byName = new Map(X.columns.map((c) => [c.name, c]));
  return names.map((name): NumericColumn => {
    const c = byName.get(name);
    if (!c) {
      const missing = names.filter((nm) => !byName.has(nm));
      throw badRequest(
        'feature_mismatch',
        `${algorithm}: the model was trained on ${d} columns; missing ${missing
          .slice(0, 5)
          .map((m) => `'${m}'`)
          .join(', ')}${missing.length > 5 ? ', ...' : ''}`,
      );
    }
    if (c.kind !== 'numeric')
      throw badRequest(
        'categorical_input',
        `${algorithm}: column '${c.name}' is categorical; one-hot encode it first`,
      );
    return c;
  });
}

/** Copies v[from..to) into out at `at` with stride `step`, missing cells filled and extremes clamped. */
function putColumn(
  out: Float64Array,
  v: Float64Array,
  f: number,
  at: number,
  step: number,
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) out[at + (i - from) * step] = readable(v[i], f);
}

/** The model's columns of X, checked, missing cells filled and extremes clamped, by column or by row. */
function predictMatrix(
  algorithm: string,
  X: Frame,
  names: string[],
  fill: ArrayLike<number>,
  byRow: boolean,
  into?: (n: number, d: number) => Float64Array,
): Float64Array {
  const n = X.nRows;
  const d = names.length;
  const cols = modelColumns(algorithm, X, names);
  const data = into ? into(n, d) : new Float64Array(n * d);
  // An indicator has nothing to fill or clamp: its ones go in place, over the zeros.
  for (let j = 0; j < d; j++) {
    const ones = cols[j].ones;
    if (ones) putOnes(data, ones, byRow ? j : j * n, byRow ? d : 1);
  }
  if (!byRow) {
    for (let j = 0; j < d; j++) if (!cols[j].ones) putColumn(data, cols[j].values, fill[j], j * n, 1, 0, n);
    return data;
  }
  // By row, in blocks of rows: the block's part of the output stays in cache while each
  // column is copied into it with stride d.
  const BLOCK = 256;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let j = 0; j < d; j++)
      if (!cols[j].ones) putColumn(data, cols[j].values, fill[j], i0 * d + j, d, i0, i1);
  }
  return data;
}

/** Per-column means: the fill for missing cells at predict time. */
export function columnMeans(D: Design | FitColumns): Float64Array {
  const m = new Float64Array(D.d);
  for (let j = 0; j < D.d; j++) {
    let s = 0;
    if ('data' in D) {
      const o = j * D.n;
      for (let i = 0; i < D.n; i++) s += D.data[o + i];
    } else {
      const c = D.columns[j];
      // An indicator's sum is its count of ones, exactly what adding its values gives.
      if (c.ones) s = c.ones.length;
      else for (let i = 0; i < D.n; i++) s += c.values[i];
    }
    m[j] = s / D.n;
  }
  return m;
}

/**
 * Row-major copy of a column-major design (distance and kernel loops read a row at a time):
 * column cols[c] at position c of rows `width` wide (the rest left 0). In blocks of rows, so
 * that a block's part of the output stays in cache while each column is read. Into `out`
 * where given (zeroed, n·width long: shared memory, say).
 */
export function rowMajor(
  D: Design,
  cols: ArrayLike<number> = Int32Array.from({ length: D.d }, (_, j) => j),
  width = cols.length,
  out: Float64Array<ArrayBufferLike> = new Float64Array(D.n * width),
): Float64Array {
  const { n, data } = D;
  for (let i0 = 0; i0 < n; i0 += 256) {
    const i1 = Math.min(n, i0 + 256);
    for (let c = 0; c < cols.length; c++) {
      const o = cols[c] * n;
      for (let i = i0; i < i1; i++) out[i * width + c] = data[o + i];
    }
  }
  return out;
}

/** Index of the largest value in each row of a row-major n x k matrix (first one on ties). */
export function argmaxRows(p: Float64Array, n: number, k: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bv = p[i * k];
    for (let c = 1; c < k; c++) {
      const v = p[i * k + c];
      if (v > bv) {
        bv = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Row-wise softmax in place, safe for -Infinity and huge scores. */
export function softmaxRows(s: Float64Array, n: number, k: number): Float64Array {
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let mx = -Infinity;
    for (let c = 0; c < k; c++) if (s[o + c] > mx) mx = s[o + c];
    if (!Number.isFinite(mx)) {
      for (let c = 0; c < k; c++) s[o + c] = 1 / k;
      continue;
    }
    let z = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(s[o + c] - mx);
      s[o + c] = e;
      z += e;
    }
    for (let c = 0; c < k; c++) s[o + c] /= z;
  }
  return s;
}
