/**
 * k-nearest-neighbour search kernels: a KD-tree (split on the widest dimension at the
 * median, bounding boxes for pruning) and brute force with early exit (a candidate is
 * dropped as soon as its partial distance passes the current k-th best; columns are stored
 * widest first so that happens early). Distances are Minkowski with power p, compared as
 * sum |dx|^p and rooted only at the end. Euclidean brute force goes through WebAssembly SIMD
 * instead (bruteEuclidean). `searchRange` is a pool kernel (see ../kit/pool.ts).
 */
import { claimChunks, type ChunkArgs } from '../kit/pool.js';
import { Dots, Near16, Near32 } from '../kit/simd.js';

export interface KdTree {
  /** Node i covers points [start[i], end[i]) of the reordered data; children -1 for leaves. */
  start: Int32Array;
  end: Int32Array;
  left: Int32Array;
  right: Int32Array;
  /** Bounding boxes, d per node. */
  lo: Float64Array;
  hi: Float64Array;
}

export interface SearchArgs {
  /** Row-major n x d training points (in tree order when a tree is given). */
  points: Float64Array;
  /** Original row of each stored point. */
  rowOf: Int32Array;
  n: number;
  d: number;
  tree: KdTree | null;
  /** The points as a baseline and sparse deviations, where those pay (p = 2 only; sparseDeviations). */
  sparse?: SparseDeviations | null;
  /** Row-major queries (same column order as points). */
  queries: Float64Array;
  from: number;
  to: number;
  k: number;
  p: number;
  /** Identifies the training points, so a thread reuses its copy of them across calls (0: never). */
  key: number;
  /** Per query, k neighbours nearest first: original row and distance. */
  outIdx: Int32Array;
  outDist: Float64Array;
}

