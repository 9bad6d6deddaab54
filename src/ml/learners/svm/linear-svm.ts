import { Ticker } from '../../../core/abort.js';
import { badRequest } from '../../../core/errors.js';
import { SvcEpochs } from './dual-wasm.js';
import { Rng, streamSeed } from '../../../core/random.js';
import type { Frame, NumericColumn, Target, Task } from '../../frame.js';
import type { FitContext, Learner, LearnerSpec, SerializedLearner } from '../contract.js';
import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import { argmaxRows, checkFit, columnMeans, weightedSums } from '../kit/input.js';
import { runOnThreads, shared, threadCount } from '../kit/workers.js';
import type { Params } from '../params.js';
import { sigmoidPredict, sigmoidTrain } from './platt.js';

/** Nonzeros x classes past which the one-vs-rest classifiers go to threads. */
const PARALLEL_WORK = 500_000;

/** A one-vs-rest classifier to fit on a thread (linear-worker.ts): class `pos` against the rest. */
export interface OvrTask {
  id: number;
  pos: number;
  seed: number;
}

export interface OvrResult {
  id: number;
  /** Weights, then the intercept's. */
  w: Float64Array;
}

/** A RowMatrix's arrays: row r's nonzeros are idx/val[ptr[r], ptr[r + 1]). */
export interface RowParts {
  ptr: Int32Array;
  idx: Int32Array;
  val: Float64Array;
}

/**
 * Linear SVMs as scikit-learn's LinearSVC and LinearSVR (liblinear): dual coordinate descent
 * (Hsieh et al. 2008 for the squared-hinge classifier, Ho and Lin 2012 for the
 * ε-insensitive regressor) with shrinking, in a random order per sweep. The intercept is a
 * column of intercept_scaling and is regularized like the weights, as in liblinear. Several
 * classes: one-vs-rest, each classifier on a random stream of its own, so that they can run on
 * threads (n_jobs; liblinear runs them one after another). Probabilities: one-hot of the decision, as the scikit-learn peer
 * scores LinearSVC; or, with probability on, Platt sigmoids on 5-fold cross-validated
 * decisions, normalized across classes.
 */
interface LinState {
  names: string[];
  fill: EncodedArray;
  nClasses: number;
  /** Per output: d weights then the intercept. */
  w: EncodedArray;
  probA?: EncodedArray;
  probB?: EncodedArray;
}

export class LinearSvm implements Learner {
  readonly algorithm = 'linear_svm';
  private names: string[] = [];
  private fill: Float64Array = new Float64Array(0);
  private nClasses = 0;
  private d = 0;
  private w: Float64Array = new Float64Array(0);
  private probA: Float64Array | null = null;
  private probB: Float64Array | null = null;
  private fitted = false;
  readonly predictProba?: (X: Frame) => Float64Array;

  constructor(
    readonly task: Task,
    readonly params: Params,
  ) {
    if (task === 'classification') this.predictProba = (X) => this.proba(X);
  }

  /** Outputs: one per class, one for two classes (the second's score), one for regression. */
  private outputs(): number {
    return this.task === 'regression' || this.nClasses <= 2 ? 1 : this.nClasses;
  }

