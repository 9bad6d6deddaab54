/** Regression metrics, defined as scikit-learn defines them. */

function checkLengths(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  if (y.length !== pred.length)
    throw new Error(`metrics: ${y.length} targets but ${pred.length} predictions`);
  return y.length;
}

export function mse(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  const n = checkLengths(y, pred);
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += (y[i] - pred[i]) ** 2;
  return s / n;
}

export function rmse(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  return Math.sqrt(mse(y, pred));
}

export function mae(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  const n = checkLengths(y, pred);
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(y[i] - pred[i]);
  return s / n;
}

/**
 * Coefficient of determination. A constant target gives 1 for a perfect fit and 0 otherwise
 * (scikit-learn's force_finite behaviour) instead of dividing by zero.
 */
export function r2(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  const n = checkLengths(y, pred);
  if (n === 0) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let ssTot = 0;
  let ssRes = 0;
  for (let i = 0; i < n; i++) {
    ssTot += (y[i] - mean) ** 2;
    ssRes += (y[i] - pred[i]) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/**
 * Mean absolute percentage error as a fraction (0.1 is 10%), as scikit-learn's
 * mean_absolute_percentage_error: |y − ŷ| / max(|y|, ε) with ε the float64 machine epsilon,
 * so a zero target gives a huge but finite term rather than Infinity.
 */
export function mape(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  const n = checkLengths(y, pred);
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(y[i] - pred[i]) / Math.max(Math.abs(y[i]), Number.EPSILON);
  return s / n;
}
