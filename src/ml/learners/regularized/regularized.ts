import { Ticker } from '../../../core/abort.js';
import { badRequest } from '../../../core/errors.js';
import type { Frame, Matrix, Target, Task } from '../../frame.js';
import type { FitContext, Learner, LearnerSpec, SerializedLearner } from '../contract.js';
import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import { columnMeans, fitDesign } from '../kit/input.js';
import { linearScores } from '../linear/common.js';
import { centeredGram, cholesky, choleskySolve } from '../linear/solve.js';
import type { ParamSchema, Params } from '../params.js';
import { Rng } from '../../../core/random.js';

/**
 * Penalized least squares with scikit-learn's objectives, so that alpha means the same:
 *   ridge:        ||y - Xw - b||² + alpha ||w||²                              (Cholesky)
 *   lasso:        ||y - Xw - b||² / 2n + alpha ||w||₁                          (coordinate descent)
 *   elastic_net:  ||y - Xw - b||² / 2n + alpha l1_ratio ||w||₁ + alpha (1 - l1_ratio) ||w||² / 2
 * The intercept is never penalized (columns and target are centered first). Coordinate descent
 * runs on the centered Gram matrix when there are more rows than columns (each sweep then costs
 * d² rather than n·d), and stops on scikit-learn's duality-gap test.
 */
type Kind = 'ridge' | 'lasso' | 'elastic_net';

interface RegState {
  names: string[];
  fill: EncodedArray;
  coef: EncodedArray;
  intercept: number;
  nIter: number;
}

/** Above this many columns coordinate descent updates residuals instead of a d x d Gram matrix. */
const GRAM_MAX = 2000;

export class Regularized implements Learner {
  names: string[] = [];
  coef: Float64Array | null = null;
  intercept = 0;
  /** Coordinate-descent sweeps the fit took (0 for ridge). */
  nIter = 0;
  private fill: Float64Array = new Float64Array(0);

  constructor(
    readonly algorithm: Kind,
    readonly task: Task,
    readonly params: Params,
  ) {
    if (task !== 'regression') throw badRequest('unsupported_task', `${algorithm} does regression only`);
  }

  async fit(X: Frame, y: Target, ctx: FitContext): Promise<void> {
    const ticker = new Ticker(ctx.signal);
    ticker.throwIfAborted();
    const D = fitDesign(this.algorithm, X, y, this.task);
    if (y.task !== 'regression')
      throw badRequest('invalid_target', `${this.algorithm} needs a regression target`);
    const M: Matrix = { nRows: D.n, nCols: D.d, data: D.data, names: D.names };
    const fitIntercept = this.params.fit_intercept as boolean;
    const alpha = this.params.alpha as number;
    let coef: Float64Array;
    let intercept: number;
    if (this.algorithm === 'ridge' || D.d <= GRAM_MAX) {
      const { G, b, xMean, yMean } = await centeredGram(M, y.values, fitIntercept, ticker);
      if (this.algorithm === 'ridge') {
        coef = await ridgeSolve(G, b, D.d, alpha, ticker);
      } else {
        let yy = 0;
        for (let i = 0; i < D.n; i++) yy += (y.values[i] - yMean) ** 2;
        const r = await cdGram(G, b, yy, D.n, D.d, this.penalties(D.n), this.cdOptions(ctx), ticker);
        coef = r.w;
        this.nIter = r.iterations;
      }
      intercept = yMean;
      for (let j = 0; j < D.d; j++) intercept -= coef[j] * xMean[j];
    } else {
      const r = await cdResidual(
        D.data,
        y.values,
        D.n,
        D.d,
        fitIntercept,
        this.penalties(D.n),
        this.cdOptions(ctx),
        ticker,
      );
      coef = r.w;
      intercept = r.intercept;
      this.nIter = r.iterations;
    }
    this.names = D.names;
    this.fill = columnMeans(D);
    this.coef = coef;
    this.intercept = intercept;
    ctx.onProgress?.({ fraction: 1 });
  }

  /** The L1 and L2 weights of the objective scaled by n, as the coordinate updates use them. */
  private penalties(n: number): { l1: number; l2: number } {
    const alpha = this.params.alpha as number;
    const ratio = this.algorithm === 'lasso' ? 1 : (this.params.l1_ratio as number);
    return { l1: alpha * ratio * n, l2: alpha * (1 - ratio) * n };
  }

  private cdOptions(ctx: FitContext): CdOptions {
    return {
      maxIter: this.params.max_iter as number,
      tol: this.params.tol as number,
      random: this.params.selection === 'random' ? new Rng(ctx.seed) : null,
    };
  }

  predict(X: Frame): Float64Array {
    if (!this.coef) throw badRequest('not_fitted', `${this.algorithm}: fit the model before predicting`);
    return linearScores(
      this.algorithm,
      X,
      this.names,
      this.coef,
      new Float64Array([this.intercept]),
      this.fill,
    );
  }

