import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import { claimChunks, poolThreads, runChunks, sibling, type ChunkArgs } from '../kit/pool.js';
import type { TreeArrays } from './grower.js';

/**
 * One or many trees packed into flat arrays (a forest is a list of trees end to end), for
 * prediction in tight loops and for exact binary serialization.
 */
export interface PackedTrees {
  nTrees: number;
  width: number;
  /** Tree t's nodes are [nodeOffset[t], nodeOffset[t+1]); its leaves start at leafOffset[t]. */
  nodeOffset: Int32Array;
  leafOffset: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  leafValue: Float64Array;
}

export function pack(trees: TreeArrays[], width: number): PackedTrees {
  const nodeOffset = new Int32Array(trees.length + 1);
  const leafOffset = new Int32Array(trees.length + 1);
  trees.forEach((t, i) => {
    nodeOffset[i + 1] = nodeOffset[i] + t.nNodes;
    leafOffset[i + 1] = leafOffset[i] + t.leafValue.length / width;
  });
  const N = nodeOffset[trees.length];
  const feature = new Int32Array(N);
  const threshold = new Float64Array(N);
  const left = new Int32Array(N);
  const right = new Int32Array(N);
  const leafValue = new Float64Array(leafOffset[trees.length] * width);
  trees.forEach((t, i) => {
    feature.set(t.feature, nodeOffset[i]);
    threshold.set(t.threshold, nodeOffset[i]);
    left.set(t.left, nodeOffset[i]);
    right.set(t.right, nodeOffset[i]);
    leafValue.set(t.leafValue, leafOffset[i] * width);
  });
  return { nTrees: trees.length, width, nodeOffset, leafOffset, feature, threshold, left, right, leafValue };
}

/**
 * The trees as one array of 16-byte nodes for prediction: threshold (f64), then feature
 * (i32, -1 for a leaf) and the right child's global index (or the leaf's value offset). The
 * left child is always the next node (trees are numbered depth first, left subtree first),
 * so a step down the tree touches one cache line.
 */
interface Compiled {
  thr: Float64Array;
  meta: Int32Array;
  roots: Int32Array;
  /** Nodes a row visits, summed over the trees (each tree's mean leaf depth): a walk's cost. */
  steps: number;
  leafValue: Float64Array;
  /** The same trees on ranks, where that pays (Ranked), else null. */
  ranked: Ranked | null;
}

/**
 * The trees on ranks: a feature's value becomes the number of the forest's thresholds on that
 * feature below it, and a node's threshold its index among them, so x <= threshold exactly
 * when rank(x) <= index. A row is ranked once (a binary search per feature), then every tree
 * walks 8-byte nodes over 2-byte ranks: a deep forest over a wide table misses the cache on
 * the row's values and the nodes at most steps, and this halves the one and quarters the other.
 */
interface Ranked {
  /** Per node: feature | index << 16 (-1: a leaf), then the right child or the leaf's value offset. */
  nodes: Int32Array;
  /** Feature f's thresholds, ascending and distinct: cuts[cutOffset[f], cutOffset[f + 1]). */
  cuts: Float64Array;
  cutOffset: Int32Array;
}

/** Most thresholds a feature may have on ranks (a rank fits 16 bits; 0xffff is NaN's). */
const MAX_CUTS = 0xffff;

/** How many of cuts[a, z) (ascending) are below x; 0xffff for NaN, which goes right everywhere. */
function rankOf(cuts: Float64Array, a: number, z: number, x: number): number {
  if (x !== x) return 0xffff;
  let lo = a;
  let hi = z;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo - a;
}

/**
 * The ranked form of the trees, or null where it does not pay: ranking a row costs a binary
 * search per used feature, which must stay well under the nodes a row visits (a single tree
 * on a wide table walks far fewer nodes than it has features), or where a feature has more
 * thresholds than a rank holds.
 */
