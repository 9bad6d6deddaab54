import { Ticker } from '../../../core/abort.js';
import { badRequest } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import type { Frame, Target, Task } from '../../frame.js';
import type { FitContext, Learner, LearnerSpec, SerializedLearner } from '../contract.js';
import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import { argmaxRows, columnMeans, fitDesign, predictRows, rowMajor } from '../kit/input.js';
import type { Params } from '../params.js';
import { Kernel, rowStore, scaleGamma, type KernelName, type KernelSpec } from './kernel.js';
import { couple, sigmoidPredict, sigmoidTrain } from './platt.js';
import { runSvmTask, type SvmTask, type SvmTaskResult } from './tasks.js';
import { runOnThreads, shared, threadCount } from '../kit/workers.js';

/**
 * Kernel SVMs as scikit-learn's SVC and SVR (libsvm): SMO on the dual, one-vs-one for several
 * classes, and with probability on (as the scikit-learn peer runs SVC) Platt scaling fitted on
 * 5-fold cross-validated decision values, pairwise probabilities coupled into one distribution.
 * Classification predicts the most probable class then (the class the peer's metrics score);
 * without probabilities, the one-vs-one vote.
 */
interface Pair {
  a: number;
  b: number;
  /** Into the support-vector list: which vectors, with which coefficient (α·y). */
  sv: Int32Array;
  coef: Float64Array;
  rho: number;
  probA: number;
  probB: number;
}

interface SvmState {
  names: string[];
  fill: EncodedArray;
  gamma: number;
  /** Row-major support vectors. */
  sv: EncodedArray;
  nClasses: number;
  only: number;
  pairs: {
    a: number;
    b: number;
    sv: EncodedArray;
    coef: EncodedArray;
    rho: number;
    probA: number;
    probB: number;
  }[];
}

/** Summed squared fit sizes from which the fits go to worker threads. */
const PARALLEL_WORK = 10_000_000;

export class Svm implements Learner {
  readonly algorithm = 'svm';
  private names: string[] = [];
  private fill: Float64Array = new Float64Array(0);
  private gamma = 0;
  private d = 0;
  private sv: Float64Array = new Float64Array(0);
  private nClasses = 0;
  private pairs: Pair[] = [];
  /** The class, when training saw only one. */
  private only = 0;
  private fitted = false;
  readonly predictProba?: (X: Frame) => Float64Array;

  constructor(
    readonly task: Task,
    readonly params: Params,
  ) {
    if (task === 'classification') this.predictProba = (X) => this.proba(X);
  }

  private kernelSpec(): KernelSpec {
    return {
      kernel: this.params.kernel as KernelName,
      gamma: this.gamma,
      degree: this.params.degree as number,
      coef0: this.params.coef0 as number,
    };
  }

