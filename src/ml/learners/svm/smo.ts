import type { Ticker } from '../../../core/abort.js';
import type { Kernel } from './kernel.js';
import { SmoLoops } from './smo-wasm.js';

/**
 * Sequential minimal optimization for the SVM duals, after Fan, Chen and Lin (2005), the
 * method of libsvm (and so of scikit-learn's SVC and SVR):
 *
 *   min ½ αᵀQα + pᵀα   subject to  yᵀα = 0,  0 <= α <= C,   y in {+1, -1}
 *
 * Each step picks the pair (i, j) by second-order working-set selection, solves the
 * two-variable problem in closed form (clipped to the box) and updates the gradient with two
 * columns of the kernel, which an LRU cache keeps. Stops when the largest KKT violation pair
 * is below eps. With shrinking (libsvm's heuristic, scikit-learn's default), variables stuck
 * at a bound leave the active set every 1,000 steps, so that selection and gradient updates
 * run over the rest; their gradients are rebuilt (from Ḡ, the upper-bound part kept on the
 * side) before the final check.
 */
export interface QMatrix {
  /** Variables: one per row (classification), or two (regression: α, then α*). */
  size: number;
  /** Kernel rows: variable t reads row t mod rows. */
  rows: number;
  /** Q_tt. */
  diag: Float64Array;
  /** K(row of variable i, every row), so that Q_it = y_i y_t K[t mod rows]; valid until the next two calls. */
  kernelColumn(i: number): Float32Array;
}

const TAU = 1e-12;
/** Steps between two shrinkings (libsvm's min(l, 1000)). */
const SHRINK_EVERY = 1000;

/**
 * Columns computed on demand, the least recently used dropped past a byte budget. Single
 * precision, as libsvm caches Q: twice the columns in the same memory.
 */
export class ColumnCache {
  private readonly cols = new Map<number, Float32Array>();
  private readonly cap: number;
  /** Every column, where all fit the budget: no recency to keep, an array lookup a fetch. */
  private readonly all: (Float32Array | undefined)[] | null;

  constructor(
    private readonly length: number,
    private readonly fill: (i: number, out: Float32Array) => void,
    budgetBytes = 200 * 1024 * 1024,
  ) {
    // At least two, so fetching column j never recycles the column i fetched just before.
    this.cap = Math.max(2, Math.floor(budgetBytes / (4 * Math.max(1, length))));
    this.all = this.cap >= length ? new Array<Float32Array | undefined>(length) : null;
  }