  /** |coefficient| shares: comparable across columns because the pipeline scales them. */
  featureImportance(): { names: string[]; values: number[] } | null {
    if (!this.coef) return null;
    const total = this.coef.reduce((s, w) => s + Math.abs(w), 0);
    return { names: this.names, values: Array.from(this.coef, (w) => (total > 0 ? Math.abs(w) / total : 0)) };
  }

  toJSON(): SerializedLearner {
    if (!this.coef) throw badRequest('not_fitted', `${this.algorithm}: fit the model before saving it`);
    const state: RegState = {
      names: this.names,
      fill: encodeArray(this.fill),
      coef: encodeArray(this.coef),
      intercept: this.intercept,
      nIter: this.nIter,
    };
    return { algorithm: this.algorithm, task: this.task, params: this.params, state };
  }

  static fromJSON(s: SerializedLearner): Regularized {
    const m = new Regularized(s.algorithm as Kind, s.task, s.params);
    const st = s.state as RegState;
    m.names = st.names;
    m.fill = decodeArray(st.fill);
    m.coef = decodeArray<Float64Array>(st.coef);
    m.intercept = st.intercept;
    m.nIter = st.nIter;
    return m;
  }
}

/** (G + alpha I) w = b; with alpha 0 and collinear columns, the smallest ridge that factors. */
async function ridgeSolve(
  G: Float64Array,
  b: Float64Array,
  d: number,
  alpha: number,
  ticker: Ticker,
): Promise<Float64Array> {
  let maxDiag = 0;
  for (let j = 0; j < d; j++) maxDiag = Math.max(maxDiag, G[j * d + j]);
  let L = cholesky(G, d, alpha, alpha === 0);
  for (let lambda = 1e-10 * (maxDiag || 1); !L; lambda *= 10) {
    L = cholesky(G, d, alpha + lambda, false);
    await ticker.tick();
  }
  return choleskySolve(L, d, b);
}

interface CdOptions {
  maxIter: number;
  tol: number;
  random: Rng | null;
}

function soft(z: number, t: number): number {
  return z > t ? z - t : z < -t ? z + t : 0;
}

/**
 * The duality gap of the elastic net at w, from XᵀR, R·R, R·y (R the residual), as in
 * scikit-learn's stopping test.
 */
function dualGap(XtR: Float64Array, RR: number, Ry: number, w: Float64Array, l1: number, l2: number): number {
  let dual = 0;
  let wNorm2 = 0;
  let l1Norm = 0;
  for (let j = 0; j < w.length; j++) {
    dual = Math.max(dual, Math.abs(XtR[j] - l2 * w[j]));
    wNorm2 += w[j] * w[j];
    l1Norm += Math.abs(w[j]);
  }
  let c = 1;
  let gap = RR;
  if (dual > l1) {
    c = l1 / dual;
    gap = 0.5 * (RR + RR * c * c);
  }
  return gap + l1 * l1Norm - c * Ry + 0.5 * l2 * (1 + c * c) * wNorm2;
}

/** Coordinate descent on the Gram matrix G = XcᵀXc (row-major), q = Xcᵀyc, yy = ycᵀyc. */
export async function cdGram(
  G: Float64Array,
  q: Float64Array,
  yy: number,
  _n: number,
  d: number,
  { l1, l2 }: { l1: number; l2: number },
  o: CdOptions,
  ticker: Ticker,
): Promise<{ w: Float64Array; iterations: number }> {
  const w = new Float64Array(d);
  const H = new Float64Array(d); // G w
  const tol = o.tol * yy;
  const order = Int32Array.from({ length: d }, (_, j) => j);
  let it = 0;
  for (; it < o.maxIter; it++) {
    let wMax = 0;
    let dwMax = 0;
    if (o.random) o.random.shuffle(order);
    for (let t = 0; t < d; t++) {
      const j = order[t];
      const gjj = G[j * d + j];
      if (gjj === 0) continue;
      const old = w[j];
      const z = q[j] - H[j] + gjj * old;
      const nw = soft(z, l1) / (gjj + l2);
      if (nw !== old) {
        const delta = nw - old;
        w[j] = nw;
        const row = j * d;
        for (let k = 0; k < d; k++) H[k] += delta * G[row + k];
      }
      dwMax = Math.max(dwMax, Math.abs(nw - old));
      wMax = Math.max(wMax, Math.abs(nw));
    }
    if (wMax === 0 || dwMax / wMax < o.tol || it === o.maxIter - 1) {
      let wq = 0;
      let wH = 0;
      const XtR = new Float64Array(d);
      for (let j = 0; j < d; j++) {
        wq += w[j] * q[j];
        wH += w[j] * H[j];
        XtR[j] = q[j] - H[j];
      }
      if (dualGap(XtR, yy - 2 * wq + wH, yy - wq, w, l1, l2) < tol) {
        it++;
        break;
      }
    }
    if ((it & 15) === 15) await ticker.tick();
  }
  return { w, iterations: it };
}

