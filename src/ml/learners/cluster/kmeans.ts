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
import { columnMeans, predictRows, rowMajor, type Design } from '../kit/input.js';
import { poolThreads, ranges, runShares, sibling } from '../kit/pool.js';
import { resolveParams, type Params } from '../params.js';

/**
 * k-means (scikit-learn's KMeans): greedy k-means++ seeding (several candidates per new
 * centre, the one that lowers the potential most kept), Lloyd iterations until the centres
 * move less than tol times the mean feature variance, the best of n_init runs by inertia.
 * Unsupervised (clustering): fit takes no target; predict gives each row's cluster index and
 * score its distance to that cluster's centre. Assignment, the cost of each iteration, is
 * spread over cores for large data.
 */
interface KMeansState {
  names: string[];
  fill: EncodedArray;
  centers: EncodedArray;
  inertia: number;
  nIter: number;
}

/** Rows x centres below which assigning on one thread is quicker than waking the pool. */
const PARALLEL_WORK = 2_000_000;

export interface AssignArgs {
  X: Float64Array;
  d: number;
  centers: Float64Array;
  k: number;
  from: number;
  to: number;
  labels: Int32Array;
  dist: Float64Array;
}

/** Nearest centre (squared Euclidean) of rows [from, to): a pool kernel. */
export function assignRange(a: AssignArgs): void {
  const { X, d, centers, k, labels, dist } = a;
  for (let i = a.from; i < a.to; i++) {
    const o = i * d;
    let best = 0;
    let bd = Infinity;
    for (let c = 0; c < k; c++) {
      const oc = c * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = X[o + j] - centers[oc + j];
        s += v * v;
      }
      if (s < bd) {
        bd = s;
        best = c;
      }
    }
    labels[i] = best;
    dist[i] = bd;
  }
}

export class KMeans implements UnsupervisedLearner {
  readonly algorithm = 'kmeans';
  readonly task = 'clustering';
  names: string[] = [];
  centers: Float64Array = new Float64Array(0);
  inertia = NaN;
  nIter = 0;
  private fill: Float64Array = new Float64Array(0);
  private d = 0;

  constructor(readonly params: Params) {}

  private assign(
    X: Float64Array,
    n: number,
    centers: Float64Array,
    labels: Int32Array,
    dist: Float64Array,
  ): void {
    const k = centers.length / this.d;
    const threads = n * k < PARALLEL_WORK ? 1 : poolThreads(this.params.n_jobs as number | null);
    if (threads === 1) return assignRange({ X, d: this.d, centers, k, from: 0, to: n, labels, dist });
    runShares(
      ranges(n, threads).map(([from, to]) => ({
        url: sibling(import.meta.url, 'kmeans'),
        name: 'assignRange',
        fn: assignRange,
        args: { X, d: this.d, centers, k, from, to, labels, dist },
      })),
    );
  }

