import { badRequest } from '../core/errors.js';
import { Rng } from '../core/random.js';

/** One cross-validation fold: row indices to fit on and to score, each ascending. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

function checkFolds(n: number, k: number, what = 'rows'): void {
  if (!Number.isInteger(k) || k < 2)
    throw badRequest('invalid_folds', `folds must be an integer of at least 2, got ${String(k)}`);
  if (k > n) throw badRequest('invalid_folds', `cannot make ${k} folds from ${n} ${what}`);
}

/** Folds from each row's fold number: the fold's rows are its test set, the rest its training set. */
function fromAssignment(assign: Int32Array, k: number): Fold[] {
  const n = assign.length;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[assign[i]]++;
  return Array.from({ length: k }, (_, f) => {
    const test = new Int32Array(sizes[f]);
    const train = new Int32Array(n - sizes[f]);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (assign[i] === f) test[a++] = i;
      else train[b++] = i;
    }
    return { train, test };
  });
}

/**
 * k-fold: rows shuffled with the seed (or kept in order with shuffle false), cut into k
 * contiguous parts whose sizes differ by at most one (the first n mod k get the extra row,
 * as scikit-learn's KFold).
 */
export function kFold(n: number, k: number, seed = 0, shuffle = true): Fold[] {
  checkFolds(n, k);
  const order = shuffle ? new Rng(seed).permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const assign = new Int32Array(n);
  const base = Math.floor(n / k);
  const extra = n % k;
  let p = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let s = 0; s < size; s++) assign[order[p++]] = f;
  }
  return fromAssignment(assign, k);
}

/**
 * Stratified k-fold: each class's rows are shuffled with the seed and dealt round-robin, one
 * class after another, so every fold holds each class within one row of its share and the
 * folds' sizes differ by at most one. A class rarer than k is missing from some folds.
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed = 0): Fold[] {
  const n = labels.length;
  checkFolds(n, k);
  const rng = new Rng(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = byClass.get(labels[i]);
    if (g) g.push(i);
    else byClass.set(labels[i], [i]);
  }
  const assign = new Int32Array(n);
  let p = 0;
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const i of rng.shuffle(byClass.get(cls)!)) assign[i] = p++ % k;
  }
  return fromAssignment(assign, k);
}

export interface TimeSeriesOptions {
  /** Rows per test fold; default n / (k + 1), as scikit-learn's TimeSeriesSplit. */
  testSize?: number;
  /** Rows left out between the end of training and the start of the test fold. */
  gap?: number;
  /** Keep only the latest rows of training (a sliding rather than an expanding window). */
  maxTrainSize?: number;
}

/**
 * Time-series split with an expanding window: rows are taken in order (oldest first); fold f
 * tests the f-th of the last k blocks of `testSize` rows and trains on every row before it
 * (less `gap`), so no fold trains on its future. Deterministic: there is nothing to shuffle.
 */
export function timeSeriesSplit(n: number, k: number, o: TimeSeriesOptions = {}): Fold[] {
  checkFolds(n, k);
  const gap = o.gap ?? 0;
  const testSize = o.testSize ?? Math.floor(n / (k + 1));
  if (!Number.isInteger(gap) || gap < 0)
    throw badRequest('invalid_folds', `gap must be a non-negative integer, got ${String(gap)}`);
  if (!Number.isInteger(testSize) || testSize < 1)
    throw badRequest('invalid_folds', `test size must be a positive integer, got ${String(testSize)}`);
  if (n - gap - testSize * k <= 0)
    throw badRequest(
      'invalid_folds',
      `${n} rows are too few for ${k} time-series folds of ${testSize} rows with a gap of ${gap}`,
    );
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const start = n - (k - f) * testSize;
    const trainEnd = start - gap;
    const trainStart = o.maxTrainSize ? Math.max(0, trainEnd - o.maxTrainSize) : 0;
    folds.push({
      train: Int32Array.from({ length: trainEnd - trainStart }, (_, i) => trainStart + i),
      test: Int32Array.from({ length: testSize }, (_, i) => start + i),
    });
  }
  return folds;
}