  async fit(X: Frame, y: Target, ctx: FitContext): Promise<void> {
    const ticker = new Ticker(ctx.signal);
    ticker.throwIfAborted();
    const D = fitDesign(this.algorithm, X, y, this.task);
    const R = rowMajor(D);
    const g = this.params.gamma as number;
    this.gamma = g > 0 ? g : scaleGamma(R, D.d);
    this.d = D.d;
    const kernel = new Kernel(this.kernelSpec(), R, D.n, D.d);
    const C = this.params.C as number;
    const tol = this.params.tol as number;
    const budget = (this.params.cache_size as number) * 1024 * 1024;
    const maxIter = (this.params.max_iter as number | null) ?? Infinity;
    const used = new Map<number, number>(); // training row -> support-vector index
    const svIndex = (row: number) => {
      let k = used.get(row);
      if (k === undefined) used.set(row, (k = used.size));
      return k;
    };
    // Every SMO fit of the model as a task: the regression, or per pair the full fit and,
    // with probabilities, the five cross-validation folds.
    const base = { C, tol, maxIter, cacheBytes: budget, shrinking: this.params.shrinking as boolean };
    const tasks: SvmTask[] = [];
    const meta: {
      a: number;
      b: number;
      rows: Int32Array;
      s: Int8Array;
      full: number;
      folds: { task: number; held: Int32Array; pos: number[] }[];
      dec: Float64Array;
    }[] = [];
    if (y.task === 'regression') {
      const rows = Int32Array.from({ length: D.n }, (_, i) => i);
      tasks.push({ id: 0, kind: 'svr', rows, y: y.values, epsilon: this.params.epsilon as number, ...base });
      this.nClasses = 0;
    } else {
      const K = y.classes.length;
      const byClass: number[][] = Array.from({ length: K }, () => []);
      for (let i = 0; i < D.n; i++) byClass[y.labels[i]].push(i);
      const present = byClass.map((r, c) => (r.length ? c : -1)).filter((c) => c >= 0);
      this.only = present[0] ?? 0;
      const rng = new Rng(ctx.seed);
      for (let u = 0; u < present.length; u++)
        for (let v = u + 1; v < present.length; v++) {
          const a = present[u];
          const b = present[v];
          const rows = Int32Array.from([...byClass[a], ...byClass[b]].sort((x, z) => x - z));
          const s = Int8Array.from(rows, (i) => (y.labels[i] === a ? 1 : -1));
          const m = {
            a,
            b,
            rows,
            s,
            full: tasks.length,
            folds: [] as { task: number; held: Int32Array; pos: number[] }[],
            dec: new Float64Array(rows.length),
          };
          tasks.push({ id: tasks.length, kind: 'svc', rows, s, ...base });
          if (this.params.probability) {
            const l = rows.length;
            const perm = rng.permutation(l);
            for (let f = 0; f < 5; f++) {
              const lo = Math.floor((f * l) / 5);
              const hi = Math.floor(((f + 1) * l) / 5);
              const train: number[] = [];
              for (let q = 0; q < l; q++) if (q < lo || q >= hi) train.push(perm[q]);
              const pos = Array.from(perm.subarray(lo, hi));
              let plus = 0;
              for (const t of train) if (s[t] > 0) plus++;
              // A fold whose training part holds one class decides by that class alone.
              if (plus === 0 || plus === train.length) {
                for (const t of pos) m.dec[t] = plus === 0 ? -1 : 1;
                continue;
              }
              m.folds.push({ task: tasks.length, held: Int32Array.from(pos, (t) => rows[t]), pos });
              tasks.push({
                id: tasks.length,
                kind: 'svc',
                rows: Int32Array.from(train, (t) => rows[t]),
                s: Int8Array.from(train, (t) => s[t]),
                held: Int32Array.from(pos, (t) => rows[t]),
                ...base,
              });
            }
          }
          meta.push(m);
        }
      this.nClasses = K;
    }
    const results = await this.runTasks(tasks, R, D.n, D.d, kernel, ticker, ctx);
    const pairs: Pair[] = [];
    const collect = (rows: Int32Array, coef: Float64Array) => {
      const sv: number[] = [];
      const c: number[] = [];
      for (let t = 0; t < rows.length; t++)
        if (coef[t] !== 0) {
          sv.push(svIndex(rows[t]));
          c.push(coef[t]);
        }
      return { sv: Int32Array.from(sv), coef: Float64Array.from(c) };
    };
    if (y.task === 'regression')
      pairs.push({
        a: 0,
        b: 0,
        ...collect(tasks[0].rows, results[0].coef),
        rho: results[0].rho,
        probA: 0,
        probB: 0,
      });
    for (const m of meta) {
      const full = results[m.full];
      let probA = 0;
      let probB = 0;
      if (this.params.probability) {
        for (const f of m.folds) f.pos.forEach((t, q) => (m.dec[t] = results[f.task].dec![q]));
        ({ A: probA, B: probB } = sigmoidTrain(m.dec, m.s));
      }
      pairs.push({ a: m.a, b: m.b, ...collect(m.rows, full.coef), rho: full.rho, probA, probB });
    }
    const svRows = new Float64Array(used.size * D.d);
    for (const [row, k] of used) svRows.set(R.subarray(row * D.d, (row + 1) * D.d), k * D.d);
    this.names = D.names;
    this.fill = columnMeans(D);
    this.sv = svRows;
    this.pairs = pairs;
    this.fitted = true;
    ctx.onProgress?.({ fraction: 1 });
  }