  async fit(X: Frame, y: Target, ctx: FitContext): Promise<void> {
    const ticker = new Ticker(ctx.signal);
    ticker.throwIfAborted();
    const D = checkFit(this.algorithm, X, y, this.task);
    const { n, d } = D;
    // The rows with the intercept column last.
    const bias = this.params.fit_intercept ? (this.params.intercept_scaling as number) : 0;
    const M = RowMatrix.fromColumns(D.columns, n, bias);
    this.d = d;
    this.nClasses = y.task === 'classification' ? y.classes.length : 0;
    const rng = new Rng(ctx.seed);
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const opts = {
      C: this.params.C as number,
      tol: this.params.tol as number,
      maxIter: this.params.max_iter as number,
    };
    const K = this.outputs();
    const w = new Float64Array(K * (d + 1));
    if (y.task === 'regression') {
      w.set(
        await svrDual(M, rows, y.values, { ...opts, epsilon: this.params.epsilon as number }, rng, ticker),
      );
    } else {
      const labels = y.labels;
      const signs = (pos: number) => Int8Array.from(labels, (l) => (l === pos ? 1 : -1));
      // Each class's classifier draws from its own stream, so the threads take them in any order.
      const tasks: OvrTask[] = Array.from({ length: K }, (_, k) => ({
        id: k,
        pos: K === 1 ? 1 : k,
        seed: streamSeed(ctx.seed, k),
      }));
      const threads = Math.min(threadCount(this.params.n_jobs as number | null), K);
      const progress = (done: number) => ctx.onProgress?.({ fraction: done / K });
      if (threads > 1 && M.val.length * K >= PARALLEL_WORK) {
        const results = await runOnThreads<OvrTask, OvrResult>(
          import.meta.url,
          'linear-worker',
          { ...M.parts(), labels: shared(labels), opts },
          tasks,
          threads,
          ctx.signal,
          (_, done) => progress(done),
        );
        for (const r of results) w.set(r.w, r.id * (d + 1));
      } else
        for (const t of tasks) {
          w.set(await svcDual(M, rows, signs(t.pos), opts, new Rng(t.seed), ticker), t.id * (d + 1));
          progress(t.id + 1);
        }
      if (this.params.probability) {
        // Platt per output on decisions from models that did not see the row (5-fold).
        const dec = new Float64Array(n * K);
        const perm = rng.permutation(n);
        for (let f = 0; f < 5; f++) {
          const lo = Math.floor((f * n) / 5);
          const hi = Math.floor(((f + 1) * n) / 5);
          const train = Int32Array.from([...perm.subarray(0, lo), ...perm.subarray(hi)]);
          for (let k = 0; k < K; k++) {
            const wk = await svcDual(M, train, signs(K === 1 ? 1 : k), opts, rng, ticker);
            for (let q = lo; q < hi; q++) dec[perm[q] * K + k] = M.dot(perm[q], wk);
          }
        }
        this.probA = new Float64Array(K);
        this.probB = new Float64Array(K);
        for (let k = 0; k < K; k++) {
          const pos = K === 1 ? 1 : k;
          const f = Float64Array.from({ length: n }, (_, i) => dec[i * K + k]);
          const { A: a, B: b } = sigmoidTrain(f, signs(pos));
          this.probA[k] = a;
          this.probB[k] = b;
        }
      }
    }
    this.names = D.names;
    this.fill = columnMeans(D);
    this.w = w;
    this.fitted = true;
    ctx.onProgress?.({ fraction: 1 });
  }

  /** Decision values, row-major n x outputs. */
  private decision(X: Frame): { s: Float64Array; n: number } {
    if (!this.fitted) throw badRequest('not_fitted', `${this.algorithm}: fit the model before predicting`);
    const K = this.outputs();
    const d = this.d;
    const bias = this.params.fit_intercept ? (this.params.intercept_scaling as number) : 0;
    // Each output's weights are d + 1 long: the features', then the intercept's.
    const base = Float64Array.from({ length: K }, (_, k) => this.w[k * (d + 1) + d] * bias);
    const s = weightedSums(this.algorithm, X, this.names, this.fill, this.w, d + 1, base);
    for (let i = 0; i < s.length; i++) if (s[i] !== s[i]) s[i] = 0;
    return { s, n: X.nRows };
  }

