import { Ticker } from '../../../core/abort.js';
import { badRequest } from '../../../core/errors.js';
import type { Frame, Target, Task } from '../../frame.js';
import type { FitContext, Learner, LearnerSpec, SerializedLearner } from '../contract.js';
import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import { addScaled, argmaxRows, columnMeans, fitDesign, predictColumns, softmaxRows } from '../kit/input.js';
import type { Params } from '../params.js';

/**
 * Naive Bayes, as scikit-learn's GaussianNB (per-class normal densities, variances smoothed
 * by var_smoothing times the largest feature variance) and MultinomialNB (counts, such as
 * word counts, with additive smoothing alpha). Classification only.
 */
interface NbState {
  names: string[];
  fill: EncodedArray;
  nClasses: number;
  logPrior: EncodedArray;
  /** gaussian: K x d means and variances; multinomial: K x d log probabilities. */
  a: EncodedArray;
  b?: EncodedArray;
}

export class NaiveBayes implements Learner {
  readonly algorithm = 'naive_bayes';
  private names: string[] = [];
  private fill: Float64Array = new Float64Array(0);
  private nClasses = 0;
  private logPrior: Float64Array = new Float64Array(0);
  private a: Float64Array = new Float64Array(0);
  private b: Float64Array = new Float64Array(0);
  private fitted = false;

  constructor(
    readonly task: Task,
    readonly params: Params,
  ) {
    if (task !== 'classification')
      throw badRequest('unsupported_task', 'naive_bayes does classification only');
  }

  private get multinomial(): boolean {
    return this.params.distribution === 'multinomial';
  }

  async fit(X: Frame, y: Target, ctx: FitContext): Promise<void> {
    const ticker = new Ticker(ctx.signal);
    ticker.throwIfAborted();
    const D = fitDesign(this.algorithm, X, y, this.task);
    if (y.task !== 'classification')
      throw badRequest('invalid_target', 'naive_bayes needs a classification target');
    const { n, d, data } = D;
    const K = y.classes.length;
    const labels = y.labels;
    const count = new Float64Array(K);
    for (let i = 0; i < n; i++) count[labels[i]]++;
    const logPrior = new Float64Array(K);
    const present = count.reduce((s, c) => s + (c > 0 ? 1 : 0), 0);
    for (let c = 0; c < K; c++)
      logPrior[c] =
        count[c] === 0
          ? -Infinity
          : this.multinomial && !this.params.fit_prior
            ? -Math.log(present)
            : Math.log(count[c] / n);
    const a = new Float64Array(K * d);
    const b = new Float64Array(this.multinomial ? 0 : K * d);
    if (this.multinomial) {
      const alpha = this.params.alpha as number;
      for (let j = 0; j < d; j++) {
        const o = j * n;
        for (let i = 0; i < n; i++) {
          const v = data[o + i];
          if (v < 0)
            throw badRequest(
              'invalid_input',
              `naive_bayes (multinomial): column '${D.names[j]}' has a negative value; it takes counts`,
            );
          a[labels[i] * d + j] += v;
        }
      }
      for (let c = 0; c < K; c++) {
        let total = 0;
        for (let j = 0; j < d; j++) total += a[c * d + j];
        const denom = Math.log(total + alpha * d);
        for (let j = 0; j < d; j++) a[c * d + j] = Math.log(a[c * d + j] + alpha) - denom;
      }
    } else {
      // Variances per class (two passes: mean, then squared deviations), smoothed by a share of the widest.
      let widest = 0;
      for (let j = 0; j < d; j++) {
        const o = j * n;
        let m = 0;
        for (let i = 0; i < n; i++) m += data[o + i];
        m /= n;
        let v = 0;
        for (let i = 0; i < n; i++) v += (data[o + i] - m) ** 2;
        widest = Math.max(widest, v / n);
        for (let i = 0; i < n; i++) a[labels[i] * d + j] += data[o + i];
        for (let c = 0; c < K; c++) a[c * d + j] = count[c] ? a[c * d + j] / count[c] : 0;
        for (let i = 0; i < n; i++) b[labels[i] * d + j] += (data[o + i] - a[labels[i] * d + j]) ** 2;
        for (let c = 0; c < K; c++) b[c * d + j] = count[c] ? b[c * d + j] / count[c] : 0;
      }
      const eps = (this.params.var_smoothing as number) * widest;
      for (let k = 0; k < b.length; k++) b[k] += eps;
      // A feature constant everywhere leaves zero variance even after smoothing: give it a harmless one.
      for (let k = 0; k < b.length; k++) if (!(b[k] > 0)) b[k] = 1;
    }
    this.names = D.names;
    this.fill = columnMeans(D);
    this.nClasses = K;
    this.logPrior = logPrior;
    this.a = a;
    this.b = b;
    this.fitted = true;
    ctx.onProgress?.({ fraction: 1 });
  }

