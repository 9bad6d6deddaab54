import { badRequest } from '../../../core/errors.js';

/**
 * Loss functions as boosting needs them: a starting margin, per-row gradient and hessian of
 * the loss at the current margin, the evaluation metric XGBoost reports for the objective
 * (lower is better), and the link from margins to predictions.
 *
 * Margins are row-major n x K (K = 1 except for softmax). Labels are numbers: the value for
 * regression, the class index for classification.
 */
export type ObjectiveName =
  | 'reg:squarederror'
  | 'reg:absoluteerror'
  | 'reg:pseudohubererror'
  | 'count:poisson'
  | 'binary:logistic'
  | 'multi:softprob';

export const REGRESSION_OBJECTIVES: ObjectiveName[] = [
  'reg:squarederror',
  'reg:absoluteerror',
  'reg:pseudohubererror',
  'count:poisson',
];
export const CLASSIFICATION_OBJECTIVES: ObjectiveName[] = ['binary:logistic', 'multi:softprob'];

/** What a worker thread needs to rebuild the same objective. */
export interface ObjectiveSpec {
  name: ObjectiveName;
  nClasses: number;
  options: ObjectiveOptions;
}

export interface ObjectiveOptions {
  huberSlope: number;
  /** count:poisson keeps its hessian away from zero with this (XGBoost's 0.7 by default). */
  poissonMaxDelta: number;
}

export interface Objective {
  name: ObjectiveName;
  /** Outputs per row (classes for softmax, else 1). */
  K: number;
  metric: string;
  /** The starting margin per output, estimated from the labels (weighted). */
  baseMargin(y: Float64Array, w: Float64Array | null): Float64Array;
  /** Throws a user error for labels the loss cannot take. */
  validate?: (y: Float64Array) => void;
  /** Whether the default base_score (0.5) is replaced by the estimate: losses with bounded gradients need it. */
  estimateBase: boolean;
  /** Converts a user's base_score (in prediction space) to a margin. */
  marginOf(baseScore: number): number;
  /**
   * Gradient and hessian of output k for rows [from, to) into gh (2 per row), weighted.
   * `P` holds softmax probabilities. Stored as float32, as XGBoost keeps its gradient pairs:
   * histogram passes, bound by memory, read them for every row of a node, and half the
   * bytes is less time there (histograms still add them up in doubles).
   */
  gradients(
    F: Float64Array,
    y: Float64Array,
    w: Float64Array | null,
    k: number,
    gh: Float32Array,
    P: Float64Array | null,
    from: number,
    to: number,
  ): void;
  /** Mean loss (the metric) of margins F against labels y. */
  metricOf(F: Float64Array, y: Float64Array): number;
  /** Replaces a leaf's weight with a statistic of residuals (absolute error's median), if the loss wants it. */
  refitLeaf?: (
    F: Float64Array,
    y: Float64Array,
    rows: Int32Array,
    start: number,
    count: number,
    scratch: Float64Array,
  ) => number;
}

export function resolveObjective(
  name: string,
  task: 'regression' | 'classification',
  nClasses: number,
): ObjectiveName {
  if (name === 'auto')
    return task === 'regression' ? 'reg:squarederror' : nClasses > 2 ? 'multi:softprob' : 'binary:logistic';
  const o = name as ObjectiveName;
  if (task === 'regression' && !REGRESSION_OBJECTIVES.includes(o))
    throw badRequest(
      'invalid_parameter',
      `gradient_boosting: objective '${name}' is for classification, not regression`,
    );
  if (task === 'classification' && !CLASSIFICATION_OBJECTIVES.includes(o))
    throw badRequest(
      'invalid_parameter',
      `gradient_boosting: objective '${name}' is for regression, not classification`,
    );
  return o;
}

function weightedMean(y: Float64Array, w: Float64Array | null): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    s += wi * y[i];
    sw += wi;
  }
  return sw > 0 ? s / sw : 0;
}

