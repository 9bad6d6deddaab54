import { Ticker } from '../../../core/abort.js';
import { badRequest } from '../../../core/errors.js';
import type { Frame, Target, Task } from '../../frame.js';
import type { FitContext, Learner, LearnerSpec, SerializedLearner } from '../contract.js';
import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import { argmaxRows, columnMeans, fitDesign, predictDesign, rowMajor } from '../kit/input.js';
import { poolThreads, runChunks, sibling } from '../kit/pool.js';
import type { Params } from '../params.js';
import {
  buildKdTree,
  searchChunks,
  sparseDeviations,
  type KdTree,
  type SearchArgs,
  type SparseDeviations,
} from './search.js';

/**
 * k-nearest neighbours (scikit-learn's KNeighborsClassifier / KNeighborsRegressor): uniform or
 * inverse-distance votes over the k nearest training rows, Minkowski distance of power p.
 * Search is a KD-tree in low dimensions and brute force with early exit beyond (scikit-learn's
 * own 'auto' rule), spread over cores for large predictions.
 */
interface KnnState {
  names: string[];
  fill: EncodedArray;
  /** Row-major training points, columns in `cols` order. */
  points: EncodedArray;
  /** Column order: widest spread first (early exit in brute force). */
  cols: number[];
  labels?: EncodedArray;
  values?: EncodedArray;
  nClasses: number;
}

const sharedF64 = (length: number) => new Float64Array(new SharedArrayBuffer(Math.max(1, length) * 8));

/** Distinguishes search structures, so pool threads know when their copy of the points is current. */
let searchKeys = 0;

/**
 * Query rows x training rows x columns below which one thread is quicker than waking the
 * pool (a KD-tree search counts a twentieth). The pool's threads are started already, so it
 * pays early: 114 x 455 x 30 (breast_cancer) took 0.33 ms on one thread and 0.23 on two,
 * 360 x 1,437 x 64 (digits) 2.5 and 1.5.
 */
const PARALLEL_WORK = 500_000;

export class Knn implements Learner {
  readonly algorithm = 'knn';
  private names: string[] = [];
  private fill: Float64Array = new Float64Array(0);
  private cols: number[] = [];
  private n = 0;
  private d = 0;
  private nClasses = 0;
  private labels: Int32Array | null = null;
  private values: Float64Array | null = null;
  /** Training points as given (row-major, `cols` order); the search copy may be reordered. */
  private points: Float64Array = new Float64Array(0);
  private search: {
    points: Float64Array;
    rowOf: Int32Array;
    tree: KdTree | null;
    sparse: SparseDeviations | null;
    key: number;
  } | null = null;
  readonly predictProba?: (X: Frame) => Float64Array;

  constructor(
    readonly task: Task,
    readonly params: Params,
  ) {
    if (task === 'classification') this.predictProba = (X) => this.proba(X);
  }

  async fit(X: Frame, y: Target, ctx: FitContext): Promise<void> {
    const ticker = new Ticker(ctx.signal);
    ticker.throwIfAborted();
    const D = fitDesign(this.algorithm, X, y, this.task);
    const k = this.params.n_neighbors as number;
    if (k > D.n)
      throw badRequest(
        'invalid_parameter',
        `knn: n_neighbors is ${k} but there are only ${D.n} training rows`,
      );
    const { n, d } = D;
    // Widest columns first: brute force drops a far candidate after fewer columns.
    const spread = Array.from({ length: d }, (_, j) => {
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = D.data[j * n + i];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      return mx - mn;
    });
    this.cols = Array.from({ length: d }, (_, j) => j).sort((a, b) => spread[b] - spread[a] || a - b);
    // On shared memory, so that brute force searches these very points (prepareSearch).
    const points = rowMajor(D, this.cols, d, sharedF64(n * d));
    await ticker.tick();
    this.names = D.names;
    this.fill = columnMeans(D);
    this.n = n;
    this.d = d;
    this.points = points;
    this.nClasses = y.task === 'classification' ? y.classes.length : 0;
    this.labels = y.task === 'classification' ? y.labels.slice() : null;
    this.values = y.task === 'regression' ? y.values.slice() : null;
    this.search = null;
    this.prepareSearch();
    ctx.onProgress?.({ fraction: 1 });
  }

