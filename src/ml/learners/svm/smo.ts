import type { Ticker } from '../../../core/abort.js';
import type { Kernel } from './kernel.js';

/**
 * Sequential minimal optimization for the SVM duals, after Fan, Chen and Lin (2005), the
 * method of libsvm (and so of scikit-learn's SVC and SVR):
 *
 *   min ½ αᵀQα + pᵀα   subject to  yᵀα = 0,  0 <= α <= C,   y in {+1, -1}
 *
 * Each step picks the pair (i, j) by second-order working-set selection, solves the
 * two-variable problem in closed form (clipped to the box) and updates the gradient with two
 * columns of Q, which an LRU cache keeps. Stops when the largest KKT violation pair is below eps.
 */
export interface QMatrix {
  size: number;
  diag: Float64Array;
  /** Column i of Q (length size); valid until the next two calls. */
  column(i: number): Float32Array;
}

const TAU = 1e-12;

/**
 * Columns computed on demand, the least recently used dropped past a byte budget. Single
 * precision, as libsvm caches Q: twice the columns in the same memory.
 */
export class ColumnCache {
  private readonly cols = new Map<number, Float32Array>();
  private readonly cap: number;

  constructor(
    private readonly length: number,
    private readonly fill: (i: number, out: Float32Array) => void,
    budgetBytes = 200 * 1024 * 1024,
  ) {
    // At least two, so fetching column j never recycles the column i fetched just before.
    this.cap = Math.max(2, Math.floor(budgetBytes / (4 * Math.max(1, length))));
  }

  get(i: number): Float32Array {
    let c = this.cols.get(i);
    if (c) {
      // Re-insert: Map order is recency.
      this.cols.delete(i);
      this.cols.set(i, c);
      return c;
    }
    if (this.cols.size >= this.cap) {
      const oldest = this.cols.keys().next().value as number;
      c = this.cols.get(oldest)!;
      this.cols.delete(oldest);
    } else c = new Float32Array(this.length);
    this.fill(i, c);
    this.cols.set(i, c);
    return c;
  }
}

/** Q for classification: y_i y_j K(x_i, x_j) over the subproblem's rows (cached as Q columns). */
export function classifierQ(kernel: Kernel, rows: Int32Array, y: Int8Array, budgetBytes?: number): QMatrix {
  const l = rows.length;
  const cache = new ColumnCache(
    l,
    (i, out) => {
      kernel.column(rows[i], rows, out);
      const yi = y[i];
      for (let t = 0; t < l; t++) out[t] *= yi * y[t];
    },
    budgetBytes,
  );
  const diag = new Float64Array(l);
  for (let i = 0; i < l; i++) diag[i] = kernel.at(rows[i], rows[i]);
  return { size: l, diag, column: (i) => cache.get(i) };
}

/** Q for ε-regression: 2l variables (α, then α*), Q = [K -K; -K K]. */
export function regressorQ(kernel: Kernel, rows: Int32Array, budgetBytes?: number): QMatrix {
  const l = rows.length;
  const cache = new ColumnCache(l, (i, out) => kernel.column(rows[i], rows, out), budgetBytes);
  const diag = new Float64Array(2 * l);
  for (let i = 0; i < l; i++) diag[i] = diag[i + l] = kernel.at(rows[i], rows[i]);
  const bufs = [new Float32Array(2 * l), new Float32Array(2 * l)];
  let turn = 0;
  return {
    size: 2 * l,
    diag,
    column(i: number) {
      const base = i < l ? i : i - l;
      const si = i < l ? 1 : -1;
      const k = cache.get(base);
      const out = bufs[(turn ^= 1)];
      for (let t = 0; t < l; t++) {
        out[t] = si * k[t];
        out[t + l] = -si * k[t];
      }
      return out;
    },
  };
}

export interface SmoResult {
  alpha: Float64Array;
  rho: number;
  iterations: number;
}

