import { holdTreePasses, treePassesFit, type TreePasses } from './tree-passes.js';
import { Rng } from '../../../core/random.js';
import type { Bins } from './binning.js';

/**
 * CART growth, depth first, shared by decision_tree, random_forest and extra_trees.
 *
 * Rows live in one index array; a node owns a contiguous range of it and a split partitions
 * that range in place (stably, so rows stay in memory order and reads stream). Split search
 * takes the node's candidate features together: with the 'best' splitter, one pass over the
 * node's rows fills a histogram per feature over its bins (row-major codes, so a row costs one
 * cache line, not one per feature), or, for a node smaller than a feature's bin count, a
 * native sort of packed (bin, position) integers; with the 'random' splitter (extra trees),
 * one random threshold per feature between the node's min and max. Either way exact over the
 * bins. Candidates are tried in random order and the first best wins, constant features count
 * towards max_features, and scores use scikit-learn's arithmetic, so ties resolve alike.
 * Where the passes run in WebAssembly, extra trees may grow whole subtrees there
 * (SUBTREE_ROWS), the same trees as node by node here.
 */
export type Criterion = 'gini' | 'entropy' | 'squared_error';

export interface GrowData {
  n: number;
  d: number;
  /** 0 for regression. */
  nClasses: number;
  labels?: Int32Array;
  values?: Float64Array;
  bins: Bins;
  /**
   * The values themselves, column-major (feature j of row i at [j*n + i]), when every bin holds
   * one distinct value and none is NaN: the random splitter then compares values with its
   * threshold, as scikit-learn does, instead of looking each code's bin up (the lookups miss
   * the cache once a feature has thousands of bins). Same splits either way.
   */
  columns?: Float64Array;
}

export interface GrowOptions {
  criterion: Criterion;
  splitter: 'best' | 'random';
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxFeatures: number;
  minImpurityDecrease: number;
  /** Read a feature with a dominant bin through its other rows where fewer (default true; false for tests). */
  sparseReads?: boolean;
  /** Give nodes of at most SMALL_NODE rows the random splitter's own path (default true; false for tests). */
  smallNodes?: boolean;
  /** Run the passes over a node's rows in WebAssembly where they fit (default true; false for tests). */
  passes?: boolean;
  /** Grow extra trees' subtrees of at most this many rows whole in WebAssembly where they can (default SUBTREE_ROWS; 0: never, for tests). */
  subtreeRows?: number;
}

/** A grown tree. Internal nodes: feature >= 0, go left when x <= threshold. Leaves: feature -1, left = leaf index. */
export interface TreeArrays {
  nNodes: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf values, `width` per leaf: class probabilities, or the mean. */
  leafValue: Float64Array;
  width: number;
  /** Weighted impurity decrease per feature, not normalized. */
  importance: Float64Array;
}

const EPS = 2.220446049250313e-16;
/** Rows per block in the split-search passes: their codes stay in L1 while each feature is scanned. */
const ROW_BLOCK = 256;
/** Nodes with fewer rows than this never read features through their sparse row lists. */
const SPARSE_MIN_ROWS = 64;
/** Nodes of at most this many rows take evalRandomTiny (on values). */
const SMALL_NODE = 16;
/**
 * Extra trees' nodes of at most this many rows grow their whole subtree in one call
 * (TreePasses.growSubtree), where the data allows: two classes (Gini) or regression, every
 * row once. Node by node, the calls into the passes and the
 * per-candidate arrays around them cost more than a small node's rows, and most nodes of a
 * grown tree are small: a tree of the 160,000 x 30 table took 139 ms so, 53 ms whole. A
 * tree up to this size grows whole (its buffers take about 120 bytes a row, and a call
 * stays well under a second); a larger one's top nodes go node by node.
 */
const SUBTREE_ROWS = 1 << 20;
/** Values closer than this count as equal when judging a feature constant (scikit-learn's FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;

function grow<T extends Float64Array | Int32Array>(a: T, size: number): T {
  if (a.length >= size) return a;
  const C = a.constructor as new (n: number) => T;
  const b = new C(Math.max(size, a.length * 2));
  b.set(a as never);
  return b;
}

/** Last bin of [a, z] (a feature's bins from offset o, ascending) whose largest value is <= t; a - 1 when none. */
function lastBinAtMost(hi: Float64Array, o: number, a: number, z: number, t: number): number {
  let lo = a - 1;
  let up = z;
  while (lo < up) {
    const mid = (lo + up + 1) >> 1;
    if (hi[o + mid] <= t) lo = mid;
    else up = mid - 1;
  }
  return lo;
}

/** A threshold the training partition at bin c agrees with: t itself unless t falls inside the next bin. */
function agreeingThreshold(lo: Float64Array, hi: Float64Array, o: number, c: number, t: number): number {
  const next = lo[o + c + 1];
  return t < next ? t : hi[o + c] / 2 + next / 2;
}

/**
 * Zeroes a[from, to) with a loop: the stats arrays cleared at every node hold a few numbers,
 * and a fill() call costs more than the stores (most nodes of a grown tree are tiny).
 */
function zero<T extends Float64Array | Uint8Array>(a: T, from: number, to: number): T {
  for (let k = from; k < to; k++) a[k] = 0;
  return a;
}

/** Adds a row of weight w to side stats L: its weight, then its class's weight (K > 0, y its label) or w·y. */
function addRow(L: Float64Array, w: number, K: number, y: number): void {
  L[0] += w;
  if (K > 0) L[2 + y] += w;
  else L[2] += w * y;
}

/**
 * Sorts a[0, n) ascending: by insertion up to 32 (the most numerous, in a deep tree's small
 * nodes, where a native sort call costs more), else natively.
 */