  private useTree(): boolean {
    const a = this.params.algorithm as string;
    if (a === 'brute') return false;
    if (a === 'kd_tree') return true;
    return this.d <= 15 && (this.params.n_neighbors as number) < this.n / 2;
  }

  /** The search structure on shared memory (pool workers read it without copies), built once. */
  private prepareSearch() {
    if (this.search) return this.search;
    const { n, d } = this;
    const useTree = this.useTree();
    // The KD-tree reorders its copy; brute force reads the points as fitted where they are
    // shared already (a fresh copy of sms_spam's 4,459 x 500 cost 20 ms in page faults alone).
    let points = this.points;
    if (useTree || !(points.buffer instanceof SharedArrayBuffer)) {
      points = sharedF64(n * d);
      points.set(this.points);
    }
    const rowOf = new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
    for (let i = 0; i < n; i++) rowOf[i] = i;
    const tree = useTree ? buildKdTree(points, rowOf, n, d, this.params.leaf_size as number) : null;
    // Mostly-one-value columns (TF-IDF, one-hot): Euclidean brute force through what differs.
    const sparse = !tree && this.params.p === 2 ? sparseDeviations(points, n, d) : null;
    return (this.search = { points, rowOf, tree, sparse, key: ++searchKeys });
  }

  /** Neighbour rows and distances of every query row (k per row, nearest first). */
  private neighbours(X: Frame): { idx: Int32Array; dist: Float64Array; m: number; k: number } {
    if (!this.labels && !this.values) throw badRequest('not_fitted', 'knn: fit the model before predicting');
    const D = predictDesign(this.algorithm, X, this.names, this.fill);
    const { n: m } = D;
    const d = this.d;
    const k = this.params.n_neighbors as number;
    const queries = sharedF64(m * d);
    for (let c = 0; c < d; c++) {
      const j = this.cols[c];
      for (let i = 0; i < m; i++) queries[i * d + c] = D.data[j * m + i];
    }
    const s = this.prepareSearch();
    const outIdx = new Int32Array(new SharedArrayBuffer(Math.max(1, m * k) * 4));
    const outDist = sharedF64(m * k);
    const base: Omit<SearchArgs, 'from' | 'to'> = {
      points: s.points,
      rowOf: s.rowOf,
      n: this.n,
      d,
      tree: s.tree,
      sparse: s.sparse,
      queries,
      k,
      p: this.params.p as number,
      outIdx,
      outDist,
      key: s.key,
    };
    const work = m * this.n * d * (s.tree ? 0.05 : 1);
    const threads = work < PARALLEL_WORK ? 1 : poolThreads(this.params.n_jobs as number | null);
    // Claimed chunks, a few per thread and whole blocks of 64 queries (the brute force's unit):
    // a pool worker still starting never holds this thread up.
    const kernel = { url: sibling(import.meta.url, 'search'), name: 'searchChunks', fn: searchChunks };
    const chunk = 64 * Math.ceil(m / (threads * 4) / 64);
    runChunks(kernel, { ...base, from: 0, to: m }, m, threads, chunk);
    return { idx: outIdx, dist: outDist, m, k };
  }

  /** Vote weights of one row's neighbours: 1, or 1/distance (exact matches alone when any). */
  private weightsOf(dist: Float64Array, o: number, k: number, w: Float64Array): void {
    if (this.params.weights !== 'distance') {
      w.fill(1);
      return;
    }
    let zero = false;
    for (let z = 0; z < k; z++) if (dist[o + z] === 0) zero = true;
    for (let z = 0; z < k; z++) w[z] = zero ? (dist[o + z] === 0 ? 1 : 0) : 1 / dist[o + z];
  }