  private proba(X: Frame): Float64Array {
    const { s, n } = this.decision(X);
    const K = this.nClasses;
    const k = this.outputs();
    const out = new Float64Array(n * K);
    if (K < 2) return out.fill(1);
    if (this.probA && this.probB) {
      for (let i = 0; i < n; i++) {
        if (k === 1) {
          const p = sigmoidPredict(s[i], this.probA[0], this.probB[0]);
          out[i * K] = 1 - p;
          out[i * K + 1] = p;
          continue;
        }
        let t = 0;
        for (let c = 0; c < K; c++)
          t += out[i * K + c] = sigmoidPredict(s[i * k + c], this.probA[c], this.probB[c]);
        for (let c = 0; c < K; c++) out[i * K + c] = t > 0 ? out[i * K + c] / t : 1 / K;
      }
      return out;
    }
    const pred = this.classes(s, n);
    for (let i = 0; i < n; i++) out[i * K + pred[i]] = 1;
    return out;
  }

  private classes(s: Float64Array, n: number): Float64Array {
    if (this.nClasses < 2) return new Float64Array(n);
    if (this.outputs() === 1) {
      // A loop: Float64Array.from with a callback costs 25 ns a row.
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = s[i] > 0 ? 1 : 0;
      return out;
    }
    return argmaxRows(s, n, this.nClasses);
  }

  predict(X: Frame): Float64Array {
    const { s, n } = this.decision(X);
    return this.task === 'regression' ? s : this.classes(s, n);
  }

  featureImportance(): { names: string[]; values: number[] } | null {
    if (!this.fitted) return null;
    const K = this.outputs();
    const v = new Float64Array(this.d);
    for (let k = 0; k < K; k++)
      for (let j = 0; j < this.d; j++) v[j] += Math.abs(this.w[k * (this.d + 1) + j]);
    const t = v.reduce((a, b) => a + b, 0);
    return { names: this.names, values: Array.from(v, (x) => (t > 0 ? x / t : 0)) };
  }

  toJSON(): SerializedLearner {
    if (!this.fitted) throw badRequest('not_fitted', `${this.algorithm}: fit the model before saving it`);
    const state: LinState = {
      names: this.names,
      fill: encodeArray(this.fill),
      nClasses: this.nClasses,
      w: encodeArray(this.w),
    };
    if (this.probA && this.probB) {
      state.probA = encodeArray(this.probA);
      state.probB = encodeArray(this.probB);
    }
    return { algorithm: this.algorithm, task: this.task, params: this.params, state };
  }

  static fromJSON(s: SerializedLearner): LinearSvm {
    const m = new LinearSvm(s.task, s.params);
    const st = s.state as LinState;
    m.names = st.names;
    m.fill = decodeArray(st.fill);
    m.nClasses = st.nClasses;
    m.d = st.names.length;
    m.w = decodeArray(st.w);
    if (st.probA && st.probB) {
      m.probA = decodeArray<Float64Array>(st.probA);
      m.probB = decodeArray<Float64Array>(st.probB);
    }
    m.fitted = true;
    return m;
  }
}

/**
 * Training rows for the coordinate updates, each a dot product and an update of w, in
 * compressed sparse rows (column indices and values of the nonzeros): one-hot columns make
 * most entries zero, so a row costs its nonzeros. The solvers read the arrays directly, with
 * the row's bounds in locals: a method call per row kept V8 re-reading them every step.
 */
export class RowMatrix {
  readonly ptr: Int32Array;
  readonly idx: Int32Array;
  readonly val: Float64Array;

  /** From the parts of another (parts()), or fromColumns. */
  constructor(
    parts: RowParts,
    readonly n: number,
    readonly dd: number,
  ) {
    ({ ptr: this.ptr, idx: this.idx, val: this.val } = parts);
  }

