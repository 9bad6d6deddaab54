/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, algorithms 7.4 and 7.5)
 * with a line search that meets the strong Wolfe conditions (algorithms 3.5 and 3.6), so
 * each curvature pair keeps the inverse-Hessian estimate positive definite.
 */

export type Objective = (x: Float64Array) => { loss: number; grad: Float64Array };

export interface LbfgsOptions {
  maxIter: number;
  /** Stop when the largest gradient component is at most this (scipy's pgtol). */
  gtol: number;
  /** Stop when the relative decrease of the objective is at most this (scipy's factr * eps). */
  ftol?: number;
  /** Curvature pairs kept. */
  memory?: number;
  /** Called after every iteration; may be async (to yield for cancellation) and may throw to stop. */
  onIter?: (iter: number, loss: number, gradMax: number, x: Float64Array) => void | Promise<void>;
}

export interface LbfgsResult {
  x: Float64Array;
  loss: number;
  iterations: number;
  /** Why it stopped. */
  reason: 'gtol' | 'ftol' | 'max_iter' | 'line_search';
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const maxAbs = (a: Float64Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

export async function lbfgs(f: Objective, x0: Float64Array, o: LbfgsOptions): Promise<LbfgsResult> {
  const memory = o.memory ?? 10;
  const ftol = o.ftol ?? 64 * Number.EPSILON;
  const p = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let { loss, grad } = f(x);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  if (maxAbs(grad) <= o.gtol) return { x, loss, iterations: 0, reason: 'gtol' };

  for (let iter = 1; iter <= o.maxIter; iter++) {
    // Two-loop recursion: dir = -H grad.
    const q = Float64Array.from(grad);
    const alpha = new Array<number>(S.length);
    // Each pair's arrays in locals: indexing S[i][k] in the loop looked the row up every time.
    for (let i = S.length - 1; i >= 0; i--) {
      const a = (alpha[i] = rho[i] * dot(S[i], q));
      const yi = Y[i];
      for (let k = 0; k < p; k++) q[k] -= a * yi[k];
    }
    const last = S.length - 1;
    const gamma =
      last >= 0 ? dot(S[last], Y[last]) / dot(Y[last], Y[last]) : 1 / Math.max(1, Math.sqrt(dot(grad, grad)));
    for (let k = 0; k < p; k++) q[k] *= gamma;
    for (let i = 0; i < S.length; i++) {
      const c = alpha[i] - rho[i] * dot(Y[i], q);
      const si = S[i];
      for (let k = 0; k < p; k++) q[k] += si[k] * c;
    }
    const dir = q.map((v) => -v);
    let slope = dot(grad, dir);
    if (!(slope < 0)) {
      // Not a descent direction (round-off): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let k = 0; k < p; k++) dir[k] = -grad[k] / Math.max(1, Math.sqrt(dot(grad, grad)));
      slope = dot(grad, dir);
    }

    const step = wolfe(f, x, loss, slope, dir);
    if (!step) return { x, loss, iterations: iter, reason: 'line_search' };
    const s = new Float64Array(p);
    const yv = new Float64Array(p);
    for (let k = 0; k < p; k++) {
      s[k] = step.x[k] - x[k];
      yv[k] = step.grad[k] - grad[k];
    }
    const sy = dot(s, yv);
    const prev = loss;
    x = step.x;
    loss = step.loss;
    grad = step.grad;
    if (sy > 1e-10 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
      if (S.length > memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const gmax = maxAbs(grad);
    await o.onIter?.(iter, loss, gmax, x);
    if (gmax <= o.gtol) return { x, loss, iterations: iter, reason: 'gtol' };
    if ((prev - loss) / Math.max(Math.abs(prev), Math.abs(loss), 1) <= ftol)
      return { x, loss, iterations: iter, reason: 'ftol' };
  }
  return { x, loss, iterations: o.maxIter, reason: 'max_iter' };
}

interface Point {
  a: number;
  x: Float64Array;
  loss: number;
  grad: Float64Array;
  slope: number;
}

const C1 = 1e-4;
const C2 = 0.9;

/** A step along `dir` meeting the strong Wolfe conditions, or the best Armijo step found, or null. */
function wolfe(f: Objective, x0: Float64Array, f0: number, slope0: number, dir: Float64Array): Point | null {
  const evalAt = (a: number): Point => {
    const x = new Float64Array(x0.length);
    for (let k = 0; k < x.length; k++) x[k] = x0[k] + a * dir[k];
    const r = f(x);
    return { a, x, loss: r.loss, grad: r.grad, slope: dot(r.grad, dir) };
  };
  const armijo = (pt: Point) => Number.isFinite(pt.loss) && pt.loss <= f0 + C1 * pt.a * slope0;
  const curvature = (pt: Point) => Math.abs(pt.slope) <= -C2 * slope0;

  let prev: Point = { a: 0, x: x0, loss: f0, grad: new Float64Array(0), slope: slope0 };
  let a = 1;
  for (let i = 0; i < 30; i++) {
    const cur = evalAt(a);
    if (!armijo(cur) || (i > 0 && cur.loss >= prev.loss))
      return zoom(evalAt, prev, cur, f0, slope0, armijo, curvature);
    if (curvature(cur)) return cur;
    if (cur.slope >= 0) return zoom(evalAt, cur, prev, f0, slope0, armijo, curvature);
    prev = cur;
    a *= 2;
  }
  return prev.a > 0 ? prev : null;
}

function zoom(
  evalAt: (a: number) => Point,
  lo: Point,
  hi: Point,
  f0: number,
  slope0: number,
  armijo: (p: Point) => boolean,
  curvature: (p: Point) => boolean,
): Point | null {
  for (let i = 0; i < 40; i++) {
    const a = interpolate(lo, hi);
    const cur = evalAt(a);
    if (!armijo(cur) || cur.loss >= lo.loss) hi = cur;
    else {
      if (curvature(cur)) return cur;
      if (cur.slope * (hi.a - lo.a) >= 0) hi = lo;
      lo = cur;
    }
    if (Math.abs(hi.a - lo.a) < 1e-16 * Math.max(1, Math.abs(lo.a))) break;
  }
  // No Wolfe point within reach (flat at round-off): accept a decrease if there is one.
  return lo.a > 0 && lo.loss < f0 ? lo : null;
}

/** Minimizer of the cubic through both ends' values and slopes, kept well inside the bracket; else bisection. */
function interpolate(lo: Point, hi: Point): number {
  const left = Math.min(lo.a, hi.a);
  const width = Math.abs(hi.a - lo.a);
  const mid = (lo.a + hi.a) / 2;
  if (!Number.isFinite(hi.loss) || !Number.isFinite(hi.slope)) return mid;
  const d1 = lo.slope + hi.slope - (3 * (lo.loss - hi.loss)) / (lo.a - hi.a);
  const disc = d1 * d1 - lo.slope * hi.slope;
  if (!(disc >= 0)) return mid;
  const d2 = Math.sign(hi.a - lo.a) * Math.sqrt(disc);
  const a = hi.a - (hi.a - lo.a) * ((hi.slope + d2 - d1) / (hi.slope - lo.slope + 2 * d2));
  if (!Number.isFinite(a) || a < left + 0.1 * width || a > left + 0.9 * width) return mid;
  return a;
}