function weightedMedian(y: Float64Array, w: Float64Array | null): number {
  if (y.length === 0) return 0;
  const idx = Array.from({ length: y.length }, (_, i) => i).sort((a, b) => y[a] - y[b]);
  let total = 0;
  for (let i = 0; i < y.length; i++) total += w ? w[i] : 1;
  let acc = 0;
  for (const i of idx) {
    acc += w ? w[i] : 1;
    if (acc >= total / 2) return y[i];
  }
  return y[idx[idx.length - 1]];
}

/** In-place quickselect median of a[0..m). */
function median(a: Float64Array, m: number): number {
  const kth = (k: number) => {
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const pivot = a[(lo + hi) >> 1];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (a[i] < pivot) i++;
        while (a[j] > pivot) j--;
        if (i <= j) {
          const t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return a[k];
    }
    return a[k];
  };
  if (m % 2 === 1) return kth(m >> 1);
  const hi = kth(m >> 1);
  let lo = -Infinity;
  for (let i = 0; i < m >> 1; i++) if (a[i] > lo) lo = a[i];
  return (lo + hi) / 2;
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** log Gamma by Lanczos (g = 7), for the Poisson metric's constant term. */
function lgamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

export function makeObjective(name: ObjectiveName, nClasses: number, opts: ObjectiveOptions): Objective {
  switch (name) {
    case 'reg:squarederror':
      return {
        name,
        K: 1,
        estimateBase: false,
        metric: 'rmse',
        baseMargin: (y, w) => Float64Array.of(weightedMean(y, w)),
        marginOf: (b) => b,
        gradients(F, y, w, _k, gh, _P, from, to) {
          for (let i = from; i < to; i++) {
            const wi = w ? w[i] : 1;
            gh[2 * i] = wi * (F[i] - y[i]);
            gh[2 * i + 1] = wi;
          }
        },
        metricOf(F, y) {
          let s = 0;
          for (let i = 0; i < y.length; i++) s += (F[i] - y[i]) ** 2;
          return Math.sqrt(s / y.length);
        },
      };
    case 'reg:absoluteerror':
      return {
        name,
        K: 1,
        estimateBase: true,
        metric: 'mae',
        baseMargin: (y, w) => Float64Array.of(weightedMedian(y, w)),
        marginOf: (b) => b,
        gradients(F, y, w, _k, gh, _P, from, to) {
          for (let i = from; i < to; i++) {
            const wi = w ? w[i] : 1;
            const r = F[i] - y[i];
            gh[2 * i] = wi * (r > 0 ? 1 : r < 0 ? -1 : 0);
            gh[2 * i + 1] = wi;
          }
        },
        metricOf(F, y) {
          let s = 0;
          for (let i = 0; i < y.length; i++) s += Math.abs(F[i] - y[i]);
          return s / y.length;
        },
        // As XGBoost does: the sign gradient only chooses the splits; each leaf then moves by
        // the median residual of its rows.
        refitLeaf(F, y, rows, start, count, scratch) {
          for (let k = 0; k < count; k++) {
            const r = rows[start + k];
            scratch[k] = y[r] - F[r];
          }
          return median(scratch, count);
        },
      };
    case 'reg:pseudohubererror': {
      const d = opts.huberSlope;
      return {
        name,
        K: 1,
        estimateBase: true,
        metric: 'mphe',
        baseMargin: (y, w) => Float64Array.of(weightedMedian(y, w)),
        marginOf: (b) => b,
        gradients(F, y, w, _k, gh, _P, from, to) {
          for (let i = from; i < to; i++) {
            const wi = w ? w[i] : 1;
            const r = F[i] - y[i];
            const s = 1 + (r / d) ** 2;
            const sq = Math.sqrt(s);
            gh[2 * i] = (wi * r) / sq;
            gh[2 * i + 1] = Math.max(wi / (s * sq), 1e-16);
          }
        },
        metricOf(F, y) {
          let s = 0;
          for (let i = 0; i < y.length; i++) s += d * d * (Math.sqrt(1 + ((F[i] - y[i]) / d) ** 2) - 1);
          return s / y.length;
        },
      };
    }
    case 'count:poisson': {
      const md = opts.poissonMaxDelta;
      return {
        name,
        K: 1,
        estimateBase: false,
        metric: 'poisson-nloglik',
        validate(y) {
          for (let i = 0; i < y.length; i++)
            if (!(y[i] >= 0))
              throw badRequest(
                'invalid_target',
                `count:poisson needs non-negative targets (row ${i} has ${y[i]})`,
              );
        },
        baseMargin: (y, w) => Float64Array.of(Math.log(Math.max(weightedMean(y, w), 1e-6))),
        marginOf: (b) => Math.log(Math.max(b, 1e-16)),
        gradients(F, y, w, _k, gh, _P, from, to) {
          for (let i = from; i < to; i++) {
            const wi = w ? w[i] : 1;
            gh[2 * i] = wi * (Math.exp(F[i]) - y[i]);
            gh[2 * i + 1] = wi * Math.exp(F[i] + md);
          }
        },
        metricOf(F, y) {
          let s = 0;
          for (let i = 0; i < y.length; i++) s += Math.exp(F[i]) - y[i] * F[i] + lgamma(y[i] + 1);
          return s / y.length;
        },
      };
    }
    case 'binary:logistic':
      return {
        name,
        K: 1,
        estimateBase: false,
        metric: 'logloss',
        baseMargin(y, w) {
          const p = Math.min(Math.max(weightedMean(y, w), 1e-6), 1 - 1e-6);
          return Float64Array.of(Math.log(p / (1 - p)));
        },
        marginOf: (b) => {
          const p = Math.min(Math.max(b, 1e-16), 1 - 1e-16);
          return Math.log(p / (1 - p));
        },
        gradients(F, y, w, _k, gh, _P, from, to) {
          for (let i = from; i < to; i++) {
            const wi = w ? w[i] : 1;
            const p = 1 / (1 + Math.exp(-F[i]));
            gh[2 * i] = wi * (p - y[i]);
            gh[2 * i + 1] = wi * Math.max(p * (1 - p), 1e-16);
          }
        },
        metricOf(F, y) {
          let s = 0;
          for (let i = 0; i < y.length; i++) s += softplus(F[i]) - y[i] * F[i];
          return s / y.length;
        },
      };
    case 'multi:softprob': {
      const K = nClasses;
      return {
        name,
        K,
        estimateBase: false,
        metric: 'mlogloss',
        baseMargin(y, w) {
          const c = new Float64Array(K);
          let total = 0;
          for (let i = 0; i < y.length; i++) {
            const wi = w ? w[i] : 1;
            c[y[i]] += wi;
            total += wi;
          }
          const m = new Float64Array(K);
          let mean = 0;
          for (let k = 0; k < K; k++) {
            m[k] = Math.log(Math.max(c[k] / total, 1e-6));
            mean += m[k] / K;
          }
          for (let k = 0; k < K; k++) m[k] -= mean;
          return m;
        },
        marginOf: () => 0,
        gradients(_F, y, w, k, gh, P, from, to) {
          const p = P!;
          for (let i = from; i < to; i++) {
            const wi = w ? w[i] : 1;
            const pk = p[i * K + k];
            gh[2 * i] = wi * (pk - (y[i] === k ? 1 : 0));
            gh[2 * i + 1] = wi * Math.max(2 * pk * (1 - pk), 1e-16);
          }
        },
        metricOf(F, y) {
          let s = 0;
          for (let i = 0; i < y.length; i++) {
            let mx = -Infinity;
            for (let k = 0; k < K; k++) mx = Math.max(mx, F[i * K + k]);
            let z = 0;
            for (let k = 0; k < K; k++) z += Math.exp(F[i * K + k] - mx);
            s += mx + Math.log(z) - F[i * K + y[i]];
          }
          return s / y.length;
        },
      };
    }
  }
}

/** Row-wise softmax of margins (n x K) into P. */
export function softmax(F: Float64Array, K: number, P: Float64Array): void {
  const n = F.length / K;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) if (F[o + k] > mx) mx = F[o + k];
    let z = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(F[o + k] - mx);
      P[o + k] = e;
      z += e;
    }
    for (let k = 0; k < K; k++) P[o + k] /= z;
  }
}
