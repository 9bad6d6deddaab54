import type { Ticker } from '../../../core/abort.js';
import type { Kernel } from './kernel.js';
import { classifierQ, regressorQ, smo } from './smo.js';

/**
 * One SMO fit — a one-vs-one pair, a cross-validation fold of one, or the regression — as a
 * self-contained task, so that the fits of one model can run on several threads.
 */
export interface SvmTask {
  id: number;
  kind: 'svc' | 'svr';
  /** Training rows (into the kernel's data). */
  rows: Int32Array;
  /** svc: +1 / -1 per row. */
  s?: Int8Array;
  /** svr: target per row. */
  y?: Float64Array;
  epsilon?: number;
  C: number;
  tol: number;
  maxIter: number;
  cacheBytes: number;
  /** Shrink the active set (libsvm's heuristic); same solution, fewer operations. */
  shrinking: boolean;
  /** Rows to return decision values for (a held-out fold). */
  held?: Int32Array;
}

export interface SvmTaskResult {
  id: number;
  /** Per training row: α·y (svc) or α - α* (svr); 0 off the support vectors. */
  coef: Float64Array;
  rho: number;
  dec?: Float64Array;
}

export async function runSvmTask(kernel: Kernel, t: SvmTask, ticker?: Ticker): Promise<SvmTaskResult> {
  const l = t.rows.length;
  const coef = new Float64Array(l);
  let rho: number;
  if (t.kind === 'svc') {
    const s = t.s!;
    const p = new Float64Array(l).fill(-1);
    const r = await smo(
      classifierQ(kernel, t.rows, t.cacheBytes),
      p,
      s,
      t.C,
      t.tol,
      ticker,
      t.maxIter,
      t.shrinking,
    );
    for (let i = 0; i < l; i++) coef[i] = r.alpha[i] * s[i];
    rho = r.rho;
  } else {
    const y = t.y!;
    const eps = t.epsilon ?? 0.1;
    const p = new Float64Array(2 * l);
    const sign = new Int8Array(2 * l);
    for (let i = 0; i < l; i++) {
      p[i] = eps - y[i];
      p[i + l] = eps + y[i];
      sign[i] = 1;
      sign[i + l] = -1;
    }
    const r = await smo(
      regressorQ(kernel, t.rows, t.cacheBytes),
      p,
      sign,
      t.C,
      t.tol,
      ticker,
      t.maxIter,
      t.shrinking,
    );
    for (let i = 0; i < l; i++) coef[i] = r.alpha[i] - r.alpha[i + l];
    rho = r.rho;
  }
  const out: SvmTaskResult = { id: t.id, coef, rho };
  if (t.held) {
    const sv: number[] = [];
    for (let i = 0; i < l; i++) if (coef[i] !== 0) sv.push(i);
    const svRows = Int32Array.from(sv, (i) => t.rows[i]);
    const col = new Float64Array(sv.length);
    out.dec = Float64Array.from(t.held, (h) => {
      kernel.column(h, svRows, col);
      let v = -rho;
      for (let u = 0; u < sv.length; u++) v += coef[sv[u]] * col[u];
      return v;
    });
  }
  return out;
}