  /** Runs the fits here in turn, or on worker threads when there are several and they are big. */
  private async runTasks(
    tasks: SvmTask[],
    R: Float64Array,
    n: number,
    d: number,
    kernel: Kernel,
    ticker: Ticker,
    ctx: FitContext,
  ): Promise<SvmTaskResult[]> {
    let work = 0;
    for (const t of tasks) work += t.rows.length * t.rows.length;
    const threads = Math.min(threadCount(this.params.n_jobs as number | null), tasks.length);
    // Several fits over subsets of the same rows share whole kernel rows (see Kernel.shareRows).
    const rows = tasks.length > 1 ? rowStore(n, (this.params.cache_size as number) * 1024 * 1024) : null;
    if (threads > 1 && work >= PARALLEL_WORK) {
      const X = shared(R);
      return runOnThreads<SvmTask, SvmTaskResult>(
        import.meta.url,
        'worker',
        { X, n, d, spec: this.kernelSpec(), rows },
        tasks,
        threads,
        ctx.signal,
        (_, done) => ctx.onProgress?.({ fraction: done / tasks.length }),
      );
    }
    if (rows) kernel.shareRows(rows);
    const out: SvmTaskResult[] = [];
    for (const t of tasks) {
      out.push(await runSvmTask(kernel, t, ticker));
      ctx.onProgress?.({ fraction: out.length / tasks.length });
    }
    return out;
  }

  /**
   * Decision values per pair for the m rows of Q: m x pairs. A query row's kernel values
   * against every support vector are summed into its decisions as soon as they are computed,
   * in one buffer: a block of rows' kernel matrix (1024 x 16,512 doubles on
   * california_housing, 135 MB) cost more to allocate, fill and read back than to compute.
   */
  private decisions(Q: Float64Array, m: number): Float64Array {
    const d = this.d;
    const nsv = this.sv.length / Math.max(1, d);
    const k = new Kernel(this.kernelSpec(), this.sv, nsv, d);
    const all = Int32Array.from({ length: nsv }, (_, i) => i);
    const P = this.pairs.length;
    const out = new Float64Array(m * P);
    const col = new Float64Array(nsv);
    const q = new Float64Array(d);
    for (let i = 0; i < m; i++) {
      q.set(Q.subarray(i * d, (i + 1) * d));
      k.against(q, all, col);
      for (let p = 0; p < P; p++) {
        const pr = this.pairs[p];
        let v = -pr.rho;
        for (let t = 0; t < pr.sv.length; t++) v += pr.coef[t] * col[pr.sv[t]];
        out[i * P + p] = Number.isFinite(v) ? v : v > 0 ? 1e300 : -1e300;
      }
    }
    return out;
  }

  private query(X: Frame): { Q: Float64Array; m: number } {
    if (!this.fitted) throw badRequest('not_fitted', 'svm: fit the model before predicting');
    const D = predictRows(this.algorithm, X, this.names, this.fill);
    return { Q: D.data, m: D.n };
  }

  private proba(X: Frame): Float64Array {
    const { Q, m } = this.query(X);
    const K = this.nClasses;
    const out = new Float64Array(m * K);
    if (this.pairs.length === 0) {
      // One class in training: it is certain.
      for (let i = 0; i < m; i++) out[i * K + this.only] = 1;
      return out;
    }
    const dec = this.decisions(Q, m);
    const P = this.pairs.length;
    if (!this.params.probability) {
      const votes = this.vote(dec, m);
      for (let i = 0; i < m; i++) out[i * K + votes[i]] = 1;
      return out;
    }
    const r = new Float64Array(K * K);
    const p = new Float64Array(K);
    const classes = this.classesInModel();
    const k = classes.length;
    const pos = new Map(classes.map((c, i) => [c, i]));
    for (let i = 0; i < m; i++) {
      for (let q = 0; q < P; q++) {
        const pr = this.pairs[q];
        const v = Math.min(Math.max(sigmoidPredict(dec[i * P + q], pr.probA, pr.probB), 1e-7), 1 - 1e-7);
        const a = pos.get(pr.a)!;
        const b = pos.get(pr.b)!;
        r[a * k + b] = v;
        r[b * k + a] = 1 - v;
      }
      if (k === 2) {
        p[0] = r[1];
        p[1] = r[k];
      } else couple(r, k, p);
      for (let c = 0; c < k; c++) out[i * K + classes[c]] = p[c];
    }
    return out;
  }

  private classesInModel(): number[] {
    const s = new Set<number>();
    for (const p of this.pairs) {
      s.add(p.a);
      s.add(p.b);
    }
    return [...s].sort((a, b) => a - b);
  }