  /**
   * The rows of n-row columns (an indicator's ones read as such), with a last column of
   * `bias` unless it is 0: the same matrix as from their row-major copy, without making it
   * (70 columns of 38,563 rows: 21 MB written and read twice for 2 MB of nonzeros).
   */
  static fromColumns(columns: readonly NumericColumn[], n: number, bias: number): RowMatrix {
    const d = columns.length;
    const ptr = new Int32Array(n + 1);
    // Nonzeros per row (at ptr[i + 1]), then their starts, then each column's in turn.
    for (const c of columns) {
      if (c.ones) for (const i of c.ones) ptr[i + 1]++;
      else {
        const v = c.values;
        for (let i = 0; i < n; i++) if (v[i] !== 0) ptr[i + 1]++;
      }
    }
    if (bias !== 0) for (let i = 0; i < n; i++) ptr[i + 1]++;
    for (let i = 0; i < n; i++) ptr[i + 1] += ptr[i];
    const at = ptr.slice(0, n);
    const idx = new Int32Array(ptr[n]);
    const val = new Float64Array(ptr[n]);
    for (let j = 0; j < d; j++) {
      const c = columns[j];
      if (c.ones)
        for (const i of c.ones) {
          idx[at[i]] = j;
          val[at[i]++] = 1;
        }
      else {
        const v = c.values;
        for (let i = 0; i < n; i++)
          if (v[i] !== 0) {
            idx[at[i]] = j;
            val[at[i]++] = v[i];
          }
      }
    }
    if (bias !== 0)
      for (let i = 0; i < n; i++) {
        idx[at[i]] = d;
        val[at[i]++] = bias;
      }
    return new RowMatrix({ ptr, idx, val }, n, d + 1);
  }

  /** The rows on shared memory, for threads to rebuild the matrix from without copies. */
  parts(): RowParts & { n: number; dd: number } {
    return { ptr: shared(this.ptr), idx: shared(this.idx), val: shared(this.val), n: this.n, dd: this.dd };
  }

  dot(r: number, w: Float64Array): number {
    return rowDot(this.ptr, this.idx, this.val, r, w);
  }

  sq(r: number): number {
    let s = 0;
    for (let k = this.ptr[r]; k < this.ptr[r + 1]; k++) s += this.val[k] * this.val[k];
    return s;
  }
}

/**
 * Row r · w. Four running sums (then added pairwise), not one: a single sum waits on the
 * previous addition at every term, and this dot product is most of a fit's time. The order
 * differs from liblinear's by rounding only. A row without zeros skips the column indices.
 */
function rowDot(ptr: Int32Array, idx: Int32Array, val: Float64Array, r: number, w: Float64Array): number {
  const b = ptr[r];
  const e = ptr[r + 1];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = b;
  if (e - b === w.length) {
    for (; k + 4 <= e; k += 4) {
      const j = k - b;
      s0 += val[k] * w[j];
      s1 += val[k + 1] * w[j + 1];
      s2 += val[k + 2] * w[j + 2];
      s3 += val[k + 3] * w[j + 3];
    }
    for (; k < e; k++) s0 += val[k] * w[k - b];
  } else {
    for (; k + 4 <= e; k += 4) {
      s0 += val[k] * w[idx[k]];
      s1 += val[k + 1] * w[idx[k + 1]];
      s2 += val[k + 2] * w[idx[k + 2]];
      s3 += val[k + 3] * w[idx[k + 3]];
    }
    for (; k < e; k++) s0 += val[k] * w[idx[k]];
  }
  return s0 + s1 + (s2 + s3);
}

/** w += a · row r. */
function rowAxpy(
  ptr: Int32Array,
  idx: Int32Array,
  val: Float64Array,
  a: number,
  r: number,
  w: Float64Array,
): void {
  const b = ptr[r];
  const e = ptr[r + 1];
  if (e - b === w.length) for (let k = b; k < e; k++) w[k - b] += a * val[k];
  else for (let k = b; k < e; k++) w[idx[k]] += a * val[k];
}

/** How many steps ahead svrDual touches the row it will read. */
const AHEAD = 4;

export interface DualOptions {
  C: number;
  tol: number;
  maxIter: number;
}

/**
 * Squared-hinge L2 SVM by dual coordinate descent over `rows`: α_i >= 0 with diagonal 1/(2C),
 * stopping when the projected-gradient spread is below tol over the whole set (after a pass
 * that may have shrunk variables stuck at 0).
 */