function sortPrefix(a: Int32Array | Uint32Array, n: number): void {
  if (n > 32) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

export class TreeGrower {
  private readonly K: number;
  /** Stats per bin or node: [W, count, then K class weights or S]. */
  private readonly sw: number;
  private readonly samples: Int32Array;
  private readonly scratch: Int32Array;
  private readonly rng: Rng;
  private readonly feats: Int32Array;
  /**
   * The known-constant prefix in the order ancestors left it. Drawing reorders feats[0, n)
   * inside a node; restoring it from here afterwards keeps each pending node's prefix its own
   * (a descendant's extra constants must not move into an ancestor sibling's prefix).
   */
  private readonly constFeats: Int32Array;
  // Pending nodes (a stack).
  private sp = 0;
  private sStart = new Int32Array(64);
  private sEnd = new Int32Array(64);
  private sDepth = new Int32Array(64);
  private sParent = new Int32Array(64);
  private sIsLeft = new Int32Array(64);
  /** Features known constant in the pending node (the prefix feats[0, n) when it is processed). */
  private sConst = new Int32Array(64);
  private sStats: Float64Array;
  // Output.
  private nNodes = 0;
  private nLeaves = 0;
  private feature = new Int32Array(256);
  private threshold = new Float64Array(256);
  private left = new Int32Array(256);
  private right = new Int32Array(256);
  private leafValue: Float64Array;
  private importance: Float64Array;
  private readonly rootW: number;
  // Scratch for one node's search.
  private readonly widest: number;
  private hist: Float64Array;
  private keys32 = new Uint32Array(0);
  private keys64: Float64Array | null = null;
  private readonly batch: Int32Array;
  private readonly batchCut: Int32Array;
  private readonly batchThr: Float64Array;
  private readonly batchLeft: Float64Array;
  /** The passes over a node's rows in WebAssembly, with their buffers (null: codes wider than 16 bits, or no room). */
  private readonly vp: TreePasses | null;
  /**
   * The codes and values the grower reads: the passes' copy where they hold one (so the
   * table sits in the cache once, not twice), else the data's.
   */
  private readonly codes: Bins['codes'];
  private readonly columns: Float64Array | undefined;
  /** Nodes of at most this many rows grow their subtree whole (growSubtree); 0: none. */
  private readonly subtreeRows: number;
  /** Whether vp.rows holds the rows of the node findSplit is on (passRows). */
  private rowsInPasses = false;
  /** Every row once, two classes or regression: a count and a sum (of squares) say what a side holds. */
  private readonly countAndSum: boolean;
  /** The passes' mode (histDense, sparseLeft): 0/1 classes weighted / every row once, 2/3 regression. */
  private readonly passMode: number;
  /** evalRandomTiny's buffer (weighted and multi-class): one feature's values. */
  private readonly tinyX = new Float64Array(SMALL_NODE);
  /** Per batch slot: 1 when it goes by histogram. */
  private readonly byHist: Uint8Array;
  private readonly slotFeature: Int32Array;
  /** Per batch slot: 1 when the feature was constant in the node. */
  private readonly slotConst: Uint8Array;
  private readonly slotBase: Int32Array;
  /** A sparse slot's bins holding rows, ascending (sparseBins). */
  private readonly binList: Int32Array;
  /** Per batch slot: 1 when the node reads the feature's rows outside its dominant bin (Bins.nzRows). */
  private readonly slotSparse: Uint8Array;
  /** The dense passes' copy of batchCut, -1 where a sparse read does the counting. */
  private readonly denseCut: Int32Array;
  /**
   * Row -> its index in `samples` (-1: not in this tree), kept up to date by partition, so a
   * sparse read can tell which of a feature's rows are in the node. Null without sparse features.
   */
  private readonly pos: Int32Array | null;
  /** Per histogram slot: its feature's most populated bin, and its number of bins. */
  private readonly slotMode: Int32Array;
  private readonly slotBins: Int32Array;
  private readonly leftAcc: Float64Array;
  private readonly childL: Float64Array;
  private readonly childR: Float64Array;
  private readonly node: Float64Array;
  // Best split of the node being processed.
  private bFeature = -1;
  private bBin = -1;
  private bThreshold = 0;
  private bProxy = -Infinity;

  constructor(
    private readonly data: GrowData,
    private readonly opt: GrowOptions,
    /** Per-row weights (bootstrap counts); rows with weight 0 are left out. null: every row once. */
    private readonly weights: Float64Array | null,
    seed: number,
  ) {
    const { n, d, nClasses } = data;
    this.K = nClasses;
    this.sw = 2 + (nClasses > 0 ? nClasses : 2);
    this.rng = new Rng(seed);
    let m = n;
    if (weights) {
      m = 0;
      for (let i = 0; i < n; i++) if (weights[i] > 0) m++;
    }
    // Sparse reads serve classification and the extra-trees min/max; regression with the best
    // splitter has no use for them, nor for keeping row positions up to date.
    const sparseUseful = nClasses > 0 || opt.splitter === 'random';
    this.leafValue = new Float64Array(256 * Math.max(1, nClasses));
    let widest = 2;
    for (let j = 0; j < d; j++) widest = Math.max(widest, data.bins.offset[j + 1] - data.bins.offset[j]);
    this.widest = widest;
    const per = Math.min(d, opt.maxFeatures);
    const histLen = opt.splitter === 'best' ? per * widest * this.sw : 0;
    // The passes in WebAssembly: extra trees on values (given columns), else on codes of one
    // or two bytes, as the best splitter's histograms are.
    const codeBytes = data.bins.codes.BYTES_PER_ELEMENT;
    const onCodes = codeBytes <= 2;
    const usePasses =
      opt.passes === false
        ? false
        : opt.splitter === 'random'
          ? data.columns !== undefined || (onCodes && treePassesFit(n, d, nClasses, codeBytes))
          : onCodes && treePassesFit(n, d, nClasses, codeBytes, histLen);
    const K = nClasses;
    // Whole subtrees in WebAssembly: growSubtree's conditions (see SUBTREE_ROWS).
    // With sparse reads, only nodes too small to take them (below SPARSE_MIN_ROWS): a
    // subtree reads every row, and leaves the row positions of its rows behind (stale, but
    // inside its own range, which no other node's overlaps).
    const sparseReads = data.bins.nzRows.length > 0 && opt.sparseReads !== false;
    const subtreeRows = Math.min(m, opt.subtreeRows ?? SUBTREE_ROWS, sparseReads ? SPARSE_MIN_ROWS - 1 : m);
    const subtrees =
      subtreeRows > 0 &&
      usePasses &&
      (onCodes || data.columns !== undefined) &&
      opt.splitter === 'random' &&
      !weights &&
      (K === 2 ? opt.criterion === 'gini' : K === 0);
    // The bins' bounds where it draws on codes (on values, thresholds are values).
    const sub = subtrees ? { rows: subtreeRows, bins: data.columns ? 0 : data.bins.lo.length } : undefined;
    this.subtreeRows = sub && treePassesFit(n, d, K, data.columns ? 8 : codeBytes, 0, sub) ? sub.rows : 0;
    this.vp = usePasses ? holdTreePasses(data, histLen, this.subtreeRows > 0 ? sub : undefined) : null;
    // The draw's state and the importances in the passes' memory where subtrees grow there.
    const shared = this.subtreeRows > 0 ? this.vp!.subtreeState() : null;
    this.feats = shared?.feats ?? new Int32Array(d);
    this.constFeats = shared?.known ?? new Int32Array(d);
    this.importance = shared?.importance ?? new Float64Array(d);
    for (let j = 0; j < d; j++) this.feats[j] = j;
    // The row list in the passes' memory where they are at hand, so partition runs there too.
    this.samples = this.vp ? this.vp.samples.subarray(0, m) : new Int32Array(m);
    if (weights) {
      let k = 0;
      for (let i = 0; i < n; i++) if (weights[i] > 0) this.samples[k++] = i;
    } else for (let i = 0; i < n; i++) this.samples[i] = i;
    this.codes = this.vp?.onCodes ? (this.vp.table as Bins['codes']) : data.bins.codes;
    this.columns = this.vp && !this.vp.onCodes ? (this.vp.table as Float64Array) : data.columns;
    this.countAndSum = !weights && (nClasses === 2 || nClasses === 0);
    // Scratch for partition's JavaScript loops, which run where the passes do not.
    this.scratch = new Int32Array(this.vp ? 0 : m);
    this.passMode = (nClasses > 0 ? 0 : 2) + (weights ? 0 : 1);
    if (this.vp && weights) this.vp.weights.set(weights);
    this.vp?.scanSetup(opt.minSamplesLeaf, nClasses, weights !== null);
    // Zero between nodes: each node clears the bins it filled (evalBest). Passes come fresh
    // (zeroed) or from a grower that released them complete, so with every bin cleared.
    this.hist = this.vp ? this.vp.hist : new Float64Array(histLen);
    this.pos = null;
    if (data.bins.nzRows.length > 0 && opt.sparseReads !== false && sparseUseful) {
      // In the passes' memory where they read sparse rows (on codes).
      this.pos = this.vp?.onCodes ? this.vp.pos : new Int32Array(n);
      this.pos.fill(-1);
      for (let k = 0; k < m; k++) this.pos[this.samples[k]] = k;
    }
    this.batch = new Int32Array(d);
    this.batchCut = new Int32Array(d);

    this.batchThr = new Float64Array(d);
    this.batchLeft = new Float64Array(opt.splitter === 'random' ? per * this.sw : 0);
    this.byHist = new Uint8Array(d);
    this.slotFeature = new Int32Array(d);
    this.slotConst = new Uint8Array(d);
    this.slotBase = new Int32Array(d);
    this.binList = this.vp?.onCodes
      ? this.vp.binList
      : new Int32Array(opt.splitter === 'best' ? widest + 1 : 0);
    this.slotSparse = new Uint8Array(d);
    this.denseCut = new Int32Array(d);
    this.slotMode = new Int32Array(d);
    this.slotBins = new Int32Array(d);
    this.leftAcc = new Float64Array(this.sw);
    this.childL = new Float64Array(this.sw);
    this.childR = new Float64Array(this.sw);
    this.node = new Float64Array(this.sw);
    this.sStats = new Float64Array(64 * this.sw);
    const st = new Float64Array(this.sw);
    this.rangeStats(0, m, st);
    this.rootW = st[0];
    if (this.subtreeRows > 0) this.vp!.subtreeSetup({ ...opt, rootW: this.rootW });
    this.push(0, m, 0, -1, 0, st, 0);
  }

  /** Grows until about `budget` row-visits are spent; true when the tree is complete. */
  step(budget: number): boolean {
    let spent = 0;
    while (this.sp > 0 && spent < budget) {
      const sp = --this.sp;
      const start = this.sStart[sp];
      const end = this.sEnd[sp];
      const st = this.node;
      for (let k = 0; k < this.sw; k++) st[k] = this.sStats[sp * this.sw + k];
      spent += (end - start) * Math.min(this.opt.maxFeatures, this.data.d);
      if (end - start <= this.subtreeRows) {
        const id = this.growSubtree(start, end, this.sDepth[sp], st, this.sConst[sp]);
        this.link(this.sParent[sp], this.sIsLeft[sp] === 1, id);
        continue;
      }
      this.processNode(
        start,
        end,
        this.sDepth[sp],
        this.sParent[sp],
        this.sIsLeft[sp] === 1,
        st,
        this.sConst[sp],
      );
    }
    if (this.sp > 0) return false;
    // Grown: the passes' memory (this tree's row list, and where subtrees grow its
    // importances, with it) goes to the next tree.
    if (this.subtreeRows > 0) this.importance = this.importance.slice();
    this.vp?.release();
    return true;
  }

  /** Grows to the end in one go (worker threads, where nothing else waits). */
  growAll(): TreeArrays {
    while (!this.step(Infinity));
    return this.result();
  }

  result(): TreeArrays {
    const w = Math.max(1, this.K);
    return {
      nNodes: this.nNodes,
      feature: this.feature.slice(0, this.nNodes),
      threshold: this.threshold.slice(0, this.nNodes),
      left: this.left.slice(0, this.nNodes),
      right: this.right.slice(0, this.nNodes),
      leafValue: this.leafValue.slice(0, this.nLeaves * w),
      width: w,
      importance: this.importance,
    };
  }

  private push(
    start: number,
    end: number,
    depth: number,
    parent: number,
    isLeft: number,
    st: Float64Array,
    nConst: number,
  ): void {
    const sp = this.sp++;
    if (sp >= this.sStart.length) {
      const size = sp * 2;
      this.sStart = grow(this.sStart, size);
      this.sEnd = grow(this.sEnd, size);
      this.sDepth = grow(this.sDepth, size);
      this.sParent = grow(this.sParent, size);
      this.sIsLeft = grow(this.sIsLeft, size);
      this.sConst = grow(this.sConst, size);
      this.sStats = grow(this.sStats, size * this.sw);
    }
    this.sStart[sp] = start;
    this.sEnd[sp] = end;
    this.sDepth[sp] = depth;
    this.sParent[sp] = parent;
    this.sIsLeft[sp] = isLeft;
    this.sConst[sp] = nConst;
    for (let k = 0; k < this.sw; k++) this.sStats[sp * this.sw + k] = st[k];
  }

  /**
   * processNode for the node and, in one call, all its descendants (TreePasses.growSubtree);
   * returns the node's id, for its parent to link.
   */
  private growSubtree(start: number, end: number, depth: number, st: Float64Array, nKnown: number): number {
    const t = this.vp!.growSubtree(start, end, depth, nKnown, st, this.rng);
    const base = this.nNodes;
    const leafBase = this.nLeaves;
    const size = base + t.nodes;
    this.feature = grow(this.feature, size);
    this.threshold = grow(this.threshold, size);
    this.left = grow(this.left, size);
    this.right = grow(this.right, size);
    const w = Math.max(1, this.K);
    this.leafValue = grow(this.leafValue, (leafBase + t.leaves) * w);
    for (let i = 0; i < t.nodes; i++) {
      const id = base + i;
      const f = t.feature[i];
      this.feature[id] = f;
      this.threshold[id] = t.threshold[i];
      this.left[id] = (f >= 0 ? base : leafBase) + t.left[i];
      this.right[id] = f >= 0 ? base + t.right[i] : -1;
    }
    for (let i = 0; i < t.leaves * w; i++) this.leafValue[leafBase * w + i] = t.leafValue[i];
    this.nNodes = size;
    this.nLeaves = leafBase + t.leaves;
    return base;
  }

  /** Node id as its parent's left or right child (none for the root: parent -1). */
  private link(parent: number, isLeft: boolean, id: number): void {
    if (parent < 0) return;
    if (isLeft) this.left[parent] = id;
    else this.right[parent] = id;
  }

  private newNode(parent: number, isLeft: boolean): number {
    const id = this.nNodes++;
    if (id >= this.feature.length) {
      const size = id * 2;
      this.feature = grow(this.feature, size);
      this.threshold = grow(this.threshold, size);
      this.left = grow(this.left, size);
      this.right = grow(this.right, size);
    }
    this.link(parent, isLeft, id);
    return id;
  }

  /** Weight, count and class weights (or weighted sum and sum of squares) of rows [start, end). */
  private rangeStats(start: number, end: number, st: Float64Array): void {
    zero(st, 0, st.length);
    const { samples, weights, K } = this;
    let W = 0;
    if (K > 0) {
      const labels = this.data.labels!;
      for (let p = start; p < end; p++) {
        const s = samples[p];
        const w = weights ? weights[s] : 1;
        st[2 + labels[s]] += w;
        W += w;
      }
    } else {
      const values = this.data.values!;
      let S = 0;
      let S2 = 0;
      for (let p = start; p < end; p++) {
        const s = samples[p];
        const w = weights ? weights[s] : 1;
        const v = values[s];
        S += w * v;
        S2 += w * v * v;
        W += w;
      }
      st[2] = S;
      st[3] = S2;
    }
    st[0] = W;
    st[1] = end - start;
  }

  private impurity(st: Float64Array): number {
    const W = st[0];
    if (W <= 0) return 0;
    const K = this.K;
    if (K === 0) {
      const m = st[2] / W;
      const v = st[3] / W - m * m;
      return v > 0 ? v : 0;
    }
    if (this.opt.criterion === 'entropy') {
      let h = 0;
      for (let k = 0; k < K; k++) {
        const c = st[2 + k];
        if (c > 0) {
          const p = c / W;
          h -= p * (Math.log(p) / Math.LN2);
        }
      }
      return h;
    }
    let sq = 0;
    for (let k = 0; k < K; k++) sq += st[2 + k] * st[2 + k];
    return 1 - sq / (W * W);
  }

  private processNode(
    start: number,
    end: number,
    depth: number,
    parent: number,
    isLeft: boolean,
    st: Float64Array,
    nKnown: number,
  ): void {
    const id = this.newNode(parent, isLeft);
    const count = end - start;
    const imp = this.impurity(st);
    const o = this.opt;
    let leaf = count < o.minSamplesSplit || count < 2 * o.minSamplesLeaf || depth >= o.maxDepth || imp <= EPS;
    let nConst = nKnown;
    if (!leaf) {
      nConst = this.findSplit(start, end, st, nKnown);
      leaf = this.bFeature < 0;
    }
    if (!leaf) {
      const L = this.childL;
      const R = this.childR;
      const mid = this.partition(start, end, L);
      for (let k = 0; k < this.sw; k++) R[k] = st[k] - L[k];
      R[1] = end - mid;
      if (this.K === 0) R[3] = st[3] - L[3];
      const impL = this.impurity(L);
      const impR = this.impurity(R);
      const decrease = st[0] * imp - L[0] * impL - R[0] * impR;
      if (!(decrease / this.rootW + EPS < o.minImpurityDecrease || mid === start || mid === end)) {
        this.feature[id] = this.bFeature;
        this.threshold[id] = this.bThreshold;
        this.importance[this.bFeature] += decrease;
        // Right pushed first so the left subtree is grown (and numbered) first.
        this.push(mid, end, depth + 1, id, 0, R, nConst);
        this.push(start, mid, depth + 1, id, 1, L, nConst);
        return;
      }
    }
    this.feature[id] = -1;
    this.threshold[id] = 0;
    this.right[id] = -1;
    const w = Math.max(1, this.K);
    const li = this.nLeaves++;
    this.left[id] = li;
    if ((li + 1) * w > this.leafValue.length) this.leafValue = grow(this.leafValue, (li + 1) * w);
    const W = st[0];
    if (this.K > 0) for (let k = 0; k < this.K; k++) this.leafValue[li * w + k] = st[2 + k] / W;
    else this.leafValue[li] = st[2] / W;
  }

  /**
   * scikit-learn's feature draw: features found constant in an ancestor (the prefix
   * feats[0, nKnown)) are never evaluated again, though drawing one counts as a visit, and
   * features found constant here join that prefix for the children. Candidates are drawn
   * without replacement until max_features were visited and at least one was not constant
   * (or none are left), and each round of draws is evaluated together. Returns how many
   * features the children know to be constant.
   *
   * Layout of feats while drawing: [0, nDrawn) known constants drawn, [nDrawn, nKnown) known
   * constants not drawn, [nKnown, nKnown + nFound) found constant here, then the unvisited
   * features up to fI, then the visited non-constant ones.
   */
  private findSplit(start: number, end: number, st: Float64Array, nKnown: number): number {
    this.rowsInPasses = false;
    this.bFeature = -1;
    this.bProxy = -Infinity;
    const d = this.data.d;
    const feats = this.feats;
    const batch = this.batch;
    const isConst = this.slotConst;
    const want = this.opt.maxFeatures;
    let fI = d;
    // Where every feature is visited anyway (max_features all of them), drawing the known
    // constants only to skip them decides nothing: count them drawn and draw among the rest.
    // Same distribution over split searches, a tenth of the draws where one-hot columns make
    // most features constant in small nodes (metro_traffic: 70 draws a node for 13 candidates).
    let nDrawn = want >= d ? nKnown : 0;
    let nFound = 0;
    let visited = nDrawn;
    while (fI > nKnown + nFound && (visited < want || visited <= nFound + nDrawn)) {
      const need = visited < want ? want - visited : 1;
      let take = 0;
      while (take < need && fI - take > nKnown + nFound) {
        visited++;
        let j = nDrawn + this.rng.int(fI - take - nFound - nDrawn);
        if (j < nKnown) {
          swap(feats, nDrawn++, j);
          continue;
        }
        j += nFound;
        const pos = fI - take - 1;
        swap(feats, j, pos);
        batch[take++] = feats[pos];
      }
      if (take === 0) continue;
      if (this.opt.splitter === 'best') this.evalBest(take, start, end, st);
      else this.evalRandom(take, start, end, st);
      // The round sits at feats[fI - take, fI): constants first, then the rest (visited).
      let c = 0;
      for (let q = 0; q < take; q++) if (isConst[q]) c++;
      if (c > 0) {
        let lo = fI - take;
        let hi = lo + c;
        for (let q = 0; q < take; q++) feats[isConst[q] ? lo++ : hi++] = batch[q];
        // Rotate the constants in front of the unvisited block, after the ones found before.
        const a = nKnown + nFound;
        const U = fI - take - a;
        for (let i = a; i < a + c; i++) swap(feats, i, i + U);
        nFound += c;
      }
      fI -= take - c;
    }
    // Loops, not set(subarray()): two allocations per node add up over a tree's many nodes.
    const known = this.constFeats;
    for (let i = 0; i < nKnown; i++) feats[i] = known[i];
    for (let i = nKnown; i < nKnown + nFound; i++) known[i] = feats[i];
    return nKnown + nFound;
  }

  /** Scores a split with left stats in `L` at offset `o`: scikit-learn's -wR·impR - wL·impL (proxy for MSE). */
  private proxy(st: Float64Array, L: Float64Array, o: number): number {
    const WL = L[o];
    const WR = st[0] - WL;
    const K = this.K;
    if (K === 0) {
      const SL = L[o + 2];
      const SR = st[2] - SL;
      return (SL * SL) / WL + (SR * SR) / WR;
    }
    if (this.opt.criterion === 'entropy') {
      let hl = 0;
      let hr = 0;
      for (let k = 0; k < K; k++) {
        const l = L[o + 2 + k];
        const r = st[2 + k] - l;
        if (l > 0) {
          const p = l / WL;
          hl -= p * (Math.log(p) / Math.LN2);
        }
        if (r > 0) {
          const p = r / WR;
          hr -= p * (Math.log(p) / Math.LN2);
        }
      }
      return -WR * hr - WL * hl;
    }
    let sl = 0;
    let sr = 0;
    for (let k = 0; k < K; k++) {
      const l = L[o + 2 + k];
      const r = st[2 + k] - l;
      sl += l * l;
      sr += r * r;
    }
    return -WR * (1 - sr / (WR * WR)) - WL * (1 - sl / (WL * WL));
  }

  private consider(f: number, prevBin: number, nextBin: number, p: number): void {
    if (p > this.bProxy) {
      this.bProxy = p;
      this.bFeature = f;
      this.bBin = prevBin;
      const b = this.data.bins!;
      const lo = b.lo[b.offset[f] + nextBin];
      const hi = b.hi[b.offset[f] + prevBin];
      let t = hi / 2 + lo / 2;
      if (t === lo || !Number.isFinite(t)) t = hi;
      this.bThreshold = t;
    }
  }

  /** Evaluates batch[0..take) over their bins; returns how many were constant in the node. */
  private evalBest(take: number, start: number, end: number, st: Float64Array): number {
    const bins = this.data.bins!;
    const m = end - start;
    // Features whose histogram is cheaper than sorting the node's rows share one pass.
    let nh = 0;
    const hf = this.byHist;
    for (let q = 0; q < take; q++) {
      const f = this.batch[q];
      const nb = bins.offset[f + 1] - bins.offset[f];
      hf[q] = nb <= 2 * m ? 1 : 0;
      if (hf[q]) nh++;
    }
    const sparse = this.K > 0 && nh > 0 ? this.markSparse(take, start, end) : zero(this.slotSparse, 0, take);
    if (nh > 0) this.fillHistograms(take, start, end, st);
    let constants = 0;
    const list = this.binList;
    const vp = this.vp;
    // Dense slots scanned in WebAssembly where the passes hold the histograms (not entropy).
    const scanHere = !vp || (this.K > 0 && this.opt.criterion === 'entropy');
    for (let q = 0; q < take; q++) {
      const f = this.batch[q];
      const nb = bins.offset[f + 1] - bins.offset[f];
      let constant = true;
      let cleared = false;
      if (nb > 1) {
        if (!hf[q]) constant = this.evalSorted(f, start, end, st);
        else if (sparse[q]) constant = this.scanBins(q, f, this.sparseBins(q, start, end, st), m, st, list);
        else if (scanHere) constant = this.scanBins(q, f, nb, m, st, null);
        else {
          constant = vp!.scanDense(q * this.widest, nb, this.sw, m, st);
          if (!constant) this.consider(f, vp!.out[1], vp!.out[2], vp!.out[0]);
          cleared = true;
        }
      }
      // A dense slot's bins back to zero, as the next node's passes expect them (a sparse
      // slot clears its few bins as it scans them, and scanDense its own).
      if (hf[q] && !sparse[q] && !cleared)
        zero(this.hist, q * this.widest * this.sw, (q * this.widest + nb) * this.sw);
      this.slotConst[q] = constant ? 1 : 0;
      if (constant) constants++;
    }
    return constants;
  }

  /**
   * One pass over the node's rows: per bin of every dense histogram slot (the sparse ones
   * fill theirs in sparseBins), [W, count, class weights] (classification, W filled in by the
   * scan) or [W, count, S]: one cache line per update. The bins start at zero (evalBest clears
   * the slots it scanned).
   * Classification skips each feature's dominant bin (if any) and fills it in afterwards as the
   * node's stats minus the other bins (exact: counts and bootstrap weights are integers): on
   * sparse data most rows hit the zero bin, and a run of updates to one address waits on
   * itself at every step.
   */
  private fillHistograms(take: number, start: number, end: number, st: Float64Array): void {
    const { samples, weights, K, sw, widest, hist } = this;
    const bins = this.data.bins!;
    const { rowStride: rs, colStride: cs } = bins;
    const codes = this.codes;
    const hf = this.byHist;
    const fs = this.slotFeature;
    const base = this.slotBase;
    const md = this.slotMode;
    const nbs = this.slotBins;
    // The sparse slots (evalBest's sparseBins) read their rows apart.
    const sparse = this.slotSparse;
    // Small nodes count every bin: skipping the dominant one saves less than filling it in
    // afterwards costs (a pass over each feature's bins), and most nodes of a deep tree are small.
    const dominant = end - start >= SPARSE_MIN_ROWS;
    let ns = 0;
    for (let q = 0; q < take; q++) {
      if (!hf[q] || sparse[q]) continue;
      const f = this.batch[q];
      fs[ns] = f * cs;
      base[ns] = q * widest;
      md[ns] = dominant ? bins.mode[f] : -1;
      nbs[ns] = bins.offset[f + 1] - bins.offset[f];
      ns++;
    }
    const vp = this.vp;
    if (vp) {
      // The same pass in WebAssembly: the node's rows and the dense slots to it.
      const m = end - start;
      this.passRows(start, m);
      for (let k = 0; k < ns; k++) {
        vp.hFs[k] = fs[k] * vp.codeBytes;
        vp.hMd[k] = md[k];
        vp.hBase[k] = base[k];
      }
      vp.histDense(m, ns, sw, this.passMode);
    } else if (K > 0) {
      const labels = this.data.labels!;
      if (weights) {
        for (let p = start; p < end; p++) {
          const s = samples[p];
          const row = s * rs;
          const w = weights[s];
          const lab = 2 + labels[s];
          for (let k = 0; k < ns; k++) {
            const c = codes[row + fs[k]];
            if (c === md[k]) continue;
            const h = (base[k] + c) * sw;
            hist[h + 1]++;
            hist[h + lab] += w;
          }
        }
      } else {
        for (let p = start; p < end; p++) {
          const s = samples[p];
          const row = s * rs;
          const lab = 2 + labels[s];
          for (let k = 0; k < ns; k++) {
            const c = codes[row + fs[k]];
            if (c === md[k]) continue;
            const h = (base[k] + c) * sw;
            hist[h + 1]++;
            hist[h + lab]++;
          }
        }
      }
    } else if (weights) {
      const values = this.data.values!;
      for (let p = start; p < end; p++) {
        const s = samples[p];
        const row = s * rs;
        const w = weights[s];
        const wy = w * values[s];
        for (let k = 0; k < ns; k++) {
          const c = codes[row + fs[k]];
          if (c === md[k]) continue;
          const h = (base[k] + c) * sw;
          hist[h] += w;
          hist[h + 1]++;
          hist[h + 2] += wy;
        }
      }
    } else {
      // Every row once: the weight is the count, filled in by the scan.
      const values = this.data.values!;
      for (let p = start; p < end; p++) {
        const s = samples[p];
        const row = s * rs;
        const y = values[s];
        for (let k = 0; k < ns; k++) {
          const c = codes[row + fs[k]];
          if (c === md[k]) continue;
          const h = (base[k] + c) * sw;
          hist[h + 1]++;
          hist[h + 2] += y;
        }
      }
    }
    // A feature's dominant bin (most of its rows: one-hot's zero) was skipped above: it holds
    // what the node's totals leave after the other bins. (Exact for counts and class weights;
    // a regression sum differs from adding its rows by rounding only, as scikit-learn's right
    // child, its node minus its left child, does.)
    for (let k = 0; k < ns; k++) {
      if (md[k] < 0) continue;
      const h0 = (base[k] + md[k]) * sw;
      for (let x = 0; x < sw; x++) hist[h0 + x] = st[x];
      for (let b = 0; b < nbs[k]; b++) {
        if (b === md[k]) continue;
        const h = (base[k] + b) * sw;
        for (let x = 0; x < sw; x++) hist[h0 + x] -= hist[h + x];
      }
    }
  }

  /**
   * Best split of one histogram slot, its bins in order: bins [0, n) (list null), or the bins
   * list[0, n), ascending; true when the feature is constant in the node.
   */
  private scanBins(
    q: number,
    f: number,
    n: number,
    m: number,
    st: Float64Array,
    list: Int32Array | null,
  ): boolean {
    const { hist, sw, K } = this;
    const msl = this.opt.minSamplesLeaf;
    const L = this.leftAcc;
    zero(L, 0, L.length);
    const b0 = q * this.widest;
    let nL = 0;
    let prev = -1;
    let nonEmpty = 0;
    for (let i = 0; i < n; i++) {
      const b = list ? list[i] : i;
      const h = (b0 + b) * sw;
      const c = hist[h + 1];
      if (c === 0) continue;
      nonEmpty++;
      if (prev >= 0 && nL >= msl) {
        if (m - nL < msl) break;
        this.consider(f, prev, b, this.proxy(st, L, 0));
      }
      if (K > 0) {
        for (let k = 0; k < K; k++) {
          const v = hist[h + 2 + k];
          L[2 + k] += v;
          L[0] += v;
        }
      } else {
        L[0] += this.weights ? hist[h] : c;
        L[2] += hist[h + 2];
      }
      nL += c;
      prev = b;
      if (nL === m) break;
    }
    if (list) for (let i = 0; i < n; i++) zero(hist, (b0 + list[i]) * sw, (b0 + list[i] + 1) * sw);
    return nonEmpty === 1;
  }

  private evalSorted(f: number, start: number, end: number, st: Float64Array): boolean {
    const { samples, weights, K } = this;
    const bins = this.data.bins!;
    const { rowStride: rs } = bins;
    const codes = this.codes;
    const fo = f * bins.colStride;
    const m = end - start;
    const msl = this.opt.minSamplesLeaf;
    const L = this.leftAcc;
    // Pack (bin, position) into one integer so a native numeric sort orders rows by bin.
    const small = m <= 65536 && bins.offset[f + 1] - bins.offset[f] <= 65536;
    const vp = this.vp;
    if (small && vp?.onCodes && (K === 0 || this.opt.criterion === 'gini')) {
      // The same in WebAssembly: sorted by radix, scanned without a call per split.
      if (vp.sortedScan(fo, start, m, st)) return true;
      this.consider(f, vp.out[1], vp.out[2], vp.out[0]);
      return false;
    }
    let keys32: Uint32Array | null = null;
    let keys64: Float64Array | null = null;
    if (small) {
      if (this.keys32.length < m) this.keys32 = new Uint32Array(Math.max(m, this.keys32.length * 2));
      // The whole scratch array: a view of m keys (an allocation per call) only for the native sort.
      keys32 = this.keys32;
      for (let q = 0; q < m; q++) keys32[q] = ((codes[samples[start + q] * rs + fo] << 16) | q) >>> 0;
      sortPrefix(keys32, m);
      if (keys32[0] >>> 16 === keys32[m - 1] >>> 16) return true;
    } else {
      if (!this.keys64 || this.keys64.length < m) this.keys64 = new Float64Array(m);
      keys64 = this.keys64.subarray(0, m);
      for (let q = 0; q < m; q++) keys64[q] = codes[samples[start + q] * rs + fo] * 4294967296 + q;
      keys64.sort();
      if (Math.floor(keys64[0] / 4294967296) === Math.floor(keys64[m - 1] / 4294967296)) return true;
    }
    zero(L, 0, L.length);
    const labels = this.data.labels;
    const values = this.data.values;
    let prevCode = -1;
    for (let q = 0; q < m; q++) {
      let code: number;
      let pos: number;
      if (keys32) {
        const key = keys32[q];
        code = key >>> 16;
        pos = key & 0xffff;
      } else {
        const key = keys64![q];
        code = Math.floor(key / 4294967296);
        pos = key - code * 4294967296;
      }
      if (q > 0 && code !== prevCode && q >= msl) {
        if (m - q < msl) break;
        this.consider(f, prevCode, code, this.proxy(st, L, 0));
      }
      const s = samples[start + pos];
      const w = weights ? weights[s] : 1;
      L[0] += w;
      if (K > 0) L[2 + labels![s]] += w;
      else L[2] += w * values![s];
      prevCode = code;
    }
    return false;
  }

  /**
   * Extra trees: per feature one uniform threshold between the node's min and max value; the
   * rows left of it are those whose bin lies wholly at or below it (with one bin per distinct
   * value, exactly the rows <= threshold). Returns how many features were constant. On values
   * (GrowData.columns) or on codes; nodes of a few rows on values take a path of their own.
   */
  private evalRandom(take: number, start: number, end: number, st: Float64Array): number {
    const small = end - start <= SMALL_NODE && this.opt.smallNodes !== false;
    if (!this.data.columns)
      return small
        ? this.evalRandomCodesTiny(take, start, end, st)
        : this.evalRandomCodes(take, start, end, st);
    if (small) return this.evalRandomTiny(take, start, end, st);
    return this.evalRandomValues(take, start, end, st);
  }

  /** Slot q's threshold (drawThreshold), or NaN with the slot marked constant where its range is flat. */
  private thresholdOrConstant(q: number, vmin: number, vmax: number): number {
    const flat = vmax <= vmin + FEATURE_THRESHOLD;
    this.slotConst[q] = flat ? 1 : 0;
    return flat ? NaN : this.drawThreshold(vmin, vmax);
  }

  /** Extra trees' threshold: uniform in [vmin, vmax), vmin where rounding reaches vmax. */
  private drawThreshold(vmin: number, vmax: number): number {
    const t = vmin + this.rng.next() * (vmax - vmin);
    return t >= vmax ? vmin : t;
  }

  /**
   * evalRandom on values, as scikit-learn does it: one feature at a time, a pass gathers the
   * node's values into a buffer (taking min and max), the threshold is drawn, and the count
   * pass reads the buffer and the node's targets (gathered once per node) in order. Sparse
   * features (one-hot) read their rows outside the dominant bin, on codes.
   */
  private evalRandomValues(take: number, start: number, end: number, st: Float64Array): number {
    const { weights, K, sw } = this;
    const vp = this.vp!;
    const { lo, hi, offset } = this.data.bins;
    const batch = this.batch;
    const m = end - start;
    const sparse = this.markSparse(take, start, end);
    const fast = this.countAndSum;
    const { out, stats } = vp;
    // The node's rows and targets go to the passes' buffers at its first dense feature (the
    // candidates of a node on tf-idf columns are often all sparse).
    let loaded = false;
    const cut = this.batchCut; // sparse slots: last bin going left (-1: no valid split); -2: by value
    const thr = this.batchThr;
    const L = this.batchLeft;
    zero(L, 0, take * sw);
    let constants = 0;
    for (let q = 0; q < take; q++) {
      const f = batch[q];
      const o = offset[f];
      cut[q] = -1;
      let vmin: number;
      let vmax: number;
      if (sparse[q]) {
        this.sparseRange(q, start, end, m);
        vmin = lo[o + this.slotFeature[q]];
        vmax = hi[o + this.slotBase[q]];
      } else {
        if (!loaded) this.loadNode(start, m, fast);
        loaded = true;
        vp.gather(f, m);
        vmin = out[0];
        vmax = out[1];
      }
      const t = this.thresholdOrConstant(q, vmin, vmax);
      if (t !== t) {
        constants++;
        continue;
      }
      if (sparse[q]) {
        // Counted from its rows outside the dominant bin (sparseLeft), by the cut's bin.
        const a = this.slotFeature[q];
        const z = this.slotBase[q];
        const c = lastBinAtMost(hi, o, a, z, t);
        if (c < a || c >= z) continue;
        cut[q] = c;
        thr[q] = agreeingThreshold(lo, hi, o, c, t);
        continue;
      }
      cut[q] = -2;
      thr[q] = t;
      const Lo = q * sw;
      if (fast) {
        vp.countSum(m, t);
        const count = out[2];
        const sum = out[3];
        L[Lo] = count;
        if (K === 2) {
          L[Lo + 2] = count - sum;
          L[Lo + 3] = sum;
        } else L[Lo + 2] = sum;
      } else {
        zero(stats, 0, sw);
        if (weights) vp.countWeighted(m, t);
        else vp.countSlots(m, t);
        for (let k = 2; k < sw; k++) L[Lo + k] = stats[k];
        // Every row once: the weight is the count.
        L[Lo] = weights ? out[3] : out[2];
      }
      L[Lo + 1] = out[2];
    }
    if (constants === take) return constants;
    this.pickRandom(take, start, end, st, sparse);
    return constants;
  }

  /**
   * The passes, holding the node's rows [start, start + m) in vp.rows: copied at the first
   * call in a findSplit, which may evaluate several rounds of candidates on the same rows.
   */
  private passRows(start: number, m: number): TreePasses {
    const vp = this.vp!;
    if (!this.rowsInPasses) {
      const rows = vp.rows;
      const samples = this.samples;
      for (let i = 0; i < m; i++) rows[i] = samples[start + i];
      this.rowsInPasses = true;
    }
    return vp;
  }

  /**
   * The node's rows into the value passes' buffers, with its targets in row order: the fast
   * path's label or value (gathered there); else weight, the stats slot the row adds to, and
   * what it adds there.
   */
  private loadNode(start: number, m: number, fast: boolean): void {
    const vp = this.vp!;
    const { samples, weights, K } = this;
    this.passRows(start, m);
    if (fast) {
      vp.gatherTargets(m);
      return;
    }
    const { y, at, w: w8 } = vp;
    const labels = this.data.labels;
    const values = this.data.values;
    for (let i = 0; i < m; i++) {
      const s = samples[start + i];
      const w = weights ? weights[s] : 1;
      w8[i] = w;
      at[i] = K > 0 ? 2 + labels![s] : 2;
      y[i] = K > 0 ? w : w * values![s];
    }
  }

  /**
   * evalRandom for a node of a few rows, on values: the same draws and sums with less around
   * them, since most nodes of a grown tree are such.
   */
  private evalRandomTiny(take: number, start: number, end: number, st: Float64Array): number {
    const { samples, K, weights, sw } = this;
    const batch = this.batch;
    const isConst = this.slotConst;
    const L = this.batchLeft;
    const m = end - start;
    let constants = 0;
    if (this.countAndSum) {
      // Every row once, two classes or regression: a count and a sum say it all, and one call
      // to the passes gives them for every candidate.
      const vp = this.passRows(start, m);
      const { feats, res } = vp;
      for (let q = 0; q < take; q++) feats[q] = batch[q];
      vp.tiny(m, take, this.rng);
      for (let q = 0; q < take; q++) {
        const count = res[3 * q + 1];
        isConst[q] = count < 0 ? 1 : 0;
        if (count < 0) {
          constants++;
          continue;
        }
        if (!this.sidesAllowed(count, m)) continue;
        const sum = res[3 * q + 2];
        L[0] = count;
        L[1] = count;
        if (K === 2) {
          L[2] = count - sum;
          L[3] = sum;
        } else L[2] = sum;
        this.considerRandom(batch[q], res[3 * q], this.proxy(st, L, 0));
      }
      return constants;
    }
    const cols = this.columns!;
    const n = this.data.n;
    const labels = this.data.labels;
    const values = this.data.values;
    const xs = this.tinyX;
    for (let q = 0; q < take; q++) {
      const co = batch[q] * n;
      let vmin = Infinity;
      let vmax = -Infinity;
      for (let i = 0; i < m; i++) {
        const x = cols[co + samples[start + i]];
        xs[i] = x;
        if (x < vmin) vmin = x;
        if (x > vmax) vmax = x;
      }
      const t = this.thresholdOrConstant(q, vmin, vmax);
      if (t !== t) {
        constants++;
        continue;
      }
      let count = 0;
      zero(L, 0, sw);
      for (let i = 0; i < m; i++) {
        if (xs[i] > t) continue;
        const s = samples[start + i];
        count++;
        addRow(L, weights ? weights[s] : 1, K, K > 0 ? labels![s] : values![s]);
      }
      if (!this.sidesAllowed(count, m)) continue;
      L[1] = count;
      this.considerRandom(batch[q], t, this.proxy(st, L, 0));
    }
    return constants;
  }

  /**
   * A split of feature f at value t, kept if its proxy is the best yet; `bin` is the last bin
   * going left on codes, -2 on values (partition then compares values).
   */
  private considerRandom(f: number, t: number, proxy: number, bin = -2): void {
    if (proxy > this.bProxy) {
      this.bProxy = proxy;
      this.bFeature = f;
      this.bBin = bin;
      this.bThreshold = t;
    }
  }

  /** Whether a split sending nL of a node's m rows left leaves both sides non-empty and at least min_samples_leaf. */
  private sidesAllowed(nL: number, m: number): boolean {
    const msl = this.opt.minSamplesLeaf;
    return nL > 0 && nL < m && nL >= msl && m - nL >= msl;
  }

  /**
   * evalRandom on codes (bins grouping values): the node's rows in blocks, every candidate
   * feature within a block, so a block's rows stay in cache across features (on a large table
   * a pass per feature over the whole node ran 15% slower), and the cut's bin searched for per
   * feature.
   */
  private evalRandomCodes(take: number, start: number, end: number, st: Float64Array): number {
    const { samples, weights, K, sw } = this;
    const bins = this.data.bins!;
    const { lo, hi, offset, rowStride: rs, colStride: cs } = bins;
    const codes = this.codes;
    const batch = this.batch;
    const mn = this.slotFeature;
    const mx = this.slotBase;
    const sparse = this.markSparse(take, start, end);
    const m = end - start;
    const vp = this.vp;
    if (vp) {
      // The node's rows, and each dense candidate's offset in the codes, to the passes.
      this.passRows(start, m);
      for (let q = 0; q < take; q++) {
        vp.feats[q] = sparse[q] ? -1 : batch[q] * cs * vp.codeBytes;
        vp.mn[q] = 0x7fffffff;
        vp.mx[q] = -1;
      }
      vp.codesRange(m, take);
      for (let q = 0; q < take; q++) {
        mn[q] = vp.mn[q];
        mx[q] = vp.mx[q];
      }
    } else {
      for (let q = 0; q < take; q++) {
        mn[q] = 0x7fffffff;
        mx[q] = -1;
      }
      // Rows in blocks and one feature at a time within a block: the block's rows stay in
      // cache across features while each feature's min and max live in registers.
      for (let p0 = start; p0 < end; p0 += ROW_BLOCK) {
        const p1 = Math.min(end, p0 + ROW_BLOCK);
        for (let q = 0; q < take; q++) {
          if (sparse[q]) continue;
          const fo = batch[q] * cs;
          let a = mn[q];
          let b = mx[q];
          for (let p = p0; p < p1; p++) {
            const c = codes[samples[p] * rs + fo];
            if (c < a) a = c;
            if (c > b) b = c;
          }
          mn[q] = a;
          mx[q] = b;
        }
      }
    }
    for (let q = 0; q < take; q++) if (sparse[q]) this.sparseRange(q, start, end, m);
    const cut = this.batchCut; // last bin going left, per slot (-1: no valid split)
    const thr = this.batchThr;
    let constants = 0;
    for (let q = 0; q < take; q++) {
      const o = offset[batch[q]];
      const vmin = lo[o + mn[q]];
      const vmax = hi[o + mx[q]];
      cut[q] = -1;
      const t = this.thresholdOrConstant(q, vmin, vmax);
      if (t !== t) {
        constants++;
        continue;
      }
      const c = lastBinAtMost(hi, o, mn[q], mx[q], t);
      if (c < mn[q] || c >= mx[q]) continue;
      cut[q] = c;
      thr[q] = agreeingThreshold(lo, hi, o, c, t);
    }
    if (constants === take) return constants;
    const L = this.batchLeft;
    zero(L, 0, take * sw);
    // A sparse read counts its side from its rows outside the dominant bin (sparseLeft).
    const dc = this.denseCut;
    for (let q = 0; q < take; q++) dc[q] = sparse[q] ? -1 : cut[q];
    const labels = this.data.labels;
    const values = this.data.values;
    if (vp && this.countAndSum) {
      // Every row once, two classes or regression: a count and a sum per feature say it all.
      const res = vp.res;
      for (let q = 0; q < take; q++) {
        vp.cut[q] = dc[q];
        res[3 * q + 1] = 0;
        res[3 * q + 2] = 0;
      }
      vp.codesCount(m, take);
      for (let q = 0; q < take; q++) {
        if (dc[q] < 0) continue;
        const o = q * sw;
        const count = res[3 * q + 1];
        const sum = res[3 * q + 2];
        L[o] = count;
        L[o + 1] = count;
        if (K === 2) {
          L[o + 2] = count - sum;
          L[o + 3] = sum;
        } else L[o + 2] = sum;
      }
    } else if (this.countAndSum) {
      // As above, where the passes are not at hand.
      for (let p0 = start; p0 < end; p0 += ROW_BLOCK) {
        const p1 = Math.min(end, p0 + ROW_BLOCK);
        for (let q = 0; q < take; q++) {
          const c = dc[q];
          if (c < 0) continue;
          const fo = batch[q] * cs;
          let count = 0;
          let sum = 0;
          // Branch-free (which side a row falls is a coin flip to the CPU), in int32 where it
          // can be: l = 1 when the code is at most c, from the sign of c - code.
          if (K === 2) {
            const lab = labels!;
            for (let p = p0; p < p1; p++) {
              const s = samples[p];
              const l = ((c - codes[s * rs + fo]) >> 31) + 1;
              count += l;
              sum += l & lab[s];
            }
          } else {
            const val = values!;
            for (let p = p0; p < p1; p++) {
              const s = samples[p];
              const l = ((c - codes[s * rs + fo]) >> 31) + 1;
              count += l;
              sum += l * val[s];
            }
          }
          const o = q * sw;
          L[o] += count;
          L[o + 1] += count;
          if (K === 2) {
            L[o + 2] += count - sum;
            L[o + 3] += sum;
          } else L[o + 2] += sum;
        }
      }
    } else
      for (let p = start; p < end; p++) {
        const s = samples[p];
        const row = s * rs;
        const w = weights ? weights[s] : 1;
        const add = K > 0 ? 2 + labels![s] : 2;
        const v = K > 0 ? w : w * values![s];
        for (let q = 0; q < take; q++) {
          const l = +(codes[row + batch[q] * cs] <= dc[q]);
          const o = q * sw;
          L[o] += w * l;
          L[o + 1] += l;
          L[o + add] += v * l;
        }
      }
    this.pickRandom(take, start, end, st, sparse);
    return constants;
  }

  /**
   * evalRandomCodes for a node of a few rows: each candidate in one loop over the rows for its
   * range and one for its left side, with the same draws and sums. Most nodes of a grown tree
   * are such (86% of extra trees' split searches on metro_traffic), and there the passes' calls
   * and the per-candidate arrays around them cost more than the rows.
   */
  private evalRandomCodesTiny(take: number, start: number, end: number, st: Float64Array): number {
    const { samples, weights, K, sw, batch } = this;
    const { lo, hi, offset, rowStride: rs, colStride: cs } = this.data.bins;
    const codes = this.codes;
    const L = this.batchLeft;
    const labels = this.data.labels;
    const values = this.data.values;
    const m = end - start;
    let constants = 0;
    for (let q = 0; q < take; q++) {
      const f = batch[q];
      const fo = f * cs;
      let a = 0x7fffffff;
      let b = -1;
      for (let p = start; p < end; p++) {
        const c = codes[samples[p] * rs + fo];
        if (c < a) a = c;
        if (c > b) b = c;
      }
      const o = offset[f];
      const vmin = lo[o + a];
      const vmax = hi[o + b];
      const t = this.thresholdOrConstant(q, vmin, vmax);
      if (t !== t) {
        constants++;
        continue;
      }
      const cut = lastBinAtMost(hi, o, a, b, t);
      if (cut < a || cut >= b) continue;
      zero(L, 0, sw);
      let count = 0;
      for (let p = start; p < end; p++) {
        const s = samples[p];
        if (codes[s * rs + fo] > cut) continue;
        count++;
        addRow(L, weights ? weights[s] : 1, K, K > 0 ? labels![s] : values![s]);
      }
      if (!this.sidesAllowed(count, m)) continue;
      L[1] = count;
      this.considerRandom(f, agreeingThreshold(lo, hi, o, cut, t), this.proxy(st, L, 0), cut);
    }
    return constants;
  }

  /**
   * The end of a round of evalRandom: sparse slots add their left side's stats (sparseLeft),
   * then the best slot with a cut (batchCut -1: none) and both sides big enough wins, if it
   * beats the node's best so far.
   */
  private pickRandom(take: number, start: number, end: number, st: Float64Array, sparse: Uint8Array): void {
    const { sw, batch } = this;
    const cut = this.batchCut;
    const thr = this.batchThr;
    const L = this.batchLeft;
    const m = end - start;
    for (let q = 0; q < take; q++)
      if (sparse[q] && cut[q] >= 0) this.sparseLeft(q, start, end, st, cut[q], L);
    for (let q = 0; q < take; q++)
      if (cut[q] !== -1 && this.sidesAllowed(L[q * sw + 1], m))
        this.considerRandom(batch[q], thr[q], this.proxy(st, L, q * sw), cut[q]);
  }

  /**
   * Marks the batch slots whose feature has fewer rows outside its dominant bin than the node
   * has rows: those read the feature's row list (Bins.nzRows) instead of the node's rows.
   */
  private markSparse(take: number, start: number, end: number): Uint8Array {
    const sparse = this.slotSparse;
    zero(sparse, 0, take);
    const m = end - start;
    // A small node reads its rows faster than it could look through a feature's list.
    if (!this.pos || m < SPARSE_MIN_ROWS) return sparse;
    const { mode, nzOffset } = this.data.bins;
    for (let q = 0; q < take; q++) {
      const f = this.batch[q];
      if (mode[f] >= 0 && nzOffset[f + 1] - nzOffset[f] < m) sparse[q] = 1;
    }
    return sparse;
  }

  /**
   * Classification: slot q's histogram from its feature's sparse rows in the node, touching
   * only their bins, and its dominant bin as the node's stats minus theirs (exact: counts and
   * class weights are integers); those bins go to binList in ascending order, and their
   * number is returned. A word's TF-IDF column has a bin per document it occurs in, far more
   * than a node holds: this costs the node's rows, where clearing, filling in and scanning
   * every bin cost the feature's.
   */
  private sparseBins(q: number, start: number, end: number, st: Float64Array): number {
    const { rowStride: rs, colStride: cs, mode, nzOffset, nzRows } = this.data.bins;
    const codes = this.codes;
    const { weights, sw, hist } = this;
    const labels = this.data.labels!;
    const pos = this.pos!;
    const list = this.binList;
    const f = this.batch[q];
    const fo = f * cs;
    const b0 = q * this.widest;
    let n = 0;
    const vp = this.vp;
    // list is vp.binList where the passes read codes.
    if (vp?.onCodes) n = vp.sparseBins(fo, nzOffset[f], nzOffset[f + 1], start, end, b0, sw, this.passMode);
    else
      for (let i = nzOffset[f]; i < nzOffset[f + 1]; i++) {
        const r = nzRows[i];
        const p = pos[r];
        if (p < start || p >= end) continue;
        const c = codes[r * rs + fo];
        const h = (b0 + c) * sw;
        if (hist[h + 1] === 0) list[n++] = c;
        hist[h + 1]++;
        hist[h + 2 + labels[r]] += weights ? weights[r] : 1;
      }
    const md = mode[f];
    const h0 = (b0 + md) * sw;
    for (let x = 0; x < sw; x++) hist[h0 + x] = st[x];
    for (let i = 0; i < n; i++) {
      const h = (b0 + list[i]) * sw;
      for (let x = 1; x < sw; x++) hist[h0 + x] -= hist[h + x];
    }
    if (hist[h0 + 1] > 0) list[n++] = md;
    else zero(hist, h0, h0 + sw);
    sortPrefix(list, n);
    return n;
  }

  /** Min and max code of slot q's feature over the node (into slotFeature, slotBase), from its sparse rows. */
  private sparseRange(q: number, start: number, end: number, m: number): void {
    const { rowStride: rs, colStride: cs, mode, nzOffset, nzRows } = this.data.bins;
    const codes = this.codes;
    const pos = this.pos!;
    const f = this.batch[q];
    const fo = f * cs;
    let a = 0x7fffffff;
    let b = -1;
    let k = 0;
    const vp = this.vp;
    if (vp?.onCodes) {
      vp.sparseRange(fo, nzOffset[f], nzOffset[f + 1], start, end);
      a = vp.out[0];
      b = vp.out[1];
      k = vp.out[2];
    } else
      for (let i = nzOffset[f]; i < nzOffset[f + 1]; i++) {
        const r = nzRows[i];
        const p = pos[r];
        if (p < start || p >= end) continue;
        k++;
        const c = codes[r * rs + fo];
        if (c < a) a = c;
        if (c > b) b = c;
      }
    if (k < m) {
      const md = mode[f];
      if (md < a) a = md;
      if (md > b) b = md;
    }
    this.slotFeature[q] = a;
    this.slotBase[q] = b;
  }

  /**
   * Adds to L at slot q the stats of the node's rows with code <= c, from the feature's sparse
   * rows; the dominant bin's share is the node's stats minus theirs (exact for counts and
   * bootstrap weights, integers; a regression sum differs by rounding only, as scikit-learn's
   * right child, its node minus its left child, does).
   */
  private sparseLeft(
    q: number,
    start: number,
    end: number,
    st: Float64Array,
    c: number,
    L: Float64Array,
  ): void {
    const { rowStride: rs, colStride: cs, mode, nzOffset, nzRows } = this.data.bins;
    const codes = this.codes;
    const { weights, sw, K } = this;
    const labels = this.data.labels;
    const values = this.data.values;
    const pos = this.pos!;
    const f = this.batch[q];
    const fo = f * cs;
    const o = q * sw;
    const vp = this.vp;
    if (vp?.onCodes) {
      const T = vp.sparseT;
      const Ls = vp.sparseL;
      zero(T, 0, sw);
      zero(Ls, 0, sw);
      vp.sparseLeft(fo, nzOffset[f], nzOffset[f + 1], start, end, c, this.passMode);
      for (let x = 0; x < sw; x++) L[o + x] += Ls[x];
      if (mode[f] <= c) for (let x = 0; x < sw; x++) L[o + x] += st[x] - T[x];
      return;
    }
    const T = this.leftAcc; // the node's sparse rows, all of them
    zero(T, 0, T.length);
    for (let i = nzOffset[f]; i < nzOffset[f + 1]; i++) {
      const r = nzRows[i];
      const p = pos[r];
      if (p < start || p >= end) continue;
      const w = weights ? weights[r] : 1;
      const lab = K > 0 ? 2 + labels![r] : 2;
      const v = K > 0 ? w : w * values![r];
      T[0] += w;
      T[1]++;
      T[lab] += v;
      if (codes[r * rs + fo] <= c) {
        L[o] += w;
        L[o + 1]++;
        L[o + lab] += v;
      }
    }
    if (mode[f] <= c) for (let x = 0; x < sw; x++) L[o + x] += st[x] - T[x];
  }

  /**
   * Moves the rows that go left to the front of [start, end), keeping memory order on both
   * sides, and sums the left side's stats into L; returns where the right side begins.
   */
  private partition(start: number, end: number, L: Float64Array): number {
    const { samples, scratch, weights, K } = this;
    const { rowStride: rs, colStride: cs } = this.data.bins!;
    const codes = this.codes;
    // Row s goes left when X[at + s * stride] <= limit: its code against the cut's bin, or,
    // where the random splitter compares values (GrowData.columns), its value against the
    // threshold (the same rows).
    const cols = this.columns;
    const X = cols ?? codes;
    const at = this.bFeature * (cols ? this.data.n : cs);
    const stride = cols ? 1 : rs;
    const limit = cols ? this.bThreshold : this.bBin;
    const labels = this.data.labels;
    const values = this.data.values;
    zero(L, 0, L.length);
    let l = start;
    let r = 0;
    if (this.countAndSum && this.vp) {
      // Every row once, two classes or regression: count, sum and sum of squares suffice; the
      // passes split the rows where they sit (the loop below, in WebAssembly).
      const count = this.vp.partition(this.bFeature, start, end - start, limit);
      const { out } = this.vp;
      L[0] = count;
      L[1] = count;
      if (K === 2) {
        L[2] = count - out[3];
        L[3] = out[3];
      } else {
        L[2] = out[3];
        L[3] = out[1];
      }
      this.renumber(start, end);
      return start + count;
    }
    if (this.vp) {
      // Weighted or multi-class: the same in WebAssembly, with every stat of the left side.
      const count = this.vp.partitionStats(this.bFeature, start, end - start, limit, this.passMode);
      L.set(this.vp.stats);
      this.renumber(start, end);
      return start + count;
    }
    if (this.countAndSum) {
      // Every row once, two classes or regression: count, sum and sum of squares suffice.
      // Branch-free: which side a row goes is a coin flip to the CPU. Each row is written to
      // both sides and the side it does not go to is overwritten next (l <= p: already read);
      // a right row adds 0 to the sums, which leaves them as they were.
      const target: Float64Array | Int32Array = K === 2 ? labels! : values!;
      let sum = 0;
      let sq = 0;
      for (let p = start; p < end; p++) {
        const s = samples[p];
        const left = +(X[at + s * stride] <= limit);
        samples[l] = s;
        scratch[r] = s;
        l += left;
        r += 1 - left;
        const v = left * target[s];
        sum += v;
        sq += v * v;
      }
      const count = l - start;
      L[0] = count;
      if (K === 2) {
        L[2] = count - sum;
        L[3] = sum;
      } else {
        L[2] = sum;
        L[3] = sq;
      }
      for (let k = 0; k < r; k++) samples[l + k] = scratch[k];
      L[1] = count;
      this.renumber(start, end);
      return l;
    }
    for (let p = start; p < end; p++) {
      const s = samples[p];
      if (X[at + s * stride] <= limit) {
        samples[l++] = s;
        const w = weights ? weights[s] : 1;
        L[0] += w;
        if (K > 0) L[2 + labels![s]] += w;
        else {
          const v = values![s];
          L[2] += w * v;
          L[3] += w * v * v;
        }
      } else scratch[r++] = s;
    }
    for (let k = 0; k < r; k++) samples[l + k] = scratch[k];
    L[1] = l - start;
    this.renumber(start, end);
    return l;
  }

  /** Keeps `pos` in step with samples[start, end) after a partition moved its rows. */
  private renumber(start: number, end: number): void {
    const pos = this.pos;
    if (!pos) return;
    if (this.vp && pos === this.vp.pos) {
      this.vp.renumber(start, end - start);
      return;
    }
    const samples = this.samples;
    for (let p = start; p < end; p++) pos[samples[p]] = p;
  }
}