  private proba(X: Frame): Float64Array {
    const { idx, dist, m, k } = this.neighbours(X);
    const K = this.nClasses;
    const out = new Float64Array(m * K);
    const w = new Float64Array(k);
    const labels = this.labels!;
    for (let i = 0; i < m; i++) {
      this.weightsOf(dist, i * k, k, w);
      let total = 0;
      for (let z = 0; z < k; z++) {
        out[i * K + labels[idx[i * k + z]]] += w[z];
        total += w[z];
      }
      if (total > 0 && Number.isFinite(total)) for (let c = 0; c < K; c++) out[i * K + c] /= total;
      else for (let c = 0; c < K; c++) out[i * K + c] = 1 / K;
    }
    return out;
  }

  predict(X: Frame): Float64Array {
    if (this.task === 'classification') {
      const p = this.proba(X);
      return argmaxRows(p, X.nRows, this.nClasses);
    }
    const { idx, dist, m, k } = this.neighbours(X);
    const out = new Float64Array(m);
    const w = new Float64Array(k);
    const values = this.values!;
    for (let i = 0; i < m; i++) {
      this.weightsOf(dist, i * k, k, w);
      let s = 0;
      let t = 0;
      for (let z = 0; z < k; z++) {
        s += w[z] * values[idx[i * k + z]];
        t += w[z];
      }
      out[i] = t > 0 && Number.isFinite(t) ? s / t : values[idx[i * k]];
    }
    return out;
  }

  toJSON(): SerializedLearner {
    if (!this.labels && !this.values) throw badRequest('not_fitted', 'knn: fit the model before saving it');
    const state: KnnState = {
      names: this.names,
      fill: encodeArray(this.fill),
      points: encodeArray(this.points),
      cols: this.cols,
      nClasses: this.nClasses,
    };
    if (this.labels) state.labels = encodeArray(this.labels);
    if (this.values) state.values = encodeArray(this.values);
    return { algorithm: this.algorithm, task: this.task, params: this.params, state };
  }

  static fromJSON(s: SerializedLearner): Knn {
    const m = new Knn(s.task, s.params);
    const st = s.state as KnnState;
    m.names = st.names;
    m.fill = decodeArray(st.fill);
    m.cols = st.cols;
    m.d = st.cols.length;
    m.points = decodeArray(st.points);
    m.n = m.d ? m.points.length / m.d : 0;
    m.nClasses = st.nClasses;
    m.labels = st.labels ? decodeArray<Int32Array>(st.labels) : null;
    m.values = st.values ? decodeArray<Float64Array>(st.values) : null;
    return m;
  }
}

export const knn: LearnerSpec = {
  name: 'knn',
  tasks: ['classification', 'regression'],
  description: 'k-nearest neighbours: KD-tree or brute-force search, uniform or distance-weighted votes',
  params: {
    n_neighbors: {
      type: 'integer',
      default: 5,
      min: 1,
      max: 10000,
      scale: 'log',
      description: 'neighbours that vote',
    },
    weights: {
      type: 'string',
      default: 'uniform',
      choices: ['uniform', 'distance'],
      description: 'equal votes, or votes weighted by 1/distance',
    },
    algorithm: {
      type: 'string',
      default: 'auto',
      choices: ['auto', 'kd_tree', 'brute'],
      description: 'search structure; auto: KD-tree up to 15 columns, brute force beyond',
    },
    leaf_size: { type: 'integer', default: 30, min: 1, max: 100000, description: 'points per KD-tree leaf' },
    p: { type: 'number', default: 2, min: 1, description: 'Minkowski power: 2 Euclidean, 1 Manhattan' },
    n_jobs: {
      type: 'integer',
      default: null,
      min: -1,
      nullable: true,
      description: 'threads for prediction; null or -1: every core',
    },
  },
  input: { impute: true, scale: true, oneHot: true },
  create: (task, params) => new Knn(task, params),
  fromJSON: (s) => Knn.fromJSON(s),
};