export async function svcDual(
  M: RowMatrix,
  rows: Int32Array,
  y: Int8Array,
  o: DualOptions,
  rng: Rng,
  ticker: Ticker,
  compiled = true,
): Promise<Float64Array> {
  const l = rows.length;
  const diag = 0.5 / o.C;
  const { ptr, idx, val } = M;
  // The epochs in WebAssembly where it runs (same arithmetic, same model), else below.
  const k = compiled ? SvcEpochs.of(M) : null;
  k?.begin(rows, y);
  const w = k ? k.w : new Float64Array(M.dd);
  const alpha = k ? k.alpha : new Float64Array(l);
  const QD = k ? k.QD : new Float64Array(l);
  const index = k ? k.index : new Int32Array(l);
  for (let s = 0; s < l; s++) QD[s] = M.sq(rows[s]) + diag;
  for (let s = 0; s < l; s++) index[s] = s;
  let active = l;
  let PGmaxOld = Infinity;
  for (let iter = 0; iter < o.maxIter; iter++) {
    let PGmax = -Infinity;
    let PGmin = Infinity;
    if (k) {
      active = k.epoch(active, diag, PGmaxOld, rng);
      PGmax = k.pgMax;
      PGmin = k.pgMin;
    } else {
      for (let s = 0; s < active; s++) {
        const j = s + rng.int(active - s);
        const t = index[s];
        index[s] = index[j];
        index[j] = t;
      }
      for (let s = 0; s < active; s++) {
        const i = index[s];
        const yi = y[rows[i]];
        const G = yi * rowDot(ptr, idx, val, rows[i], w) - 1 + alpha[i] * diag;
        let PG = 0;
        if (alpha[i] === 0) {
          if (G > PGmaxOld) {
            // Stuck at the bound and likely to stay: leave it out until the final check.
            active--;
            index[s] = index[active];
            index[active] = i;
            s--;
            continue;
          }
          if (G < 0) PG = G;
        } else PG = G;
        if (PG > PGmax) PGmax = PG;
        if (PG < PGmin) PGmin = PG;
        if (Math.abs(PG) > 1e-12) {
          const old = alpha[i];
          alpha[i] = Math.max(old - G / QD[i], 0);
          rowAxpy(ptr, idx, val, (alpha[i] - old) * yi, rows[i], w);
        }
      }
    }
    if ((iter & 7) === 7) await ticker.tick();
    if (PGmax - PGmin <= o.tol) {
      if (active === l) break;
      active = l;
      PGmaxOld = Infinity;
      continue;
    }
    PGmaxOld = PGmax <= 0 ? Infinity : PGmax;
  }
  return k ? w.slice() : w;
}

/**
 * ε-insensitive (L1-loss) SVR by dual coordinate descent: β_i in [-C, C], objective
 * ½βᵀQβ - yᵀβ + ε|β|₁, stopping when the summed violation falls below tol times the first sweep's.
 */
