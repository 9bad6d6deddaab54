import { Ticker } from '../../../core/abort.js';
import { badRequest } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import type { Frame } from '../../frame.js';
import type {
  FitContext,
  SerializedUnsupervised,
  UnsupervisedLearner,
  UnsupervisedLearnerSpec,
} from '../contract.js';
import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import { columnMeans, predictRows } from '../kit/input.js';
import { poolThreads, ranges, runShares, sibling } from '../kit/pool.js';
import { resolveParams, type Params } from '../params.js';

/**
 * Isolation forest (Liu, Ting and Zhou 2008; scikit-learn's IsolationForest): each tree
 * isolates a small random sample by random splits (a random non-constant feature, a uniform
 * threshold between its min and max) down to depth ceil(log2(sample)); rows that are
 * isolated in few splits are anomalies. Scores as scikit-learn: score_samples =
 * -2^(-E[path] / c(sample)), decision = score - offset, offset -0.5 for contamination 'auto'
 * (0 here) or the training-score quantile at the contamination rate; predict -1 for an
 * anomaly, 1 otherwise; score is the anomaly score -score_samples, in (0, 1], higher for
 * more abnormal rows (the paper's s(x, n): above 0.5 is suspect). Unsupervised
 * (anomaly_detection): fit takes no target.
 */
interface IfState {
  names: string[];
  fill: EncodedArray;
  maxSamples: number;
  offset: number;
  nodeOffset: EncodedArray;
  feature: EncodedArray;
  threshold: EncodedArray;
  right: EncodedArray;
  /** Leaves: depth + c(size), the path length a row ending there gets. */
  leafPath: EncodedArray;
}

const EULER = 0.5772156649015329;

/** Average path length of an unsuccessful search in a binary search tree of n points. */
export function avgPath(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER) - (2 * (n - 1)) / n;
}

export interface PathArgs {
  X: Float64Array;
  d: number;
  nodeOffset: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  right: Int32Array;
  leafPath: Float64Array;
  from: number;
  to: number;
  out: Float64Array;
}

/** Mean path length over trees of rows [from, to) (a pool kernel). Left child is the next node. */
export function pathRange(a: PathArgs): void {
  const { X, d, nodeOffset, feature, threshold, right, leafPath, out } = a;
  const T = nodeOffset.length - 1;
  for (let i = a.from; i < a.to; i++) {
    const row = i * d;
    let s = 0;
    for (let t = 0; t < T; t++) {
      const base = nodeOffset[t];
      let k = base;
      let f = feature[k];
      while (f >= 0) {
        k = X[row + f] <= threshold[k] ? k + 1 : base + right[k];
        f = feature[k];
      }
      s += leafPath[k];
    }
    out[i] = s / T;
  }
}

/** Rows x trees below which scoring on one thread is quicker than waking the pool. */
const PARALLEL_WORK = 400_000;

export class IsolationForest implements UnsupervisedLearner {
  readonly algorithm = 'isolation_forest';
  readonly task = 'anomaly_detection';
  names: string[] = [];
  offset = -0.5;
  private fill: Float64Array = new Float64Array(0);
  private maxSamples = 0;
  private nodeOffset: Int32Array = new Int32Array(1);
  private feature: Int32Array = new Int32Array(0);
  private threshold: Float64Array = new Float64Array(0);
  private right: Int32Array = new Int32Array(0);
  private leafPath: Float64Array = new Float64Array(0);

  constructor(readonly params: Params) {}