  async fit(X: Frame, ctx: FitContext): Promise<void> {
    const ticker = new Ticker(ctx.signal);
    ticker.throwIfAborted();
    const D = design(X);
    const k = this.params.n_clusters as number;
    if (k > D.n)
      throw badRequest('invalid_parameter', `kmeans: n_clusters is ${k} but there are only ${D.n} rows`);
    const { n, d } = D;
    this.d = d;
    // Shared memory so pool workers read the rows without copies.
    const R = new Float64Array(new SharedArrayBuffer(Math.max(1, n * d) * 8));
    R.set(rowMajor(D));
    let meanVar = 0;
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += D.data[j * n + i];
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (D.data[j * n + i] - m) ** 2;
      meanVar += v / n / d;
    }
    const tol = (this.params.tol as number) * meanVar;
    const rng = new Rng(ctx.seed);
    const labels = new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
    const dist = new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8));
    const runs = this.params.n_init as number;
    let best: { centers: Float64Array; inertia: number; iters: number } | null = null;
    for (let r = 0; r < runs; r++) {
      const centers = new Float64Array(new SharedArrayBuffer(k * d * 8));
      centers.set(await plusPlus(R, n, d, k, rng, ticker));
      let iters = 0;
      const maxIter = this.params.max_iter as number;
      const prev = new Int32Array(n).fill(-1);
      for (; iters < maxIter; iters++) {
        this.assign(R, n, centers, labels, dist);
        // Lloyd update: each centre moves to the mean of its rows (an empty one stays put).
        const sum = new Float64Array(k * d);
        const cnt = new Float64Array(k);
        for (let i = 0; i < n; i++) {
          const c = labels[i];
          cnt[c]++;
          for (let j = 0; j < d; j++) sum[c * d + j] += R[i * d + j];
        }
        let shift = 0;
        for (let c = 0; c < k; c++) {
          if (!cnt[c]) continue;
          for (let j = 0; j < d; j++) {
            const v = sum[c * d + j] / cnt[c];
            shift += (v - centers[c * d + j]) ** 2;
            centers[c * d + j] = v;
          }
        }
        let same = true;
        for (let i = 0; i < n; i++) if (labels[i] !== prev[i]) same = false;
        prev.set(labels);
        await ticker.tick();
        if (same || shift <= tol) {
          iters++;
          break;
        }
      }
      // Inertia against the final centres.
      this.assign(R, n, centers, labels, dist);
      let inertia = 0;
      for (let i = 0; i < n; i++) inertia += dist[i];
      if (!best || inertia < best.inertia) best = { centers: centers.slice(), inertia, iters };
      ctx.onProgress?.({ fraction: (r + 1) / runs, loss: inertia });
    }
    this.names = D.names;
    this.fill = columnMeans(D);
    this.centers = best!.centers;
    this.inertia = best!.inertia;
    this.nIter = best!.iters;
  }

  /** The nearest centre of each row, and the squared distance to it. */
  private nearest(X: Frame): { labels: Int32Array; dist: Float64Array; n: number } {
    if (!this.centers.length) throw badRequest('not_fitted', 'kmeans: fit the model before predicting');
    const D = predictRows(this.algorithm, X, this.names, this.fill);
    const R = new Float64Array(new SharedArrayBuffer(Math.max(1, D.n * D.d) * 8));
    R.set(D.data);
    const labels = new Int32Array(new SharedArrayBuffer(Math.max(1, D.n) * 4));
    const dist = new Float64Array(new SharedArrayBuffer(Math.max(1, D.n) * 8));
    this.d = D.d;
    this.assign(R, D.n, this.centers, labels, dist);
    return { labels, dist, n: D.n };
  }

  /** The nearest centre of each row (its cluster index). */
  predict(X: Frame): Float64Array {
    const { labels, n } = this.nearest(X);
    return Float64Array.from(labels.subarray(0, n));
  }

  /** Each row's Euclidean distance to the centre of its cluster. */
  score(X: Frame): Float64Array {
    const { dist, n } = this.nearest(X);
    return Float64Array.from(dist.subarray(0, n), Math.sqrt);
  }

  /** scikit-learn's transform: row-major n x k Euclidean distances to every centre. */
  distances(X: Frame): Float64Array {
    if (!this.centers.length) throw badRequest('not_fitted', 'kmeans: fit the model before predicting');
    const D = predictRows(this.algorithm, X, this.names, this.fill);
    const d = D.d;
    const k = this.centers.length / d;
    const out = new Float64Array(D.n * k);
    for (let i = 0; i < D.n; i++)
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) {
          const v = D.data[i * d + j] - this.centers[c * d + j];
          s += v * v;
        }
        out[i * k + c] = Math.sqrt(s);
      }
    return out;
  }

  toJSON(): SerializedUnsupervised {
    const state: KMeansState = {
      names: this.names,
      fill: encodeArray(this.fill),
      centers: encodeArray(this.centers),
      inertia: this.inertia,
      nIter: this.nIter,
    };
    return { algorithm: this.algorithm, task: this.task, params: this.params, state };
  }

  static fromJSON(s: SerializedUnsupervised): KMeans {
    const m = new KMeans(s.params);
    const st = s.state as KMeansState;
    m.names = st.names;
    m.fill = decodeArray(st.fill);
    m.centers = decodeArray<Float64Array>(st.centers);
    m.inertia = st.inertia;
    m.nIter = st.nIter;
    m.d = st.names.length;
    return m;
  }
}

function design(X: Frame): Design {
  const n = X.nRows;
  if (n === 0) throw badRequest('empty_data', 'kmeans: there are no rows to fit on');
  if (X.columns.length === 0) throw badRequest('empty_data', 'kmeans: there are no feature columns');
  const d = X.columns.length;
  const data = new Float64Array(n * d);
  X.columns.forEach((c, j) => {
    if (c.kind !== 'numeric')
      throw badRequest(
        'categorical_input',
        `kmeans: column '${c.name}' is categorical; one-hot encode it first`,
      );
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(c.values[i]))
        throw badRequest(
          'missing_values',
          `kmeans: column '${c.name}' has a missing or infinite value at row ${i}; impute it first`,
        );
    data.set(c.values, j * n);
  });
  return { n, d, data, names: X.columns.map((c) => c.name) };
}