export async function svrDual(
  M: RowMatrix,
  rows: Int32Array,
  y: Float64Array,
  o: DualOptions & { epsilon: number },
  rng: Rng,
  ticker: Ticker,
): Promise<Float64Array> {
  const l = rows.length;
  const U = o.C;
  const p = o.epsilon;
  const { ptr, idx, val } = M;
  const w = new Float64Array(M.dd);
  const beta = new Float64Array(l);
  const QD = new Float64Array(l);
  for (let s = 0; s < l; s++) QD[s] = M.sq(rows[s]);
  const index = Int32Array.from({ length: l }, (_, s) => s);
  let active = l;
  let GmaxOld = Infinity;
  let Gnorm1Init = -1;
  let touched = 0;
  for (let iter = 0; iter < o.maxIter; iter++) {
    let Gmax = 0;
    let Gnorm1 = 0;
    for (let s = 0; s < active; s++) {
      const j = s + rng.int(active - s);
      const t = index[s];
      index[s] = index[j];
      index[j] = t;
    }
    for (let s = 0; s < active; s++) {
      const i = index[s];
      // Touch a row a few steps ahead: its cache misses then overlap this row's arithmetic
      // (JavaScript has no prefetch; rows come in random order from memory).
      if (s + AHEAD < active) {
        const a = index[s + AHEAD];
        touched += val[ptr[rows[a]]] + beta[a] + QD[a];
      }
      const G = -y[rows[i]] + rowDot(ptr, idx, val, rows[i], w);
      const H = QD[i];
      const Gp = G + p;
      const Gn = G - p;
      let violation = 0;
      let shrink = false;
      const b = beta[i];
      if (b === 0) {
        if (Gp < 0) violation = -Gp;
        else if (Gn > 0) violation = Gn;
        else if (Gp > GmaxOld && Gn < -GmaxOld) shrink = true;
      } else if (b >= U) {
        if (Gp > 0) violation = Gp;
        else if (Gp < -GmaxOld) shrink = true;
      } else if (b <= -U) {
        if (Gn < 0) violation = -Gn;
        else if (Gn > GmaxOld) shrink = true;
      } else violation = b > 0 ? Math.abs(Gp) : Math.abs(Gn);
      if (shrink) {
        active--;
        index[s] = index[active];
        index[active] = i;
        s--;
        continue;
      }
      Gmax = Math.max(Gmax, violation);
      Gnorm1 += violation;
      // Newton step on the piecewise quadratic in β_i.
      let step: number;
      if (Gp < H * b) step = -Gp / H;
      else if (Gn > H * b) step = -Gn / H;
      else step = -b;
      if (Math.abs(step) < 1e-12 || H <= 0) continue;
      const nb = Math.min(Math.max(b + step, -U), U);
      if (nb !== b) {
        beta[i] = nb;
        rowAxpy(ptr, idx, val, nb - b, rows[i], w);
      }
    }
    if (iter === 0) Gnorm1Init = Gnorm1;
    if ((iter & 7) === 7) await ticker.tick();
    if (Gnorm1 <= o.tol * Gnorm1Init) {
      if (active === l) break;
      active = l;
      GmaxOld = Infinity;
      continue;
    }
    GmaxOld = Gmax;
  }
  // Keeps the touches above from being optimized away (they are never NaN in practice).
  if (Number.isNaN(touched)) w[0] += 0;
  return w;
}

export const linearSvm: LearnerSpec = {
  name: 'linear_svm',
  tasks: ['classification', 'regression'],
  description:
    'linear support vector machine by dual coordinate descent: LinearSVC (squared hinge) and LinearSVR (epsilon-insensitive)',
  params: {
    C: {
      type: 'number',
      default: 1,
      min: 0,
      exclusiveMin: true,
      scale: 'log',
      description: 'inverse regularization: penalty on margin violations',
    },
    epsilon: {
      type: 'number',
      default: 0,
      min: 0,
      description: 'regression: half-width of the tube within which errors cost nothing',
    },
    tol: {
      type: 'number',
      default: 1e-4,
      min: 0,
      exclusiveMin: true,
      scale: 'log',
      description: 'stopping tolerance of the dual solver',
    },
    max_iter: {
      type: 'integer',
      default: 1000,
      min: 1,
      scale: 'log',
      description: 'sweeps over the rows at most',
    },
    fit_intercept: {
      type: 'boolean',
      default: true,
      description: 'add a constant column (regularized, as in liblinear)',
    },
    intercept_scaling: {
      type: 'number',
      default: 1,
      min: 0,
      exclusiveMin: true,
      description: 'value of the constant column',
    },
    n_jobs: {
      type: 'integer',
      default: null,
      min: -1,
      nullable: true,
      description: 'threads for the one-vs-rest classifiers of several classes; null or -1: every core',
    },
    probability: {
      type: 'boolean',
      default: false,
      description:
        'classification: Platt-scaled probabilities from 5-fold cross-validation (else one-hot of the decision, as LinearSVC)',
    },
  },
  input: { impute: true, scale: true, oneHot: true },
  create: (task, params) => new LinearSvm(task, params),
  fromJSON: (s) => LinearSvm.fromJSON(s),
};