export function rank(P: PackedTrees, steps: number): Ranked | null {
  const N = P.feature.length;
  let nf = 0;
  for (let i = 0; i < N; i++) nf = Math.max(nf, P.feature[i] + 1);
  if (nf >= 0xffff) return null;
  const cutOffset = new Int32Array(new SharedArrayBuffer((nf + 1) * 4));
  for (let i = 0; i < N; i++) if (P.feature[i] >= 0) cutOffset[P.feature[i] + 1]++;
  for (let f = 0; f < nf; f++) cutOffset[f + 1] += cutOffset[f];
  const all = new Float64Array(Math.max(1, cutOffset[nf]));
  const fill = cutOffset.slice(0, nf);
  for (let i = 0; i < N; i++) if (P.feature[i] >= 0) all[fill[P.feature[i]]++] = P.threshold[i];
  // Distinct per feature, in place; the cost of ranking a row with them.
  let cost = 0;
  let k = 0;
  for (let f = 0; f < nf; f++) {
    const seg = all.subarray(cutOffset[f], cutOffset[f + 1]).sort();
    const from = k;
    for (let j = 0; j < seg.length; j++) if (k === from || all[k - 1] !== seg[j]) all[k++] = seg[j];
    cutOffset[f] = from;
    if (k - from > MAX_CUTS) return null;
    if (k > from) cost += 1 + Math.log2(k - from);
  }
  cutOffset[nf] = k;
  // (steps Infinity: ranks wherever they fit, as the tests ask.)
  if (cost > steps / 2) return null;
  const cuts = new Float64Array(new SharedArrayBuffer(Math.max(1, k) * 8)).subarray(0, k);
  cuts.set(all.subarray(0, k));
  const nodes = new Int32Array(new SharedArrayBuffer(Math.max(1, N) * 8));
  for (let t = 0; t < P.nTrees; t++) {
    const base = P.nodeOffset[t];
    for (let i = base; i < P.nodeOffset[t + 1]; i++) {
      const f = P.feature[i];
      if (f < 0) {
        nodes[2 * i] = -1;
        nodes[2 * i + 1] = (P.leafOffset[t] + P.left[i]) * P.width;
        continue;
      }
      const at = rankOf(cuts, cutOffset[f], cutOffset[f + 1], P.threshold[i]);
      nodes[2 * i] = f | (at << 16);
      nodes[2 * i + 1] = base + P.right[i];
    }
  }
  return { nodes, cuts, cutOffset };
}

const compiled = new WeakMap<PackedTrees, Compiled>();

/** On shared memory, so pool workers walk the same nodes. */
export function compile(P: PackedTrees): Compiled {
  let c = compiled.get(P);
  if (c) return c;
  const N = P.feature.length;
  const buf = new SharedArrayBuffer(Math.max(1, N) * 16);
  const thr = new Float64Array(buf);
  const meta = new Int32Array(buf);
  const roots = new Int32Array(new SharedArrayBuffer(Math.max(1, P.nTrees) * 4)).subarray(0, P.nTrees);
  const leafValue = new Float64Array(new SharedArrayBuffer(Math.max(1, P.leafValue.length) * 8)).subarray(
    0,
    P.leafValue.length,
  );
  leafValue.set(P.leafValue);
  const depth = new Int32Array(N);
  let steps = 0;
  for (let t = 0; t < P.nTrees; t++) {
    const base = P.nodeOffset[t];
    roots[t] = base;
    let leaves = 0;
    let depths = 0;
    for (let i = base; i < P.nodeOffset[t + 1]; i++) {
      const f = P.feature[i];
      thr[2 * i] = P.threshold[i];
      meta[4 * i + 2] = f;
      if (f >= 0) {
        if (P.left[i] !== i - base + 1) throw new Error('tree nodes are not in depth-first order');
        meta[4 * i + 3] = base + P.right[i];
        depth[i + 1] = depth[base + P.right[i]] = depth[i] + 1;
      } else {
        meta[4 * i + 3] = (P.leafOffset[t] + P.left[i]) * P.width;
        leaves++;
        depths += depth[i];
      }
    }
    steps += leaves > 0 ? depths / leaves : 0;
  }
  c = { thr, meta, roots, leafValue, steps, ranked: rank(P, steps) };
  compiled.set(P, c);
  return c;
}

export interface WalkArgs extends Compiled {
  width: number;
  X: Float64Array;
  d: number;
  out: Float64Array;
  from: number;
  to: number;
}

/**
 * Sums the leaf values rows [from, to) reach over all trees into out (a pool kernel). One
 * tree at a time over many rows: a deep tree's nodes (~1 MB) are what a walk misses in cache,
 * while rows stream in order; blocks of 512 rows per tree ran 2-3x slower on 100-tree forests.
 */
export function walkRange(a: WalkArgs): void {
  if (a.ranked) return walkRanked(a, a.ranked);
  const { thr, meta, roots, leafValue, width: w, X, d, out } = a;
  const BLOCK = 1 << 15;
  for (let b0 = a.from; b0 < a.to; b0 += BLOCK) {
    const b1 = Math.min(a.to, b0 + BLOCK);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      for (let i = b0; i < b1; i++) {
        const row = i * d;
        let k = root;
        let f = meta[4 * k + 2];
        while (f >= 0) {
          k = X[row + f] <= thr[2 * k] ? k + 1 : meta[4 * k + 3];
          f = meta[4 * k + 2];
        }
        addLeaf(out, i, leafValue, meta[4 * k + 3], w);
      }
    }
  }
}

function addLeaf(out: Float64Array, i: number, leafValue: Float64Array, lv: number, w: number): void {
  if (w === 1) out[i] += leafValue[lv];
  else for (let c = 0; c < w; c++) out[i * w + c] += leafValue[lv + c];
}