/**
 * Greedy k-means++: the first centre uniformly, each next one drawn with probability
 * proportional to the squared distance to the nearest chosen centre, trying 2 + ln k
 * candidates and keeping the one that lowers the total the most.
 */
async function plusPlus(
  R: Float64Array,
  n: number,
  d: number,
  k: number,
  rng: Rng,
  ticker: Ticker,
): Promise<Float64Array> {
  const centers = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  centers.set(R.subarray(first * d, first * d + d), 0);
  const closest = new Float64Array(n);
  const sq = (i: number, c: Float64Array, oc: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = R[i * d + j] - c[oc + j];
      s += v * v;
    }
    return s;
  };
  for (let i = 0; i < n; i++) closest[i] = sq(i, centers, 0);
  const cum = new Float64Array(n);
  const cand = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) cum[i] = acc += closest[i];
    let bestPot = Infinity;
    let bestRow = 0;
    let bestDist: Float64Array | null = null;
    for (let t = 0; t < trials; t++) {
      // Draw a row with probability proportional to its squared distance (binary search on the cumulative sum).
      const u = rng.next() * acc;
      let a = 0;
      let z = n - 1;
      while (a < z) {
        const mid = (a + z) >> 1;
        if (cum[mid] <= u) a = mid + 1;
        else z = mid;
      }
      let p = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.min(closest[i], sq(i, R, a * d));
        cand[i] = v;
        p += v;
      }
      if (p < bestPot) {
        bestPot = p;
        bestRow = a;
        bestDist = cand.slice();
      }
    }
    centers.set(R.subarray(bestRow * d, bestRow * d + d), c * d);
    closest.set(bestDist!);
    await ticker.tick();
  }
  return centers;
}

/**
 * Mean silhouette of a clustering: per row (b - a) / max(a, b), a its mean distance within
 * its cluster, b the smallest mean distance to another cluster. Quadratic in rows, so above
 * sampleSize rows a seeded sample is scored (as scikit-learn's sample_size).
 */
export function silhouette(X: Frame, labels: ArrayLike<number>, sampleSize = 10000, seed = 0): number {
  const D = design(X);
  let idx = Int32Array.from({ length: D.n }, (_, i) => i);
  if (D.n > sampleSize) idx = new Rng(seed).permutation(D.n).slice(0, sampleSize);
  const m = idx.length;
  const R = rowMajor(D);
  const d = D.d;
  const lab = Int32Array.from(idx, (i) => labels[i]);
  const k = Math.max(...lab) + 1;
  const size = new Float64Array(k);
  for (const l of lab) size[l]++;
  const sums = new Float64Array(k);
  let total = 0;
  for (let p = 0; p < m; p++) {
    sums.fill(0);
    const op = idx[p] * d;
    for (let q = 0; q < m; q++) {
      if (q === p) continue;
      const oq = idx[q] * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = R[op + j] - R[oq + j];
        s += v * v;
      }
      sums[lab[q]] += Math.sqrt(s);
    }
    const own = lab[p];
    if (size[own] <= 1) continue; // a singleton scores 0, as in scikit-learn
    const a = sums[own] / (size[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && size[c] > 0) b = Math.min(b, sums[c] / size[c]);
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b);
  }
  return total / m;
}

export const kmeans: UnsupervisedLearnerSpec<KMeans> = {
  name: 'kmeans',
  unsupervised: true,
  tasks: ['clustering'],
  description: 'k-means clustering with k-means++ seeding; inertia and silhouette to judge k',
  params: {
    n_clusters: {
      type: 'integer',
      default: 8,
      min: 1,
      max: 100000,
      scale: 'log',
      description: 'number of clusters',
    },
    n_init: {
      type: 'integer',
      default: 10,
      min: 1,
      max: 1000,
      description: 'seedings tried; the lowest inertia is kept',
    },
    max_iter: {
      type: 'integer',
      default: 300,
      min: 1,
      scale: 'log',
      description: 'Lloyd iterations per run at most',
    },
    tol: {
      type: 'number',
      default: 1e-4,
      min: 0,
      description: 'stop when centres move less than this times the mean feature variance',
    },
    n_jobs: {
      type: 'integer',
      default: null,
      min: -1,
      nullable: true,
      description: 'threads for assignment; null or -1: every core',
    },
  },
  input: { impute: true, scale: true, oneHot: true },
  create: (raw = {}) => new KMeans(resolveParams('kmeans', kmeans.params, raw)),
  fromJSON: (s) => KMeans.fromJSON(s),
};