  /** Joint log-likelihood per row and class, row-major n x K. */
  private jll(X: Frame): { s: Float64Array; n: number } {
    if (!this.fitted) throw badRequest('not_fitted', `${this.algorithm}: fit the model before predicting`);
    const { n, cols } = predictColumns(this.algorithm, X, this.names, this.fill);
    const d = cols.length;
    const K = this.nClasses;
    const s = new Float64Array(n * K);
    // One class at a time into a contiguous row of scores, then spread into the n x K output.
    const t = new Float64Array(n);
    for (let c = 0; c < K; c++) {
      const prior = this.logPrior[c];
      if (this.multinomial) {
        t.fill(prior);
        for (let j = 0; j < d; j++) {
          const w = this.a[c * d + j];
          const col = cols[j];
          // An indicator's zeros add nothing, and its ones are not negative.
          if (!(col instanceof Float64Array)) {
            addScaled(t, w, col, n);
            continue;
          }
          for (let i = 0; i < n; i++) {
            const v = col[i];
            if (v < 0)
              throw badRequest(
                'invalid_input',
                `naive_bayes (multinomial): column '${this.names[j]}' has a negative value; it takes counts`,
              );
            if (v !== 0) t[i] += v * w;
          }
        }
      } else {
        let norm = 0;
        for (let j = 0; j < d; j++) norm += Math.log(2 * Math.PI * this.b[c * d + j]);
        t.fill(prior - 0.5 * norm);
        for (let j = 0; j < d; j++) {
          const mu = this.a[c * d + j];
          const inv = 1 / this.b[c * d + j];
          const col = cols[j];
          if (col instanceof Float64Array)
            for (let i = 0; i < n; i++) {
              const z = col[i] - mu;
              t[i] -= 0.5 * z * z * inv;
            }
          else {
            // An indicator: the zeros' term everywhere, the ones' term at its rows.
            const ones = col.ones;
            const z0 = 0 - mu;
            const z1 = 1 - mu;
            for (let i = 0, p = 0; i < n; i++) {
              const z = p < ones.length && ones[p] === i ? (p++, z1) : z0;
              t[i] -= 0.5 * z * z * inv;
            }
          }
        }
      }
      for (let i = 0; i < n; i++) s[i * K + c] = t[i];
    }
    return { s, n };
  }

  predictProba(X: Frame): Float64Array {
    const { s, n } = this.jll(X);
    return softmaxRows(s, n, this.nClasses);
  }

  predict(X: Frame): Float64Array {
    const { s, n } = this.jll(X);
    return argmaxRows(s, n, this.nClasses);
  }

  toJSON(): SerializedLearner {
    if (!this.fitted) throw badRequest('not_fitted', `${this.algorithm}: fit the model before saving it`);
    const state: NbState = {
      names: this.names,
      fill: encodeArray(this.fill),
      nClasses: this.nClasses,
      logPrior: encodeArray(this.logPrior),
      a: encodeArray(this.a),
    };
    if (!this.multinomial) state.b = encodeArray(this.b);
    return { algorithm: this.algorithm, task: this.task, params: this.params, state };
  }

  static fromJSON(s: SerializedLearner): NaiveBayes {
    const m = new NaiveBayes(s.task, s.params);
    const st = s.state as NbState;
    m.names = st.names;
    m.fill = decodeArray(st.fill);
    m.nClasses = st.nClasses;
    m.logPrior = decodeArray(st.logPrior);
    m.a = decodeArray(st.a);
    if (st.b) m.b = decodeArray(st.b);
    m.fitted = true;
    return m;
  }
}

export const naiveBayes: LearnerSpec = {
  name: 'naive_bayes',
  tasks: ['classification'],
  description: 'naive Bayes: Gaussian for continuous features, multinomial for counts (such as word counts)',
  params: {
    distribution: {
      type: 'string',
      default: 'gaussian',
      choices: ['gaussian', 'multinomial'],
      description:
        'gaussian (scikit-learn GaussianNB) or multinomial for non-negative counts (MultinomialNB)',
    },
    var_smoothing: {
      type: 'number',
      default: 1e-9,
      min: 0,
      scale: 'log',
      description: 'gaussian: share of the largest feature variance added to every variance',
    },
    alpha: {
      type: 'number',
      default: 1,
      min: 0,
      scale: 'log',
      description: 'multinomial: additive (Laplace) smoothing of counts',
    },
    fit_prior: {
      type: 'boolean',
      default: true,
      description: 'multinomial: learn class priors (else uniform)',
    },
  },
  input: { impute: true, scale: false, oneHot: true },
  create: (task, params) => new NaiveBayes(task, params),
  fromJSON: (s) => NaiveBayes.fromJSON(s),
};