  async fit(X: Frame, ctx: FitContext): Promise<void> {
    const ticker = new Ticker(ctx.signal);
    ticker.throwIfAborted();
    const n = X.nRows;
    if (n === 0) throw badRequest('empty_data', 'isolation_forest: there are no rows to fit on');
    if (X.columns.length === 0)
      throw badRequest('empty_data', 'isolation_forest: there are no feature columns');
    for (const c of X.columns) {
      if (c.kind !== 'numeric')
        throw badRequest(
          'categorical_input',
          `isolation_forest: column '${c.name}' is categorical; one-hot encode it first`,
        );
      for (let i = 0; i < n; i++)
        if (!Number.isFinite(c.values[i]))
          throw badRequest(
            'missing_values',
            `isolation_forest: column '${c.name}' has a missing or infinite value at row ${i}; impute it first`,
          );
    }
    const D = predictRows(
      this.algorithm,
      X,
      X.columns.map((c) => c.name),
      new Float64Array(X.columns.length),
    );
    const { d } = D;
    const R = D.data;
    const psi = Math.min((this.params.max_samples as number | null) ?? 256, n);
    const limit = Math.ceil(Math.log2(Math.max(psi, 2)));
    const nFeat = Math.max(1, Math.floor((this.params.max_features as number) * d));
    const T = this.params.n_estimators as number;
    const rng = new Rng(ctx.seed);
    const feature: number[] = [];
    const threshold: number[] = [];
    const right: number[] = [];
    const leafPath: number[] = [];
    const nodeOffset = [0];
    const pool = Int32Array.from({ length: n }, (_, i) => i);
    const feats = Int32Array.from({ length: d }, (_, j) => j);
    for (let t = 0; t < T; t++) {
      // The tree's sample (without replacement unless bootstrap) and its features.
      const idx = new Int32Array(psi);
      if (this.params.bootstrap) for (let q = 0; q < psi; q++) idx[q] = rng.int(n);
      else
        for (let q = 0; q < psi; q++) {
          const j = q + rng.int(n - q);
          const v = pool[j];
          pool[j] = pool[q];
          pool[q] = v;
          idx[q] = v;
        }
      for (let q = 0; q < nFeat; q++) {
        const j = q + rng.int(d - q);
        const v = feats[j];
        feats[j] = feats[q];
        feats[q] = v;
      }
      const tf = feats.slice(0, nFeat);
      const base = feature.length;
      // Depth-first with an explicit stack; left child is created right after its parent.
      const grow = (lo: number, hi: number, depth: number): number => {
        const id = feature.length - base;
        feature.push(-1);
        threshold.push(0);
        right.push(-1);
        leafPath.push(0);
        const size = hi - lo;
        let split = -1;
        let thr = 0;
        if (depth < limit && size > 1) {
          // A random non-constant feature: constant ones are skipped, as scikit-learn's extra tree does.
          const order = tf.slice();
          for (let q = 0; q < order.length && split < 0; q++) {
            const j = q + rng.int(order.length - q);
            const f = order[j];
            order[j] = order[q];
            order[q] = f;
            let mn = Infinity;
            let mx = -Infinity;
            for (let p = lo; p < hi; p++) {
              const v = R[idx[p] * d + f];
              if (v < mn) mn = v;
              if (v > mx) mx = v;
            }
            if (mx <= mn + 1e-7) continue;
            thr = mn + rng.next() * (mx - mn);
            if (thr >= mx) thr = mn;
            split = f;
          }
        }
        if (split < 0) {
          leafPath[base + id] = depth + avgPath(size);
          return id;
        }
        let a = lo;
        let b = hi - 1;
        while (a <= b) {
          if (R[idx[a] * d + split] <= thr) a++;
          else {
            const v = idx[a];
            idx[a] = idx[b];
            idx[b] = v;
            b--;
          }
        }
        feature[base + id] = split;
        threshold[base + id] = thr;
        grow(lo, a, depth + 1);
        right[base + id] = grow(a, hi, depth + 1);
        return id;
      };
      grow(0, psi, 0);
      nodeOffset.push(feature.length);
      if ((t & 7) === 7) await ticker.tick();
      ctx.onProgress?.({ fraction: (t + 1) / T });
    }
    this.names = D.names;
    this.fill = columnMeans({ n, d, data: D.data, names: D.names });
    this.maxSamples = psi;
    this.nodeOffset = Int32Array.from(nodeOffset);
    this.feature = Int32Array.from(feature);
    this.threshold = Float64Array.from(threshold);
    this.right = Int32Array.from(right);
    this.leafPath = Float64Array.from(leafPath);
    const c = this.params.contamination as number;
    if (c > 0) {
      // The offset that flags the given share of the training rows.
      const s = this.scoreSamples(X).sort();
      const q = c * (n - 1);
      const lo = Math.floor(q);
      this.offset = s[lo] + (s[Math.min(n - 1, lo + 1)] - s[lo]) * (q - lo);
    } else this.offset = -0.5;
  }

