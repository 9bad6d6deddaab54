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
  const d = X.nCols;
  const { G, b, xMean, yMean } = await centeredGram(X, y, fitIntercept, ticker);
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
 * Xcᵀ Xc and Xcᵀ yc for the centered columns Xc = X - mean (no centering without an intercept).
 * Mostly-zero columns (one-hot) are kept sparse: since a centered column sums to zero,
 * Σ_i (x_j - m_j)(x_k - m_k) = Σ_{i: x_k ≠ 0} (x_j - m_j) x_k, so a pair costs the nonzeros of
 * its sparser column instead of n. Row-major d x d.
 */
export async function centeredGram(
  X: Matrix,
  y: Float64Array,
  fitIntercept: boolean,
  ticker?: Ticker,
): Promise<{ G: Float64Array; b: Float64Array; xMean: Float64Array; yMean: number }> {
  const n = X.nRows;
  const d = X.nCols;
  const col = (j: number) => X.data.subarray(j * n, (j + 1) * n);
  // Plain loops, not reduce and map: a callback per value was a fifth of the fit here.
  const sum = (a: Float64Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i];
    return s;
  };
  const minus = (a: Float64Array, m: number) => {
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i] - m;
    return out;
  };
  const xMean = new Float64Array(d);
  let yMean = 0;
  if (fitIntercept) {
    for (let j = 0; j < d; j++) xMean[j] = sum(col(j)) / n;
    yMean = sum(y) / n;
  }
  const yc = minus(y, yMean);
  // Per column: its nonzero rows when at most half are nonzero, else its centered values.
  const nonzeros: (Int32Array | null)[] = [];
  const centered: (Float64Array | null)[] = [];
  for (let j = 0; j < d; j++) {
    const c = col(j);
    let nz = 0;
    for (let i = 0; i < n; i++) if (c[i] !== 0) nz++;
    if (nz <= n / 2) {
      const idx = new Int32Array(nz);
      for (let i = 0, t = 0; i < n; i++) if (c[i] !== 0) idx[t++] = i;
      nonzeros.push(idx);
      centered.push(null);
    } else {
      nonzeros.push(null);
      centered.push(minus(c, xMean[j]));
    }
  }
  const G = new Float64Array(d * d);
  const b = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const cj = col(j);
    const mj = xMean[j];
    const zj = nonzeros[j];
    for (let k = 0; k <= j; k++) {
      const zk = nonzeros[k];
      let s = 0;
      if (zj || zk) {
        // Sum over the sparser column's nonzeros, the other column centered.
        const [sp, other, mo] = zk && (!zj || zk.length <= zj.length) ? [k, j, mj] : [j, k, xMean[k]];
        const idx = nonzeros[sp]!;
        const cs = col(sp);
        const co = col(other);
        for (let t = 0; t < idx.length; t++) s += (co[idx[t]] - mo) * cs[idx[t]];
      } else {
        const a = centered[j]!;
        const c = centered[k]!;
        for (let i = 0; i < n; i++) s += a[i] * c[i];
      }
      G[j * d + k] = G[k * d + j] = s;
    }
    let s = 0;
    if (zj) for (let t = 0; t < zj.length; t++) s += cj[zj[t]] * yc[zj[t]];
    else {
      const a = centered[j]!;
      for (let i = 0; i < n; i++) s += a[i] * yc[i];
    }
    b[j] = s;
    await ticker?.tick();
  }
  return { G, b, xMean, yMean };
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