  /** One-vs-one votes; ties go to the lower class. */
  private vote(dec: Float64Array, m: number): Int32Array {
    const K = this.nClasses;
    const P = this.pairs.length;
    const out = new Int32Array(m);
    const votes = new Int32Array(K);
    for (let i = 0; i < m; i++) {
      votes.fill(0);
      for (let q = 0; q < P; q++) votes[dec[i * P + q] > 0 ? this.pairs[q].a : this.pairs[q].b]++;
      let best = 0;
      for (let c = 1; c < K; c++) if (votes[c] > votes[best]) best = c;
      out[i] = best;
    }
    return out;
  }

  predict(X: Frame): Float64Array {
    if (this.task === 'classification') {
      const p = this.proba(X);
      return argmaxRows(p, X.nRows, this.nClasses);
    }
    const { Q, m } = this.query(X);
    return this.decisions(Q, m);
  }

  toJSON(): SerializedLearner {
    if (!this.fitted) throw badRequest('not_fitted', 'svm: fit the model before saving it');
    const state: SvmState = {
      names: this.names,
      fill: encodeArray(this.fill),
      gamma: this.gamma,
      sv: encodeArray(this.sv),
      nClasses: this.nClasses,
      only: this.only,
      pairs: this.pairs.map((p) => ({ ...p, sv: encodeArray(p.sv), coef: encodeArray(p.coef) })),
    };
    return { algorithm: this.algorithm, task: this.task, params: this.params, state };
  }

  static fromJSON(s: SerializedLearner): Svm {
    const m = new Svm(s.task, s.params);
    const st = s.state as SvmState;
    m.names = st.names;
    m.fill = decodeArray(st.fill);
    m.gamma = st.gamma;
    m.d = st.names.length;
    m.sv = decodeArray(st.sv);
    m.nClasses = st.nClasses;
    m.only = st.only;
    m.pairs = st.pairs.map((p) => ({
      ...p,
      sv: decodeArray<Int32Array>(p.sv),
      coef: decodeArray<Float64Array>(p.coef),
    }));
    m.fitted = true;
    return m;
  }
}

export const svm: LearnerSpec = {
  name: 'svm',
  tasks: ['classification', 'regression'],
  description:
    'kernel support vector machine (RBF, polynomial, linear, sigmoid) by SMO: classification (SVC) and epsilon-regression (SVR)',
  params: {
    C: {
      type: 'number',
      default: 1,
      min: 0,
      exclusiveMin: true,
      scale: 'log',
      description: 'inverse regularization: penalty on margin violations',
    },
    kernel: {
      type: 'string',
      default: 'rbf',
      choices: ['rbf', 'poly', 'linear', 'sigmoid'],
      description: 'kernel function',
    },
    degree: { type: 'integer', default: 3, min: 1, max: 10, description: 'poly: degree' },
    gamma: {
      type: 'number',
      default: 0,
      min: 0,
      scale: 'log',
      description:
        "rbf, poly, sigmoid: kernel coefficient; 0 means 'scale', 1 / (columns x variance of the inputs)",
    },
    coef0: { type: 'number', default: 0, description: 'poly, sigmoid: constant term' },
    epsilon: {
      type: 'number',
      default: 0.1,
      min: 0,
      description: 'regression: half-width of the tube within which errors cost nothing',
    },
    tol: {
      type: 'number',
      default: 1e-3,
      min: 0,
      exclusiveMin: true,
      scale: 'log',
      description: 'stop when the largest KKT violation is below this',
    },
    probability: {
      type: 'boolean',
      default: true,
      description:
        'classification: Platt-scaled probabilities from 5-fold cross-validation (else one-hot of the vote)',
    },
    cache_size: { type: 'number', default: 200, min: 1, description: 'kernel cache, in MB' },
    shrinking: {
      type: 'boolean',
      default: true,
      description:
        "set aside variables stuck at a bound while solving (libsvm's heuristic): same model, less work",
    },
    n_jobs: {
      type: 'integer',
      default: null,
      min: -1,
      nullable: true,
      description: 'threads for the fits (pairs and probability folds); null or -1: every core',
    },
    max_iter: {
      type: 'integer',
      default: null,
      min: 1,
      nullable: true,
      description: 'SMO steps at most; null: until converged',
    },
  },
  input: { impute: true, scale: true, oneHot: true },
  create: (task, params) => new Svm(task, params),
  fromJSON: (s) => Svm.fromJSON(s),
};