  get(i: number): Float32Array {
    if (this.all) {
      let a = this.all[i];
      if (!a) {
        a = new Float32Array(this.length);
        this.fill(i, a);
        this.all[i] = a;
      }
      return a;
    }
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

/** Q for classification: y_i y_j K(x_i, x_j) over the subproblem's rows. */
export function classifierQ(kernel: Kernel, rows: Int32Array, budgetBytes?: number): QMatrix {
  const l = rows.length;
  const cache = new ColumnCache(l, (i, out) => kernel.columnOf(rows[i], rows, out), budgetBytes);
  const diag = new Float64Array(l);
  for (let i = 0; i < l; i++) diag[i] = kernel.at(rows[i], rows[i]);
  return { size: l, rows: l, diag, kernelColumn: (i) => cache.get(i) };
}

/** Q for ε-regression: 2l variables (α, then α* with y = -1), Q = [K -K; -K K]. */
export function regressorQ(kernel: Kernel, rows: Int32Array, budgetBytes?: number): QMatrix {
  const l = rows.length;
  const cache = new ColumnCache(l, (i, out) => kernel.columnOf(rows[i], rows, out), budgetBytes);
  const diag = new Float64Array(2 * l);
  for (let i = 0; i < l; i++) diag[i] = diag[i + l] = kernel.at(rows[i], rows[i]);
  return { size: 2 * l, rows: l, diag, kernelColumn: (i) => cache.get(i < l ? i : i - l) };
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
  shrinking = true,
): Promise<SmoResult> {
  const n = Q.size;
  const l = Q.rows;
  // The vectors in WebAssembly memory, where its loops run (null: the JavaScript loops below).
  const W = SmoLoops.acquire(n, l);
  const alpha = W ? W.alpha : new Float64Array(n);
  // The gradient times y: yg_t = y_t ∇f_t. In these terms a step adds y_i Δα_i K_it +
  // y_j Δα_j K_jt to every yg_t, -yg ranks the variables that may go up (I_up) and yg those
  // that may go down (I_low), whatever their label.
  const yg = W ? W.yg : new Float64Array(n);
  for (let t = 0; t < n; t++) yg[t] = y[t] * p[t];
  // Per variable, 0 where it is in I_up (I_low), else NO: selection then adds instead of
  // branching on the label and the bounds, which a CPU cannot predict.
  const penUp = W ? W.penUp : new Float64Array(n);
  const penLow = W ? W.penLow : new Float64Array(n);
  const status = (t: number) => {
    const a = alpha[t];
    penUp[t] = (y[t] === 1 ? a < C : a > 0) ? 0 : NO;
    penLow[t] = (y[t] === 1 ? a > 0 : a < C) ? 0 : NO;
  };
  for (let t = 0; t < n; t++) status(t);
  // y_t Ḡ_t, Ḡ_t = Σ over variables at C of C·Q_ts: the part of the gradient a shrunk variable keeps.
  const ygBar = W ? W.ygBar : new Float64Array(n);
  const QD = W ? W.QD : Q.diag;
  if (W) QD.set(Q.diag);
  // The active variables, ascending (so reads stream, and regression's α* follow its α).
  const act = W ? W.act : new Int32Array(n);
  for (let t = 0; t < n; t++) act[t] = t;
  const isActive = new Uint8Array(n).fill(1);
  let na = n;
  let unshrink = false;
  let counter = Math.min(n, SHRINK_EVERY) + 1;
  const rowOf = (t: number) => (t < l ? t : t - l);

  const isFree = (t: number) => alpha[t] > 0 && alpha[t] < C;
  /**
   * Brings every variable back: the shrunk ones' gradients from Ḡ and the free variables
   * (all active), then the whole set active again.
   */
  const unshrinkAll = () => {
    if (na === n) return;
    let free = 0;
    for (let u = 0; u < na; u++) if (isFree(act[u])) free++;
    const inactive: number[] = [];
    for (let t = 0; t < n; t++)
      if (!isActive[t]) {
        yg[t] = ygBar[t] + y[t] * p[t];
        inactive.push(t);
      }
    // Either a column per shrunk variable or one per free variable: columns here are whole
    // kernel rows (libsvm computes partial ones), so the fewer columns wins.
    if (free > n - na) {
      for (const t of inactive) {
        const k = Q.kernelColumn(t);
        let s = 0;
        for (let u = 0; u < na; u++) {
          const v = act[u];
          if (isFree(v)) s += alpha[v] * y[v] * k[rowOf(v)];
        }
        yg[t] += s;
      }
    } else {
      for (let u = 0; u < na; u++) {
        const v = act[u];
        if (!isFree(v)) continue;
        const k = Q.kernelColumn(v);
        const c = alpha[v] * y[v];
        for (const t of inactive) yg[t] += c * k[rowOf(t)];
      }
    }
    for (let t = 0; t < n; t++) act[t] = t;
    isActive.fill(1);
    na = n;
  };
  const shrink = () => {
    // Gmax1: max of -yg over I_up; Gmax2: max of yg over I_low.
    let Gmax1 = -Infinity;
    let Gmax2 = -Infinity;
    for (let u = 0; u < na; u++) {
      const t = act[u];
      if (penUp[t] === 0 && -yg[t] > Gmax1) Gmax1 = -yg[t];
      if (penLow[t] === 0 && yg[t] > Gmax2) Gmax2 = yg[t];
    }
    if (!unshrink && Gmax1 + Gmax2 <= eps * 10) {
      // Near the end: bring everything back once, and shrink again from there.
      unshrink = true;
      unshrinkAll();
    }
    // At a bound a variable is in one of the sets; it leaves while it could not be picked.
    let k = 0;
    for (let u = 0; u < na; u++) {
      const t = act[u];
      const a = alpha[t];
      let out = false;
      if (a >= C || a <= 0) out = penUp[t] === 0 ? yg[t] > Gmax2 : -yg[t] > Gmax1;
      if (out) isActive[t] = 0;
      else act[k++] = t;
    }
    na = k;
  };
  /** Ḡ follows a variable that reaches or leaves C (k its column; which: where W holds it). */
  const followBar = (v: number, before: number, after: number, k: Float32Array, which: 'i' | 'j') => {
    const wasUp = before >= C;
    if (wasUp === after >= C) return;
    const c = (wasUp ? -C : C) * y[v];
    if (W) W.addColumn(which, c);
    else {
      for (let t = 0; t < l; t++) ygBar[t] += c * k[t];
      for (let t = l; t < n; t++) ygBar[t] += c * k[t - l];
    }
  };

  let selI = -1;
  let selJ = -1;
  /** Second-order working-set selection over the active set; false when optimal there. */
  const select = (): boolean => {
    // i: the most violating variable that may go up (the last of equals, as libsvm).
    let Gmax = -Infinity;
    let i = -1;
    if (W) {
      i = W.pickI(na);
      Gmax = W.Gmax;
    } else
      for (let u = 0; u < na; u++) {
        const t = act[u];
        const v = penUp[t] - yg[t];
        if (v >= Gmax) {
          Gmax = v;
          i = t;
        }
      }
    if (i < 0 || Gmax <= NO / 2) return false;
    const ki = Q.kernelColumn(i);
    const QDi = QD[i];
    const mid = firstAtLeast(act, na, l);
    if (W) {
      W.ki.set(ki);
      const j = W.pickJ(na, mid, QDi, Gmax);
      if (Gmax + W.Gmax2 < eps || j < 0) return false;
      selI = i;
      selJ = j;
      return true;
    }
    // j: among those going down, the one whose pair with i decreases the objective most.
    // (The curvature QD_i + QD_t - 2 y_i y_t Q_it is QD_i + QD_t - 2 K_it either way.)
    let Gmax2 = -Infinity;
    let j = -1;
    let best = Infinity;
    const pass = (u0: number, u1: number, shift: number) => {
      for (let u = u0; u < u1; u++) {
        const t = act[u];
        const v = penLow[t] + yg[t];
        if (v >= Gmax2) Gmax2 = v;
        const diff = Gmax + v;
        if (diff > 0) {
          const a = QDi + QD[t] - 2 * ki[t - shift];
          const obj = -(diff * diff) / (a > 0 ? a : TAU);
          if (obj <= best) {
            j = t;
            best = obj;
          }
        }
      }
    };
    pass(0, mid, 0);
    pass(mid, na, l);
    if (Gmax + Gmax2 < eps || j < 0) return false;
    selI = i;
    selJ = j;
    return true;
  };

  let iter = 0;
  for (; iter < maxIter; iter++) {
    if ((iter & 15) === 15) await ticker?.tick();
    if (shrinking && --counter === 0) {
      counter = Math.min(n, SHRINK_EVERY);
      shrink();
    }
    if (!select()) {
      // Optimal over the active set: rebuild the shrunk gradients and check them all.
      if (na === n) break;
      unshrinkAll();
      if (!select()) break;
      counter = 1;
    }
    const i = selI;
    const j = selJ;
    const ki = Q.kernelColumn(i);
    const kj = Q.kernelColumn(j);
    const Qij = y[i] * y[j] * ki[rowOf(j)];
    const Gi = y[i] * yg[i];
    const Gj = y[j] * yg[j];
    const ai = alpha[i];
    const aj = alpha[j];
    let ni: number;
    let nj: number;
    if (y[i] !== y[j]) {
      let quad = QD[i] + QD[j] + 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (-Gi - Gj) / quad;
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
      let quad = QD[i] + QD[j] - 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (Gi - Gj) / quad;
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
    status(i);
    status(j);
    // yg_t += y_i Δα_i K_it + y_j Δα_j K_jt over the active set; act ascends, so the
    // variables below l come first, then regression's α* (row t - l).
    const ci = y[i] * (ni - ai);
    const cj = y[j] * (nj - aj);
    if (W) {
      // ki is in W since select picked i.
      W.kj.set(kj);
      W.update(na, ci, cj);
    } else {
      let u = 0;
      for (; u < na; u++) {
        const t = act[u];
        if (t >= l) break;
        yg[t] += ci * ki[t] + cj * kj[t];
      }
      for (; u < na; u++) {
        const t = act[u];
        yg[t] += ci * ki[t - l] + cj * kj[t - l];
      }
    }
    if (shrinking) {
      followBar(i, ai, ni, ki, 'i');
      followBar(j, aj, nj, kj, 'j');
    }
  }
  unshrinkAll();
  const rho = rhoOf(alpha, yg, y, C);
  if (!W) return { alpha, rho, iterations: iter };
  const result = { alpha: alpha.slice(), rho, iterations: iter };
  SmoLoops.release(W);
  return result;
}

/** Selection's stand-in for "not in this set": far below any gradient, and finite. */
const NO = -1e300;

/** The first position u < m with list[u] >= v, in an ascending list (m if none). */
function firstAtLeast(list: Int32Array, m: number, v: number): number {
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The offset: mean of y·∇f over free variables, else the middle of its feasible interval. */
function rhoOf(alpha: Float64Array, yg: Float64Array, y: Int8Array, C: number): number {
  let ub = Infinity;
  let lb = -Infinity;
  let sum = 0;
  let free = 0;
  for (let t = 0; t < alpha.length; t++) {
    const yG = yg[t];
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