/** Coordinate descent keeping the residual, for very wide data (no d x d matrix). */
export async function cdResidual(
  data: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  fitIntercept: boolean,
  { l1, l2 }: { l1: number; l2: number },
  o: CdOptions,
  ticker: Ticker,
): Promise<{ w: Float64Array; intercept: number; iterations: number }> {
  const mean = new Float64Array(d);
  let yMean = 0;
  if (fitIntercept) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += data[j * n + i];
      mean[j] = s / n;
    }
    for (let i = 0; i < n; i++) yMean += y[i];
    yMean /= n;
  }
  const X = new Float64Array(n * d);
  const norm = new Float64Array(d);
  for (let j = 0; j < d; j++)
    for (let i = 0; i < n; i++) {
      const v = data[j * n + i] - mean[j];
      X[j * n + i] = v;
      norm[j] += v * v;
    }
  const yc = Float64Array.from(y, (v) => v - yMean);
  const R = yc.slice();
  let yy = 0;
  for (let i = 0; i < n; i++) yy += yc[i] * yc[i];
  const tol = o.tol * yy;
  const w = new Float64Array(d);
  const order = Int32Array.from({ length: d }, (_, j) => j);
  let it = 0;
  for (; it < o.maxIter; it++) {
    let wMax = 0;
    let dwMax = 0;
    if (o.random) o.random.shuffle(order);
    for (let t = 0; t < d; t++) {
      const j = order[t];
      if (norm[j] === 0) continue;
      const old = w[j];
      const c = j * n;
      let z = 0;
      for (let i = 0; i < n; i++) z += X[c + i] * R[i];
      z += norm[j] * old;
      const nw = soft(z, l1) / (norm[j] + l2);
      if (nw !== old) {
        const delta = nw - old;
        w[j] = nw;
        for (let i = 0; i < n; i++) R[i] -= delta * X[c + i];
      }
      dwMax = Math.max(dwMax, Math.abs(nw - old));
      wMax = Math.max(wMax, Math.abs(nw));
    }
    if (wMax === 0 || dwMax / wMax < o.tol || it === o.maxIter - 1) {
      const XtR = new Float64Array(d);
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += X[j * n + i] * R[i];
        XtR[j] = s;
      }
      let RR = 0;
      let Ry = 0;
      for (let i = 0; i < n; i++) {
        RR += R[i] * R[i];
        Ry += R[i] * yc[i];
      }
      if (dualGap(XtR, RR, Ry, w, l1, l2) < tol) {
        it++;
        break;
      }
    }
    await ticker.tick();
  }
  let intercept = yMean;
  for (let j = 0; j < d; j++) intercept -= w[j] * mean[j];
  return { w, intercept, iterations: it };
}

function schema(kind: Kind): ParamSchema {
  const s: ParamSchema = {
    alpha: {
      type: 'number',
      default: 1,
      min: 0,
      scale: 'log',
      description: 'penalty strength (scikit-learn scale)',
    },
  };
  if (kind === 'elastic_net')
    s.l1_ratio = {
      type: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      description: 'share of the penalty that is L1 (1: lasso, 0: ridge)',
    };
  s.fit_intercept = { type: 'boolean', default: true, description: 'fit an unpenalized intercept' };
  if (kind !== 'ridge') {
    s.max_iter = {
      type: 'integer',
      default: 1000,
      min: 1,
      scale: 'log',
      description: 'coordinate-descent sweeps at most',
    };
    s.tol = {
      type: 'number',
      default: 1e-4,
      min: 0,
      exclusiveMin: true,
      scale: 'log',
      description: 'stop when the duality gap is below tol·||y||²',
    };
    s.selection = {
      type: 'string',
      default: 'cyclic',
      choices: ['cyclic', 'random'],
      description: 'coordinate order per sweep',
    };
  }
  return s;
}

function spec(kind: Kind, description: string): LearnerSpec {
  return {
    name: kind,
    tasks: ['regression'],
    description,
    params: schema(kind),
    input: { impute: true, scale: true, oneHot: true },
    create: (task, params) => new Regularized(kind, task, params),
    fromJSON: (s) => Regularized.fromJSON(s),
  };
}

export const ridge = spec('ridge', 'ridge regression: least squares with an L2 penalty, solved exactly');
export const lasso = spec(
  'lasso',
  'lasso: least squares with an L1 penalty (sparse coefficients), by coordinate descent',
);
export const elasticNet = spec(
  'elastic_net',
  'elastic net: least squares with mixed L1 and L2 penalties, by coordinate descent',
);
