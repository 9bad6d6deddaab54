import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import { claimChunks, poolThreads, runChunks, sibling, type ChunkArgs } from '../kit/pool.js';
import { MAX_BYTES, align16, sharedMemory, type WasmMemory } from '../kit/wasm.js';
import { LANE_BYTES, walkAvailable, walkOver, type WalkExports } from './walk-wasm.js';
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
 * so a step down the tree touches one cache line. The nodes, the roots and the leaf values
 * sit in one shared buffer: a shared WebAssembly memory where the walk runs there (the pool's
 * threads instantiate it over the same memory), else a SharedArrayBuffer.
 */
interface Compiled {
  thr: Float64Array;
  meta: Int32Array;
  roots: Int32Array;
  /** Nodes a row visits, summed over the trees (each tree's mean leaf depth): a walk's cost. */
  steps: number;
  leafValue: Float64Array;
  /** The memory holding the above, where the walk runs in WebAssembly (walk-wasm.ts); else null. */
  memory: WasmMemory | null;
  /** Byte offsets of the nodes, roots and leaf values in the memory, and where its free space starts. */
  at: { nodes: number; roots: number; leaves: number; free: number };
  /** The rows rowsInto last laid out in the memory, for predictPacked to take without a copy. */
  rows: Float64Array | null;
}

const compiled = new WeakMap<PackedTrees, Compiled>();