export async function smo(
  Q: QMatrix,
  p: Float64Array,
  y: Int8Array,
  C: number,
  eps: number,
  ticker?: Ticker,
  maxIter = Infinity,
): Promise<SmoResult> {
  const l = Q.size;
  const alpha = new Float64Array(l);
  const G = Float64Array.from(p);
  const QD = Q.diag;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    if ((iter & 15) === 15) await ticker?.tick();
    // i: the most violating index going up.
    let Gmax = -Infinity;
    let i = -1;
    for (let t = 0; t < l; t++) {
      if (y[t] === 1) {
        if (alpha[t] < C && -G[t] >= Gmax) {
          Gmax = -G[t];
          i = t;
        }
      } else if (alpha[t] > 0 && G[t] >= Gmax) {
        Gmax = G[t];
        i = t;
      }
    }
    if (i < 0) break;
    const Qi = Q.column(i);
    const yi = y[i];
    // j: among those going down, the one whose pair with i decreases the objective most.
    let Gmax2 = -Infinity;
    let j = -1;
    let best = Infinity;
    for (let t = 0; t < l; t++) {
      if (y[t] === 1) {
        if (alpha[t] > 0) {
          const diff = Gmax + G[t];
          if (G[t] >= Gmax2) Gmax2 = G[t];
          if (diff > 0) {
            const a = QD[i] + QD[t] - 2 * yi * Qi[t];
            const obj = -(diff * diff) / (a > 0 ? a : TAU);
            if (obj <= best) {
              j = t;
              best = obj;
            }
          }
        }
      } else if (alpha[t] < C) {
        const diff = Gmax - G[t];
        if (-G[t] >= Gmax2) Gmax2 = -G[t];
        if (diff > 0) {
          const a = QD[i] + QD[t] + 2 * yi * Qi[t];
          const obj = -(diff * diff) / (a > 0 ? a : TAU);
          if (obj <= best) {
            j = t;
            best = obj;
          }
        }
      }
    }
    if (Gmax + Gmax2 < eps || j < 0) break;
    const Qj = Q.column(j);
    const ai = alpha[i];
    const aj = alpha[j];
    let ni: number;
    let nj: number;
    if (y[i] !== y[j]) {
      let quad = QD[i] + QD[j] + 2 * Qi[j];
      if (quad <= 0) quad = TAU;
      const delta = (-G[i] - G[j]) / quad;
      const diff = ai - aj;
      ni = ai + delta;
      nj = aj + delta;
      if (diff > 0) {
        if (nj < 0) {
          nj = 0;
          ni = diff;
        }
      } else if (ni < 0) {
        ni = 0;
        nj = -diff;
      }
      if (diff > 0) {
        if (ni > C) {
          ni = C;
          nj = C - diff;
        }
      } else if (nj > C) {
        nj = C;
        ni = C + diff;
      }
    } else {
      let quad = QD[i] + QD[j] - 2 * Qi[j];
      if (quad <= 0) quad = TAU;
      const delta = (G[i] - G[j]) / quad;
      const sum = ai + aj;
      ni = ai - delta;
      nj = aj + delta;
      if (sum > C) {
        if (ni > C) {
          ni = C;
          nj = sum - C;
        }
      } else if (nj < 0) {
        nj = 0;
        ni = sum;
      }
      if (sum > C) {
        if (nj > C) {
          nj = C;
          ni = sum - C;
        }
      } else if (ni < 0) {
        ni = 0;
        nj = sum;
      }
    }
    alpha[i] = ni;
    alpha[j] = nj;
    const di = ni - ai;
    const dj = nj - aj;
    for (let t = 0; t < l; t++) G[t] += Qi[t] * di + Qj[t] * dj;
  }
  return { alpha, rho: rhoOf(alpha, G, y, C), iterations: iter };
}

/** The offset: mean of y·∇f over free variables, else the middle of its feasible interval. */
function rhoOf(alpha: Float64Array, G: Float64Array, y: Int8Array, C: number): number {
  let ub = Infinity;
  let lb = -Infinity;
  let sum = 0;
  let free = 0;
  for (let t = 0; t < alpha.length; t++) {
    const yG = y[t] * G[t];
    if (alpha[t] >= C) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (alpha[t] <= 0) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      free++;
      sum += yG;
    }
  }
  return free > 0 ? sum / free : (ub + lb) / 2;
}