/** walkRange on ranks: a block of rows ranked, then every tree over the block. */
function walkRanked(a: WalkArgs, r: Ranked): void {
  const { roots, leafValue, width: w, X, d, out } = a;
  const { nodes, cuts, cutOffset } = r;
  const nf = cutOffset.length - 1;
  // Ranks of up to 4 MB at a time (all the rows of most predictions).
  const BLOCK = Math.max(1024, Math.min(1 << 15, Math.floor((1 << 21) / d)));
  const R = new Uint16Array(Math.min(BLOCK, a.to - a.from) * d);
  for (let b0 = a.from; b0 < a.to; b0 += BLOCK) {
    const b1 = Math.min(a.to, b0 + BLOCK);
    for (let i = b0; i < b1; i++) {
      const row = i * d;
      const o = (i - b0) * d;
      for (let f = 0; f < nf; f++) R[o + f] = rankOf(cuts, cutOffset[f], cutOffset[f + 1], X[row + f]);
    }
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      for (let i = b0; i < b1; i++) {
        const o = (i - b0) * d;
        let k = root;
        let v = nodes[2 * k];
        while (v !== -1) {
          k = R[o + (v & 0xffff)] <= v >>> 16 ? k + 1 : nodes[2 * k + 1];
          v = nodes[2 * k];
        }
        addLeaf(out, i, leafValue, nodes[2 * k + 1], w);
      }
    }
  }
}

/**
 * Sums what rows [from, to) reach over all trees into out, in chunks claimed from a runChunks
 * counter (a pool kernel); each chunk's rows start from zero, so a chunk done twice is right.
 */
export function walkChunks(a: WalkArgs & ChunkArgs): void {
  claimChunks(a, (from, to) => {
    a.out.fill(0, from * a.width, to * a.width);
    walkRange({ ...a, from, to });
  });
}

/**
 * Node visits (rows x Compiled.steps) below which one thread is quicker than sharing rows with
 * the pool: a few milliseconds of walking (one row, as serving asks, never leaves the thread).
 */
const PARALLEL_STEPS = 1_000_000;

/**
 * Mean over trees of the leaf values each row reaches, row-major n x width. `X` is row-major
 * n x d. Rows go in blocks so a block stays in cache while every tree walks it; large
 * predictions are split across cores.
 */
export function predictPacked(
  P: PackedTrees,
  X: Float64Array,
  n: number,
  d: number,
  nJobs: number | null = null,
): Float64Array {
  const c = compile(P);
  const w = P.width;
  const threads = n * c.steps < PARALLEL_STEPS ? 1 : poolThreads(nJobs);
  let out: Float64Array;
  if (threads === 1) {
    out = new Float64Array(n * w);
    walkRange({ ...c, width: w, X, d, out, from: 0, to: n });
  } else {
    const Xs = new Float64Array(new SharedArrayBuffer(Math.max(1, X.length) * 8)).subarray(0, X.length);
    Xs.set(X);
    const shared = new Float64Array(new SharedArrayBuffer(Math.max(1, n * w) * 8)).subarray(0, n * w);
    // A chunk per thread: each tree's nodes are read once per chunk (a chunk per thread and
    // more ran up to 2x slower on deep forests). Claiming still keeps a cold worker from
    // holding this thread up: it takes the worker's chunk if the worker has not yet.
    const chunk = Math.max(256, Math.ceil(n / threads));
    const kernel = { url: sibling(import.meta.url, 'packed'), name: 'walkChunks', fn: walkChunks };
    runChunks(kernel, { ...c, width: w, X: Xs, d, out: shared, from: 0, to: n }, n, threads, chunk);
    out = shared.slice();
  }
  if (P.nTrees > 1) {
    const inv = 1 / P.nTrees;
    for (let i = 0; i < out.length; i++) out[i] *= inv;
  }
  return out;
}

export interface EncodedTrees {
  nTrees: number;
  width: number;
  nodeOffset: EncodedArray;
  leafOffset: EncodedArray;
  feature: EncodedArray;
  threshold: EncodedArray;
  left: EncodedArray;
  right: EncodedArray;
  leafValue: EncodedArray;
}

export function encodeTrees(P: PackedTrees): EncodedTrees {
  return {
    nTrees: P.nTrees,
    width: P.width,
    nodeOffset: encodeArray(P.nodeOffset),
    leafOffset: encodeArray(P.leafOffset),
    feature: encodeArray(P.feature),
    threshold: encodeArray(P.threshold),
    left: encodeArray(P.left),
    right: encodeArray(P.right),
    leafValue: encodeArray(P.leafValue),
  };
}

export function decodeTrees(E: EncodedTrees): PackedTrees {
  return {
    nTrees: E.nTrees,
    width: E.width,
    nodeOffset: decodeArray<Int32Array>(E.nodeOffset),
    leafOffset: decodeArray<Int32Array>(E.leafOffset),
    feature: decodeArray<Int32Array>(E.feature),
    threshold: decodeArray(E.threshold),
    left: decodeArray<Int32Array>(E.left),
    right: decodeArray<Int32Array>(E.right),
    leafValue: decodeArray(E.leafValue),
  };
}

/** Importances normalized to sum to one (all zero when no split was made). */
export function normalized(v: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  const out = new Float64Array(v.length);
  if (s > 0) for (let i = 0; i < v.length; i++) out[i] = v[i] / s;
  return out;
}