export function compile(P: PackedTrees): Compiled {
  let c = compiled.get(P);
  if (c) return c;
  const N = P.feature.length;
  const T = P.nTrees;
  const L = P.leafValue.length;
  const at = { nodes: 0, roots: align16(N * 16), leaves: 0, free: 0 };
  at.leaves = at.roots + align16(T * 4);
  at.free = at.leaves + align16(L * 8);
  const memory = walkAvailable() && at.free <= MAX_BYTES / 2 ? sharedMemory(at.free) : null;
  const buf = memory ? memory.buffer : new SharedArrayBuffer(Math.max(16, at.free));
  const thr = new Float64Array(buf, at.nodes, 2 * N);
  const meta = new Int32Array(buf, at.nodes, 4 * N);
  const roots = new Int32Array(buf, at.roots, T);
  const leafValue = new Float64Array(buf, at.leaves, L);
  leafValue.set(P.leafValue);
  const depth = new Int32Array(N);
  let steps = 0;
  for (let t = 0; t < T; t++) {
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
  c = { thr, meta, roots, leafValue, steps, memory, at, rows: null };
  compiled.set(P, c);
  return c;
}

export interface WalkArgs extends Compiled {
  width: number;
  /** Row-major rows (views into memory, where given). */
  X: Float64Array;
  d: number;
  out: Float64Array;
  from: number;
  to: number;
  /** Where given memory: the walk's lanes, LANE_BYTES per chunk of chunkRows rows. */
  lanesAt: number;
  chunkRows: number;
  /** Rows every tree walks before the next rows start (blockRows). */
  blockRows: number;
}

/** Per thread: the walk's instance over each memory it met (the main thread meets one per forest). */
const walks = new WeakMap<WasmMemory, WalkExports>();

/**
 * Sums the leaf values rows [from, to) reach over all trees into out (a pool kernel), tree by
 * tree: in WebAssembly over the memory where given (walk-wasm.ts), else here. One tree at a
 * time over many rows: a deep tree's nodes (~1 MB) are what a walk misses in cache, while
 * rows stream in order; blocks of 512 rows per tree ran 2-3x slower on 100-tree forests.
 */
export function walkRange(a: WalkArgs): void {
  const { thr, meta, roots, leafValue, width: w, X, d, out, memory } = a;
  if (memory) {
    let e = walks.get(memory);
    if (!e) walks.set(memory, (e = walkOver(memory)));
    const lanes = a.lanesAt + Math.floor(a.from / a.chunkRows) * LANE_BYTES;
    for (let b0 = a.from; b0 < a.to; b0 += a.blockRows) {
      const m = Math.min(a.blockRows, a.to - b0);
      const x = X.byteOffset + b0 * d * 8;
      const o = out.byteOffset + b0 * w * 8;
      e.walk(a.at.nodes, a.at.roots, roots.length, x, d * 8, m, a.at.leaves, w, o, lanes);
    }
    return;
  }
  for (let b0 = a.from; b0 < a.to; b0 += a.blockRows) {
    const b1 = Math.min(a.to, b0 + a.blockRows);
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
        const lv = meta[4 * k + 3];
        if (w === 1) out[i] += leafValue[lv];
        else for (let c = 0; c < w; c++) out[i * w + c] += leafValue[lv + c];
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
 * Rows every tree walks before the next ones start. A narrow row (a few cache lines) streams
 * in order, so all rows go past each tree while its nodes stay in cache. A wide row is read
 * at a few scattered features a tree, each a cache miss once the rows outgrow the cache, and
 * again at every tree: there, rows go in blocks that stay in cache across the trees, where
 * reading the trees' nodes once a block costs less than reading the rows once a tree
 * (sms_spam, 500 columns, 100 trees: 12 -> 9 ms for 1,115 rows, 1.27 -> 0.16 s for 17,840;
 * metro_traffic's extra trees, 70 columns but 30 times the nodes, stay unblocked).
 */
function walkBlock(c: Compiled, n: number, d: number): number {
  const all = 1 << 15;
  const rowBytes = d * 8;
  if (rowBytes <= WIDE_ROW) return all;
  const block = Math.max(16, Math.floor(ROW_BLOCK_BYTES / rowBytes));
  const nodeBytes = c.thr.length * 8;
  return Math.ceil(n / block) * nodeBytes < c.roots.length * n * rowBytes ? block : all;
}
/** Bytes past which a row counts as wide (eight cache lines). */
const WIDE_ROW = 512;
/** Rows of a block, in bytes: a quarter of a core's L2 here, leaving room for the nodes. */
const ROW_BLOCK_BYTES = 1 << 18;

/**
 * Node visits (rows x Compiled.steps) below which one thread is quicker than sharing rows with
 * the pool: a few milliseconds of walking (one row, as serving asks, never leaves the thread).
 */
const PARALLEL_STEPS = 1_000_000;

/** Bytes of rows a prediction copies into the forest's memory at a time (which it keeps). */
const ROWS_BYTES = 1 << 26;

/**
 * Room for n rows of d values (zeroed) where predictPacked reads them: in the forest's
 * memory, so the prediction that follows takes them without copying (10 MB for the generated
 * table's 40,000 test rows); a fresh array where they would not go in one block.
 */
export function rowsInto(P: PackedTrees, n: number, d: number): Float64Array {
  const c = compile(P);
  const bytes = n * d * 8;
  if (!c.memory || bytes > ROWS_BYTES) return new Float64Array(n * d);
  const have = c.memory.buffer.byteLength;
  if (c.at.free + bytes > have) c.memory.grow(Math.ceil((c.at.free + bytes - have) / 65536));
  return (c.rows = new Float64Array(c.memory.buffer, c.at.free, n * d).fill(0));
}

/**
 * Mean over trees of the leaf values each row reaches, row-major n x width. `X` is row-major
 * n x d. Large predictions are split across cores, a chunk of rows per thread; where the walk
 * runs in WebAssembly, rows go through the forest's memory up to ROWS_BYTES at a time.
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
  const out = new Float64Array(n * w);
  const block = c.memory ? Math.max(1, Math.floor(ROWS_BYTES / (8 * Math.max(1, d)))) : Math.max(1, n);
  for (let b0 = 0; b0 < n; b0 += block) {
    const m = Math.min(block, n - b0);
    const chunk = threads === 1 ? m : Math.max(256, Math.ceil(m / threads));
    const part = X.subarray(b0 * d, (b0 + m) * d);
    let Xw: Float64Array;
    let outw: Float64Array;
    let lanesAt = 0;
    if (c.memory) {
      // After the model in its memory: the rows, their sums, each chunk's lanes (the memory
      // grows to fit; a shared memory's views stay valid).
      const xAt = c.at.free;
      const outAt = xAt + align16(m * d * 8);
      lanesAt = Math.ceil((outAt + m * w * 8) / LANE_BYTES) * LANE_BYTES;
      const end = lanesAt + Math.ceil(m / chunk) * LANE_BYTES;
      const have = c.memory.buffer.byteLength;
      if (end > have) c.memory.grow(Math.ceil((end - have) / 65536));
      Xw = new Float64Array(c.memory.buffer, xAt, m * d);
      // Rows that rowsInto laid out here already (the whole prediction, one block) stay.
      if (X !== c.rows) Xw.set(part);
      outw = new Float64Array(c.memory.buffer, outAt, m * w).fill(0);
    } else if (threads > 1) {
      Xw = new Float64Array(new SharedArrayBuffer(Math.max(1, m * d) * 8), 0, m * d);
      Xw.set(part);
      outw = new Float64Array(new SharedArrayBuffer(Math.max(1, m * w) * 8), 0, m * w);
    } else {
      Xw = part;
      outw = out.subarray(b0 * w, (b0 + m) * w);
    }
    const blockRows = walkBlock(c, m, d);
    const args: WalkArgs = {
      ...c,
      width: w,
      X: Xw,
      d,
      out: outw,
      from: 0,
      to: m,
      lanesAt,
      chunkRows: chunk,
      blockRows,
    };
    // A chunk per thread: each tree's nodes are read once per chunk (a chunk per thread and
    // more ran up to 2x slower on deep forests). Claiming still keeps a cold worker from
    // holding this thread up: it takes the worker's chunk if the worker has not yet.
    if (threads === 1) walkRange(args);
    else {
      const kernel = { url: sibling(import.meta.url, 'packed'), name: 'walkChunks', fn: walkChunks };
      runChunks(kernel, args as unknown as Record<string, unknown>, m, threads, chunk);
    }
    if (outw.buffer !== out.buffer) out.set(outw, b0 * w);
  }
  c.rows = null;
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
