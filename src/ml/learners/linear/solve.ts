import type { Ticker } from '../../../core/abort.js';
import type { Matrix } from '../../frame.js';

/**
 * Least squares by the normal equations on centered columns, solved with Cholesky. Centering
 * takes the intercept out of the system and keeps it well conditioned. When the columns are
 * (nearly) collinear — a constant column, a full set of one-hot columns — Cholesky meets a
 * tiny pivot; then a ridge term, as small as still works, picks a near minimum-norm solution
 * whose predictions match least squares.
 */
export async function solveLeastSquares(
  X: Matrix,
  y: Float64Array,
  fitIntercept: boolean,
  ticker?: Ticker,
): Promise<{ coef: Float64Array; intercept: number; ridge: number }> {
  const n = X.nRows;
  const d = X.nCols;
  const xMean = new Float64Array(d);
  let yMean = 0;
  if (fitIntercept) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += X.data[j * n + i];
      xMean[j] = s / n;
    }
    for (let i = 0; i < n; i++) yMean += y[i];
    yMean /= n;
  }
  const Xc = new Float64Array(n * d);
  for (let j = 0; j < d; j++) for (let i = 0; i < n; i++) Xc[j * n + i] = X.data[j * n + i] - xMean[j];
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) yc[i] = y[i] - yMean;

  // G = Xcᵀ Xc (symmetric, lower triangle filled then mirrored), b = Xcᵀ yc.
  const G = new Float64Array(d * d);
  const b = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const oj = j * n;
    for (let k = 0; k <= j; k++) {
      const ok = k * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += Xc[oj + i] * Xc[ok + i];
      G[j * d + k] = G[k * d + j] = s;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += Xc[oj + i] * yc[i];
    b[j] = s;
    await ticker?.tick();
  }

  let maxDiag = 0;
  for (let j = 0; j < d; j++) maxDiag = Math.max(maxDiag, G[j * d + j]);
  let ridge = 0;
  let L = cholesky(G, d, 0, true);
  // Grow the ridge from negligible until the factorization is sound.
  for (let lambda = 1e-10 * (maxDiag || 1); !L; lambda *= 10) {
    ridge = lambda;
    L = cholesky(G, d, lambda, false);
    await ticker?.tick();
  }
  const coef = choleskySolve(L, d, b);
  let intercept = yMean;
  for (let j = 0; j < d; j++) intercept -= coef[j] * xMean[j];
  return { coef, intercept, ridge };
}

/**
 * Lower Cholesky factor of G + λI (row-major), or null when a pivot is not positive or — in
 * strict mode — is tiny next to its column's diagonal, the sign of a numerically singular matrix.
 */
export function cholesky(G: Float64Array, d: number, lambda: number, strict: boolean): Float64Array | null {
  const L = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const diag = G[j * d + j] + lambda;
    let s = diag;
    for (let k = 0; k < j; k++) s -= L[j * d + k] * L[j * d + k];
    if (!(s > 0) || (strict && s <= 1e-10 * diag)) return null;
    const ljj = Math.sqrt(s);
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = G[i * d + j];
      for (let k = 0; k < j; k++) t -= L[i * d + k] * L[j * d + k];
      L[i * d + j] = t / ljj;
    }
  }
  return L;
}

/** Solves L Lᵀ x = b. */
export function choleskySolve(L: Float64Array, d: number, b: Float64Array): Float64Array {
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * d + k] * z[k];
    z[i] = s / L[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < d; k++) s -= L[k * d + i] * x[k];
    x[i] = s / L[i * d + i];
  }
  return x;
}