function sab<T extends Float64Array | Int32Array>(C: new (b: SharedArrayBuffer) => T, n: number): T {
  return new C(
    new SharedArrayBuffer(Math.max(1, n) * (C as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT),
  );
}

/** Builds a KD-tree over row-major points, reordering them in place (rowOf tracks where each came from). */
export function buildKdTree(
  points: Float64Array,
  rowOf: Int32Array,
  n: number,
  d: number,
  leafSize: number,
): KdTree {
  // Node count if every node splits at its median: an upper bound (sizes per level take two values).
  const memo = new Map<number, number>();
  const nodesFor = (m: number): number => {
    if (m <= leafSize) return 1;
    let c = memo.get(m);
    if (c === undefined) memo.set(m, (c = 1 + nodesFor(m >> 1) + nodesFor(m - (m >> 1))));
    return c;
  };
  const maxNodes = nodesFor(n);
  const start = sab(Int32Array, maxNodes);
  const end = sab(Int32Array, maxNodes);
  const left = sab(Int32Array, maxNodes);
  const right = sab(Int32Array, maxNodes);
  const lo = sab(Float64Array, maxNodes * d);
  const hi = sab(Float64Array, maxNodes * d);
  let count = 0;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Iterative, so deep trees cannot overflow the stack.
  const stack: number[] = [];
  const make = (s: number, e: number) => {
    const id = count++;
    start[id] = s;
    end[id] = e;
    left[id] = -1;
    right[id] = -1;
    for (let j = 0; j < d; j++) {
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = s; i < e; i++) {
        const v = points[order[i] * d + j];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      lo[id * d + j] = mn;
      hi[id * d + j] = mx;
    }
    stack.push(id);
    return id;
  };
  make(0, n);
  while (stack.length) {
    const id = stack.pop()!;
    const s = start[id];
    const e = end[id];
    if (e - s <= leafSize) continue;
    let dim = 0;
    let spread = -1;
    for (let j = 0; j < d; j++) {
      const w = hi[id * d + j] - lo[id * d + j];
      if (w > spread) {
        spread = w;
        dim = j;
      }
    }
    if (spread <= 0) continue;
    // Median split on the widest dimension: select, not sort (linear per level).
    const m = e - s;
    select(order, points, d, dim, s, e - 1, s + (m >> 1));
    const mid = s + (m >> 1);
    left[id] = make(s, mid);
    right[id] = make(mid, e);
  }
  // Store points in tree order so a leaf's points are contiguous.
  const copy = points.slice(0, n * d);
  const rows = rowOf.slice(0, n);
  for (let i = 0; i < n; i++) {
    const src = order[i];
    rowOf[i] = rows[src];
    for (let j = 0; j < d; j++) points[i * d + j] = copy[src * d + j];
  }
  return {
    start: start.subarray(0, count),
    end: end.subarray(0, count),
    left: left.subarray(0, count),
    right: right.subarray(0, count),
    lo: lo.subarray(0, count * d),
    hi: hi.subarray(0, count * d),
  };
}

/** Rearranges order[a..b] so that position kth holds the point whose coordinate `dim` ranks there (quickselect). */
function select(
  order: Int32Array,
  points: Float64Array,
  d: number,
  dim: number,
  a: number,
  b: number,
  kth: number,
): void {
  while (b > a) {
    // Median of three as the pivot value.
    const mid = (a + b) >> 1;
    const va = points[order[a] * d + dim];
    const vm = points[order[mid] * d + dim];
    const vb = points[order[b] * d + dim];
    const pivot = va < vm ? (vm < vb ? vm : va < vb ? vb : va) : va < vb ? va : vm < vb ? vb : vm;
    let i = a;
    let j = b;
    while (i <= j) {
      while (points[order[i] * d + dim] < pivot) i++;
      while (points[order[j] * d + dim] > pivot) j--;
      if (i <= j) {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (kth <= j) b = j;
    else if (kth >= i) a = i;
    else return;
  }
}

/**
 * Puts candidate i at distance s (below the k-th, or fewer than k held) into a query's
 * nearest-first list bd/bi[o, o + k) of `filled` entries, ties after the earlier candidates,
 * the last dropped when full; returns the new count.
 */
function insertNearest(
  bd: Float64Array,
  bi: Int32Array,
  o: number,
  k: number,
  filled: number,
  s: number,
  i: number,
): number {
  let z = filled < k ? filled++ : k - 1;
  while (z > 0 && bd[o + z - 1] > s) {
    bd[o + z] = bd[o + z - 1];
    bi[o + z] = bi[o + z - 1];
    z--;
  }
  bd[o + z] = s;
  bi[o + z] = i;
  return filled;
}

/** Reduced distance from q to point at offset o, or Infinity once it passes `worst`. */
function pointDist(
  points: Float64Array,
  o: number,
  q: Float64Array,
  d: number,
  p: number,
  worst: number,
): number {
  // Partial sums are checked every 4 columns: most candidates are out after a few.
  let s = 0;
  let j = 0;
  if (p === 2) {
    for (; j + 4 <= d; j += 4) {
      const x0 = points[o + j] - q[j];
      const x1 = points[o + j + 1] - q[j + 1];
      const x2 = points[o + j + 2] - q[j + 2];
      const x3 = points[o + j + 3] - q[j + 3];
      s += x0 * x0 + x1 * x1 + x2 * x2 + x3 * x3;
      if (s >= worst) return Infinity;
    }
    for (; j < d; j++) {
      const x = points[o + j] - q[j];
      s += x * x;
    }
  } else if (p === 1) {
    for (; j + 4 <= d; j += 4) {
      s += Math.abs(points[o + j] - q[j]) + Math.abs(points[o + j + 1] - q[j + 1]);
      s += Math.abs(points[o + j + 2] - q[j + 2]) + Math.abs(points[o + j + 3] - q[j + 3]);
      if (s >= worst) return Infinity;
    }
    for (; j < d; j++) s += Math.abs(points[o + j] - q[j]);
  } else {
    for (; j < d; j++) {
      s += Math.pow(Math.abs(points[o + j] - q[j]), p);
      if (s >= worst) return Infinity;
    }
  }
  return s;
}

/** searchRange over the chunks of queries this thread claims (a runChunks kernel: each row's output is written, not added to). */
export function searchChunks(a: SearchArgs & ChunkArgs): void {
  claimChunks(a, (from, to) => searchRange({ ...a, from, to }));
}

/** Finds the k nearest neighbours of queries [from, to). */
export function searchRange(a: SearchArgs): void {
  const tree = a.tree;
  if (!tree) return bruteRange(a);
  const { points, rowOf, d, queries, k, p, outIdx, outDist } = a;
  const bd = new Float64Array(k);
  const bi = new Int32Array(k);
  const stackNode = new Int32Array(256);
  const stackDist = new Float64Array(256);
  const q = new Float64Array(d);
  for (let r = a.from; r < a.to; r++) {
    for (let j = 0; j < d; j++) q[j] = queries[r * d + j];
    bd.fill(Infinity);
    bi.fill(-1);
    let filled = 0;
    let worst = Infinity;
    {
      const { start, end, left, right, lo, hi } = tree;
      let sp = 0;
      stackNode[sp] = 0;
      stackDist[sp++] = 0;
      let sn = stackNode;
      let sd = stackDist;
      while (sp > 0) {
        sp--;
        const node = sn[sp];
        if (sd[sp] >= worst) continue;
        if (left[node] < 0) {
          for (let i = start[node]; i < end[node]; i++) {
            const s = pointDist(points, i * d, q, d, p, worst);
            if (s < worst) {
              filled = insertNearest(bd, bi, 0, k, filled, s, i);
              if (filled === k) worst = bd[k - 1];
            }
          }
          continue;
        }
        const a1 = left[node];
        const b1 = right[node];
        const da = boxDist(q, lo, hi, a1, d, p);
        const db = boxDist(q, lo, hi, b1, d, p);
        if (sp + 2 > sn.length) {
          const nn = new Int32Array(sn.length * 2);
          nn.set(sn);
          const nd = new Float64Array(sd.length * 2);
          nd.set(sd);
          sn = nn;
          sd = nd;
        }
        // Nearer child on top of the stack, so it is searched first.
        if (da <= db) {
          sn[sp] = b1;
          sd[sp++] = db;
          sn[sp] = a1;
          sd[sp++] = da;
        } else {
          sn[sp] = a1;
          sd[sp++] = da;
          sn[sp] = b1;
          sd[sp++] = db;
        }
      }
    }
    for (let z = 0; z < k; z++) {
      outIdx[r * k + z] = bi[z] >= 0 ? rowOf[bi[z]] : -1;
      outDist[r * k + z] = p === 2 ? Math.sqrt(bd[z]) : p === 1 ? bd[z] : Math.pow(bd[z], 1 / p);
    }
  }
}

/**
 * Brute force in blocks: a block of queries against a block of points small enough to stay
 * in cache, so the training set streams from memory once per query block, not once per query.
 */
function bruteRange(a: SearchArgs): void {
  if (a.p === 2 && a.sparse) return bruteSparse(a, a.sparse);
  if (a.p === 2) return bruteEuclidean(a);
  bruteRangeJs(a);
}

/** Brute force in JavaScript with early exit (any p; Euclidean too where SIMD is missing). */
function bruteRangeJs(a: SearchArgs): void {
  const { points, rowOf, n, d, queries, k, p, outIdx, outDist } = a;
  const QB = 32;
  const PB = Math.max(64, Math.floor(16384 / Math.max(1, d)));
  const bd = new Float64Array(QB * k);
  const bi = new Int32Array(QB * k);
  const worst = new Float64Array(QB);
  const filled = new Int32Array(QB);
  const q = new Float64Array(d);
  for (let q0 = a.from; q0 < a.to; q0 += QB) {
    const q1 = Math.min(a.to, q0 + QB);
    bd.fill(Infinity);
    bi.fill(-1);
    worst.fill(Infinity);
    filled.fill(0);
    for (let p0 = 0; p0 < n; p0 += PB) {
      const p1 = Math.min(n, p0 + PB);
      for (let r = q0; r < q1; r++) {
        const t = r - q0;
        for (let j = 0; j < d; j++) q[j] = queries[r * d + j];
        let w = worst[t];
        let f = filled[t];
        const o = t * k;
        for (let i = p0; i < p1; i++) {
          const s = pointDist(points, i * d, q, d, p, w);
          if (s < w) {
            f = insertNearest(bd, bi, o, k, f, s, i);
            if (f === k) w = bd[o + k - 1];
          }
        }
        worst[t] = w;
        filled[t] = f;
      }
    }
    for (let r = q0; r < q1; r++) {
      const o = (r - q0) * k;
      for (let z = 0; z < k; z++) {
        outIdx[r * k + z] = bi[o + z] >= 0 ? rowOf[bi[o + z]] : -1;
        const v = bd[o + z];
        outDist[r * k + z] = p === 2 ? Math.sqrt(v) : p === 1 ? v : Math.pow(v, 1 / p);
      }
    }
  }
}

/** Queries per block of the Euclidean brute force (a multiple of 4: Near16 and Near32 work on quads). */
const QB = 64;
/** Points per first-pass scan (a multiple of 8): a run of about 128 KB in f32, which stays in the core's L2 cache while a block of queries passes over it. */
const runLength = (d: number) => Math.max(64, Math.min(2048, Math.floor(32768 / d) & ~7));
/** Points searched exactly first, so each query has k neighbours and a finite threshold before the first pass. */
const HEAD = 256;

/** The training points in WebAssembly memory and their squared norms, kept per thread for the last search. */
interface Prepared {
  key: number;
  dots: Dots | null;
  near16: Near16 | null;
  /** Made on first need: where near16 is null, or for queries beyond the points' range. */
  near32: Near32 | null | undefined;
  norms: Float64Array;
}
let cached: Prepared | null = null;

function prepared(a: SearchArgs): Prepared {
  if (cached && cached.key === a.key && a.key !== 0) return cached;
  cached = null;
  const { points, n, d } = a;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += points[i * d + j] * points[i * d + j];
    norms[i] = s;
  }
  const dots = Dots.create(points, n, d);
  dots?.setNorms(norms);
  const near16 = dots && n > HEAD ? Near16.create(points, norms, n, d, QB, runLength(d)) : null;
  cached = { key: a.key, dots, near16, near32: dots && n > HEAD ? undefined : null, norms };
  return cached;
}

/**
 * q·x in f64 summed exactly as Dots.near (simd.wat nearSeq) sums it: four running sums over
 * columns j mod 4 (two f64x2 accumulators), combined as (s0 + s2) + (s1 + s3), then the
 * columns past the last multiple of 4 one by one. So a distance recomputed here is
 * bit-identical to the one near() gives.
 */
function dotExact(Q: Float64Array, qo: number, X: Float64Array, xo: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const d4 = d & ~3;
  let j = 0;
  for (; j < d4; j += 4) {
    s0 += Q[qo + j] * X[xo + j];
    s1 += Q[qo + j + 1] * X[xo + j + 1];
    s2 += Q[qo + j + 2] * X[xo + j + 2];
    s3 += Q[qo + j + 3] * X[xo + j + 3];
  }
  let s = s0 + s2 + (s1 + s3);
  for (; j < d; j++) s += Q[qo + j] * X[xo + j];
  return s;
}

/**
 * Euclidean brute force as |q|² + |x|² - 2 q·x (as scikit-learn computes it; below 0 read as
 * 0), exact in f64: the k nearest by distance, ties to the earlier point. A block of queries
 * first meets the first HEAD points exactly (Dots.near on WebAssembly SIMD), which gives each
 * query a k-th distance; then a first pass over runs of points that stay in cache hands back only the
 * pairs that could beat their query's current k-th distance, and those are recomputed in f64
 * exactly as Dots.near computes them. The first pass is Near16 (16-bit integers, exact sums,
 * a proven margin for the quantization), or Near32 (f32) for a block with a query beyond the
 * points' range; both keep a superset of what the f64 distance would keep, so the neighbours
 * and distances are those of the f64 search. Where neither applies (no SIMD, coordinates
 * beyond 1e15), Dots.near covers all points.
 */
function bruteEuclidean(a: SearchArgs): void {
  const { points, rowOf, n, d, queries, k, outIdx, outDist } = a;
  const prep = prepared(a);
  const { dots, near16, norms } = prep;
  const near32 = (): Near32 | null =>
    prep.near32 !== undefined
      ? prep.near32
      : (prep.near32 = Near32.create(points, norms, n, d, QB, runLength(d)));
  if (!dots) return bruteRangeJs(a);
  const PB = 1024;
  const bd = new Float64Array(QB * k);
  const bi = new Int32Array(QB * k);
  const worst = new Float64Array(QB);
  const filled = new Int32Array(QB);
  const qn = new Float64Array(QB);
  const q = new Float64Array(d);
  // s is clamped at 0 (rounding can take it below) and below worst[t].
  const insert = (t: number, s: number, i: number): void => {
    const o = t * k;
    const f = (filled[t] = insertNearest(bd, bi, o, k, filled[t], s, i));
    if (f === k) worst[t] = bd[o + k - 1];
  };
  for (let r0 = a.from; r0 < a.to; r0 += QB) {
    const r1 = Math.min(a.to, r0 + QB);
    bd.fill(Infinity);
    bi.fill(-1);
    worst.fill(Infinity);
    filled.fill(0);
    for (let r = r0; r < r1; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += queries[r * d + j] * queries[r * d + j];
      qn[r - r0] = s;
    }
    const fast =
      near16 !== null && near16.setQueries(queries, r0, r1 - r0, qn)
        ? near16
        : near32()?.setQueries(queries, r0, r1 - r0, qn)
          ? near32()
          : null;
    const head = fast ? HEAD : n;
    for (let p0 = 0; p0 < head; p0 += PB) {
      const cnt = Math.min(PB, head - p0);
      for (let r = r0; r < r1; r++) {
        const t = r - r0;
        q.set(queries.subarray(r * d, (r + 1) * d));
        const near = dots.near(q, qn[t], p0, cnt, worst[t]);
        for (let u = 0; u < near.m; u++) {
          const s = Math.max(0, near.dist[u]);
          if (s < worst[t]) insert(t, s, p0 + near.idx[u]);
        }
      }
    }
    if (fast) {
      const PC = fast.maxPoints;
      for (let p0 = head; p0 < n; p0 += PC) {
        const cnt = Math.min(PC, n - p0);
        fast.setThresholds(worst, qn);
        const { m, pairs } = fast.scan(p0, cnt);
        for (let u = 0; u < m; u++) {
          const t = pairs[2 * u];
          const off = pairs[2 * u + 1];
          if (off >= cnt) continue;
          const i = p0 + off;
          const s = Math.max(0, qn[t] + norms[i] - 2 * dotExact(queries, (r0 + t) * d, points, i * d, d));
          if (s < worst[t]) insert(t, s, i);
        }
      }
    }
    for (let r = r0; r < r1; r++) {
      const o = (r - r0) * k;
      for (let z = 0; z < k; z++) {
        outIdx[r * k + z] = bi[o + z] >= 0 ? rowOf[bi[o + z]] : -1;
        outDist[r * k + z] = Math.sqrt(bd[o + z]);
      }
    }
  }
}

/**
 * Training points as one baseline row plus what differs from it, by column (compressed sparse
 * columns): TF-IDF or one-hot columns, standardized, hold one value in most rows, so a
 * query meets only the few rows that share one of its own few non-baseline columns.
 */
export interface SparseDeviations {
  /** Per column, the value most rows hold. */
  base: Float64Array;
  /** Column j's deviations are entries colStart[j] to colStart[j + 1]: row and x - base. */
  colStart: Int32Array;
  rows: Int32Array;
  vals: Float64Array;
  /** Per point, |x - base|² and |x|² (summed as bruteEuclidean sums them), and its part of the margin. */
  devSq: Float64Array;
  sq: Float64Array;
  slack: Float64Array;
  /**
   * Per point, the first point equal to it (itself if none): text often repeats (sms_spam's
   * messages with no word of the vocabulary are all the baseline), and one exact distance
   * serves them all.
   */
  first: Int32Array;
}

/**
 * The points' sparse deviations where a query's search through them (about Σ nnz_j² / n
 * scattered products, nnz_j the rows off column j's baseline, and a few operations per point)
 * is minGain times fewer operations than the dense SIMD pass over n·d coordinates; null where
 * it is not.
 */
export function sparseDeviations(
  points: Float64Array,
  n: number,
  d: number,
  minGain = 40,
): SparseDeviations | null {
  if (n === 0 || d === 0) return null;
  const cost = (count: Int32Array, scale: number) => {
    let work = 6 * n;
    for (let j = 0; j < d; j++) work += (count[j] * scale) ** 2 / n;
    return work;
  };
  // Each column's baseline: its majority value in a sample of rows (Boyer-Moore vote). A
  // wrong pick only makes the search slower, never wrong; and where even the sample says the
  // search would not pay, the rows are not read at all.
  const sampled = Math.min(n, 512);
  const step = n / sampled;
  const base = new Float64Array(d);
  const votes = new Int32Array(d);
  for (let s = 0; s < sampled; s++) {
    const o = Math.floor(s * step) * d;
    for (let j = 0; j < d; j++) {
      const v = points[o + j];
      if (votes[j] === 0) {
        base[j] = v;
        votes[j] = 1;
      } else votes[j] += v === base[j] ? 1 : -1;
    }
  }
  const count = new Int32Array(d);
  for (let s = 0; s < sampled; s++) {
    const o = Math.floor(s * step) * d;
    for (let j = 0; j < d; j++) if (points[o + j] !== base[j]) count[j]++;
  }
  if (cost(count, n / sampled) * minGain > 2 * n * d) return null;
  // One pass over the rows: each row's deviations (row by row, then regrouped by column
  // below), its squares as bruteEuclidean sums them, and whether an earlier row equals it.
  // Equal rows have equal fingerprints (a fixed weighted sum of their deviations); equal
  // fingerprints are checked coordinate by coordinate.
  let expected = 0;
  for (let j = 0; j < d; j++) expected += (count[j] * n) / sampled;
  count.fill(0);
  let devCols = new Int32Array(Math.ceil(1.25 * expected) + d);
  let devVals = new Float64Array(devCols.length);
  const rowEnd = new Int32Array(n);
  const devSq = sab(Float64Array, n);
  const sq = sab(Float64Array, n);
  const slack = sab(Float64Array, n);
  const first = sab(Int32Array, n);
  const byFingerprint = new Map<number, number>();
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    if (nnz + d > devCols.length) {
      devCols = grow(devCols, Int32Array);
      devVals = grow(devVals, Float64Array);
    }
    const o = i * d;
    let dev = 0;
    let all = 0;
    let fingerprint = 0;
    for (let j = 0; j < d; j++) {
      const v = points[o + j];
      all += v * v;
      if (v === base[j]) continue;
      const w = v - base[j];
      dev += w * w;
      fingerprint += w * (1 + j * 0.6180339887498949);
      devCols[nnz] = j;
      devVals[nnz++] = w;
      count[j]++;
    }
    rowEnd[i] = nnz;
    devSq[i] = dev;
    sq[i] = all;
    slack[i] = marginScale(d) * (dev + all);
    const f = byFingerprint.get(fingerprint);
    first[i] = f !== undefined && sameRow(points, f * d, o, d) ? f : i;
    if (f === undefined) byFingerprint.set(fingerprint, i);
  }
  // A scattered product costs what 40 coordinates of the dense SIMD first pass do, or more
  // (minGain): sms_spam (n·d / work = 76) searched 3x faster through deviations, while
  // metro_traffic (5.5) searched 6x slower and digits (2.4) 4x slower.
  if (cost(count, 1) * minGain > n * d) return null;
  const colStart = sab(Int32Array, d + 1);
  for (let j = 0; j < d; j++) colStart[j + 1] = colStart[j] + count[j];
  const rows = sab(Int32Array, nnz);
  const vals = sab(Float64Array, nnz);
  const at = colStart.slice(0, d);
  for (let i = 0, e = 0; i < n; i++) {
    for (; e < rowEnd[i]; e++) {
      const j = devCols[e];
      rows[at[j]] = i;
      vals[at[j]++] = devVals[e];
    }
  }
  const b = sab(Float64Array, d);
  b.set(base);
  return { base: b, colStart, rows, vals, devSq, sq, slack, first };
}

function sameRow(points: Float64Array, a: number, b: number, d: number): boolean {
  for (let j = 0; j < d; j++) if (points[a + j] !== points[b + j]) return false;
  return true;
}

/**
 * Euclidean brute force through sparse deviations, with the same result as bruteEuclidean.
 * Per query, |q - x|² = |q'|² + |x'|² - 2 q'·x' with q' = q - base and x' = x - base, where
 * q'·x' gathers only the columns off baseline in both. Summed in another order than
 * bruteEuclidean's, it only bounds that distance: each side's value lies within
 * (d + 8)·2⁻⁵³·(|a| + |b|)² ≤ 2(d + 8)·2⁻⁵³·(|a|² + |b|²) of the exact distance (Higham's bound
 * for sums of d terms, with the rounding of q - base and x - base; a and b the query and point
 * as that side sums them), and the margin is twice the two together. So every point whose
 * lower bound is within the k-th smallest upper bound is a candidate, and the candidates,
 * recomputed exactly as bruteEuclidean computes them, give its k nearest.
 */
function bruteSparse(a: SearchArgs, sp: SparseDeviations): void {
  const { points, rowOf, n, d, queries, k, outIdx, outDist } = a;
  const { base, colStart, rows, vals, devSq, sq, slack, first } = sp;
  const dot = new Float64Array(n);
  // Upper bounds: a max-heap of the k smallest so far, its root the threshold.
  const heap = new Float64Array(k);
  const qDev = new Float64Array(d);
  const qCols = new Int32Array(d);
  let cand = new Int32Array(Math.max(64, 2 * k));
  let candLow = new Float64Array(cand.length);
  const bd = new Float64Array(k);
  const bi = new Int32Array(k);
  // Exact distances of this query to the first of equal points, valid where seen is the query's row + 1.
  const exact = new Float64Array(n);
  const seen = new Int32Array(n);
  for (let r = a.from; r < a.to; r++) {
    const qo = r * d;
    let qn = 0;
    for (let j = 0; j < d; j++) qn += queries[qo + j] * queries[qo + j];
    let nq = 0;
    let qd = 0;
    for (let j = 0; j < d; j++) {
      const w = queries[qo + j] - base[j];
      if (w === 0) continue;
      qCols[nq++] = j;
      qDev[j] = w;
      qd += w * w;
    }
    for (let c = 0; c < nq; c++) {
      const j = qCols[c];
      const w = qDev[j];
      for (let t = colStart[j]; t < colStart[j + 1]; t++) dot[rows[t]] += w * vals[t];
    }
    // One pass: each point's bounds s ± (query's margin + point's), the k smallest upper bounds
    // so far, and as candidates the points whose lower bound is within the current k-th.
    const qSlack = marginScale(d) * (qd + qn) + underflowSlack(d);
    heap.fill(Infinity);
    let top = Infinity;
    let nc = 0;
    for (let i = 0; i < n; i++) {
      const s = qd + devSq[i] - 2 * dot[i];
      dot[i] = 0;
      const m = qSlack + slack[i];
      const low = s - m;
      if (low > top) continue;
      if (nc === cand.length) {
        cand = grow(cand, Int32Array);
        candLow = grow(candLow, Float64Array);
      }
      candLow[nc] = low;
      cand[nc++] = i;
      const u = Math.max(0, s + m);
      if (u < top) top = replaceRoot(heap, k, u);
    }
    // The candidates within the final k-th, exactly and in order of point: ties keep the earlier.
    bd.fill(Infinity);
    bi.fill(-1);
    let filled = 0;
    for (let c = 0; c < nc; c++) {
      if (candLow[c] > top) continue;
      const i = cand[c];
      const f = first[i];
      if (seen[f] !== r + 1) {
        seen[f] = r + 1;
        exact[f] = Math.max(0, qn + sq[f] - 2 * dotExact(queries, qo, points, f * d, d));
      }
      const s = exact[f];
      if (s < bd[k - 1]) filled = insertNearest(bd, bi, 0, k, filled, s, i);
    }
    for (let z = 0; z < k; z++) {
      outIdx[r * k + z] = bi[z] >= 0 ? rowOf[bi[z]] : -1;
      outDist[r * k + z] = Math.sqrt(bd[z]);
    }
  }
}

/** The margin per unit of |q'|² + |x'|² + |q|² + |x|² (bruteSparse): 2·2(d + 8)·2⁻⁵³. */
const marginScale = (d: number) => 4 * (d + 8) * 2 ** -53;
/**
 * Products that underflow lose up to 2⁻¹⁰⁷⁴ each, which no relative bound covers; in units of
 * 2⁻¹⁰²² rather than 2⁻¹⁰⁷⁴, since arithmetic on subnormal numbers is a hundred times slower.
 */
const underflowSlack = (d: number) => (4 * d + 16) * 2 ** -1022;

/** Puts v in place of a max-heap's root (heap[0..k)) and sifts it down; returns the new root. */
function replaceRoot(heap: Float64Array, k: number, v: number): number {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= k) break;
    const c = l + 1 < k && heap[l + 1] > heap[l] ? l + 1 : l;
    if (!(heap[c] > v)) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = v;
  return heap[0];
}

function grow<T extends Int32Array | Float64Array>(a: T, C: new (n: number) => T): T {
  const b = new C(a.length * 2);
  b.set(a);
  return b;
}

/** Reduced distance from q to node `node`'s box (0 inside it). */
function boxDist(
  q: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  node: number,
  d: number,
  p: number,
): number {
  let s = 0;
  const o = node * d;
  for (let j = 0; j < d; j++) {
    const x = q[j];
    const l = lo[o + j];
    const h = hi[o + j];
    const g = x < l ? l - x : x > h ? x - h : 0;
    s += p === 2 ? g * g : p === 1 ? g : Math.pow(g, p);
  }
  return s;
}