  /** scikit-learn's score_samples: the opposite of the anomaly score, lower is more abnormal. */
  scoreSamples(X: Frame): Float64Array {
    if (this.feature.length === 0)
      throw badRequest('not_fitted', 'isolation_forest: fit the model before scoring');
    const D = predictRows(this.algorithm, X, this.names, this.fill);
    const n = D.n;
    const threads =
      n * (this.nodeOffset.length - 1) < PARALLEL_WORK ? 1 : poolThreads(this.params.n_jobs as number | null);
    const share = <T extends Float64Array | Int32Array>(a: T): T => {
      if (threads === 1) return a;
      const C = a.constructor as new (b: SharedArrayBuffer) => T;
      const s = new C(new SharedArrayBuffer(Math.max(8, a.byteLength)));
      s.set(a as never);
      return s.subarray(0, a.length) as T;
    };
    const out = share(new Float64Array(n));
    const args = {
      X: share(D.data),
      d: D.d,
      nodeOffset: share(this.nodeOffset),
      feature: share(this.feature),
      threshold: share(this.threshold),
      right: share(this.right),
      leafPath: share(this.leafPath),
      out,
    };
    runShares(
      ranges(n, threads).map(([from, to]) => ({
        url: sibling(import.meta.url, 'isolation-forest'),
        name: 'pathRange',
        fn: pathRange,
        args: { ...args, from, to },
      })),
    );
    const cn = avgPath(this.maxSamples);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = -Math.pow(2, -out[i] / cn);
    return s;
  }

  decisionFunction(X: Frame): Float64Array {
    return this.scoreSamples(X).map((v) => v - this.offset);
  }

  /** -1 for an anomaly, 1 for a normal row (scikit-learn's convention). */
  predict(X: Frame): Float64Array {
    return this.decisionFunction(X).map((v) => (v < 0 ? -1 : 1));
  }

  /** The anomaly score, the opposite of score_samples: higher is more abnormal. */
  score(X: Frame): Float64Array {
    return this.scoreSamples(X).map((v) => -v);
  }

  toJSON(): SerializedUnsupervised {
    const state: IfState = {
      names: this.names,
      fill: encodeArray(this.fill),
      maxSamples: this.maxSamples,
      offset: this.offset,
      nodeOffset: encodeArray(this.nodeOffset),
      feature: encodeArray(this.feature),
      threshold: encodeArray(this.threshold),
      right: encodeArray(this.right),
      leafPath: encodeArray(this.leafPath),
    };
    return { algorithm: this.algorithm, task: this.task, params: this.params, state };
  }

  static fromJSON(s: SerializedUnsupervised): IsolationForest {
    const m = new IsolationForest(s.params);
    const st = s.state as IfState;
    m.names = st.names;
    m.fill = decodeArray(st.fill);
    m.maxSamples = st.maxSamples;
    m.offset = st.offset;
    m.nodeOffset = decodeArray<Int32Array>(st.nodeOffset);
    m.feature = decodeArray<Int32Array>(st.feature);
    m.threshold = decodeArray<Float64Array>(st.threshold);
    m.right = decodeArray<Int32Array>(st.right);
    m.leafPath = decodeArray<Float64Array>(st.leafPath);
    return m;
  }
}

export const isolationForest: UnsupervisedLearnerSpec<IsolationForest> = {
  name: 'isolation_forest',
  unsupervised: true,
  tasks: ['anomaly_detection'],
  description:
    'isolation forest anomaly detection (fraud and outliers): rows isolated by few random splits score as anomalies',
  params: {
    n_estimators: {
      type: 'integer',
      default: 100,
      min: 1,
      max: 100000,
      scale: 'log',
      description: 'number of trees',
    },
    max_samples: {
      type: 'integer',
      default: null,
      min: 2,
      nullable: true,
      description: 'rows per tree; null: min(256, rows)',
    },
    max_features: {
      type: 'number',
      default: 1,
      min: 0,
      exclusiveMin: true,
      max: 1,
      description: 'share of the columns each tree may split on',
    },
    contamination: {
      type: 'number',
      default: 0,
      min: 0,
      max: 0.5,
      description:
        "expected share of anomalies, which sets the decision threshold; 0 means 'auto' (offset -0.5)",
    },
    bootstrap: { type: 'boolean', default: false, description: 'draw each tree’s rows with replacement' },
    n_jobs: {
      type: 'integer',
      default: null,
      min: -1,
      nullable: true,
      description: 'threads for scoring; null or -1: every core',
    },
  },
  input: { impute: true, scale: false, oneHot: true },
  create: (raw = {}) => new IsolationForest(resolveParams('isolation_forest', isolationForest.params, raw)),
  fromJSON: (s) => IsolationForest.fromJSON(s),
};
