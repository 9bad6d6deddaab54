import { Rng } from '../../../core/random.js';
import type { Bins } from './binning.js';

/**
 * CART growth, depth first, shared by decision_tree, random_forest and extra_trees.
 *
 * Rows live in one index array; a node owns a contiguous range of it and a split partitions
 * that range in place, so no per-node copies. Split search per feature: with the 'best'
 * splitter, a histogram over the feature's bins when the node is large, or a sort of packed
 * (bin, position) integers when it is small — either way exact over the bins, O(rows) per node
 * and feature instead of sorting floats; with the 'random' splitter (extra trees), one random
 * threshold between the node's min and max. Ties go to the first candidate found, candidates
 * in a random feature order, as in scikit-learn.
 */
export type Criterion = 'gini' | 'entropy' | 'squared_error';

export interface GrowData {
  n: number;
  d: number;
  /** 0 for regression. */
  nClasses: number;
  labels?: Int32Array;
  values?: Float64Array;
  /** For the 'best' splitter. */
  bins?: Bins;
  /** Column-major raw values, for the 'random' splitter. */
  raw?: Float64Array;
}

export interface GrowOptions {
  criterion: Criterion;
  splitter: 'best' | 'random';
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxFeatures: number;
  minImpurityDecrease: number;
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
/** Values closer than this count as equal when judging a feature constant (scikit-learn's FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;

function grow<T extends Float64Array | Int32Array>(a: T, size: number): T {
  if (a.length >= size) return a;
  const C = a.constructor as new (n: number) => T;
  const b = new C(Math.max(size, a.length * 2));
  b.set(a as never);
  return b;
}

export class TreeGrower {
  private readonly K: number;
  /** Node stats width: [W, count, ...] then K class weights or [S, S2]. */
  private readonly sw: number;
  private readonly samples: Int32Array;
  private readonly rng: Rng;
  private readonly feats: Int32Array;
  // Pending nodes (a stack).
  private sp = 0;
  private sStart = new Int32Array(64);
  private sEnd = new Int32Array(64);
  private sDepth = new Int32Array(64);
  private sParent = new Int32Array(64);
  private sIsLeft = new Int32Array(64);
  private sStats = new Float64Array(64 * 4);
  // Output.
  private nNodes = 0;
  private nLeaves = 0;
  private feature = new Int32Array(256);
  private threshold = new Float64Array(256);
  private left = new Int32Array(256);
  private right = new Int32Array(256);
  private leafValue: Float64Array;
  private readonly importance: Float64Array;
  private readonly rootW: number;
  // Scratch.
  private hist: Float64Array;
  private hist2: Float64Array;
  private cnt: Int32Array;
  private keys32: Uint32Array;
  private keys64: Float64Array | null = null;
  private leftAcc: Float64Array;
  private bestLeft: Float64Array;
  private node: Float64Array;
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
    this.feats = new Int32Array(d);
    for (let j = 0; j < d; j++) this.feats[j] = j;
    let m = 0;
    if (weights) {
      for (let i = 0; i < n; i++) if (weights[i] > 0) m++;
    } else m = n;
    this.samples = new Int32Array(m);
    if (weights) {
      let k = 0;
      for (let i = 0; i < n; i++) if (weights[i] > 0) this.samples[k++] = i;
    } else for (let i = 0; i < n; i++) this.samples[i] = i;
    this.importance = new Float64Array(d);
    this.leafValue = new Float64Array(256 * Math.max(1, nClasses));
    let widest = 2;
    if (data.bins) for (let j = 0; j < d; j++) widest = Math.max(widest, data.bins.offset[j + 1] - data.bins.offset[j]);
    const kk = Math.max(1, nClasses);
    this.hist = new Float64Array(opt.splitter === 'best' ? widest * kk : 0);
    this.hist2 = new Float64Array(opt.splitter === 'best' && nClasses === 0 ? widest : 0);
    this.cnt = new Int32Array(opt.splitter === 'best' ? widest : 0);
    this.keys32 = new Uint32Array(0);
    this.leftAcc = new Float64Array(this.sw);
    this.bestLeft = new Float64Array(this.sw);
    this.node = new Float64Array(this.sw);
    this.sStats = new Float64Array(64 * this.sw);
    // The root.
    const st = new Float64Array(this.sw);
    this.rangeStats(0, m, st);
    this.rootW = st[0];
    this.push(0, m, 0, -1, 0, st, 0);
  }

  /** Grows until `budget` row-visits are spent; true when the tree is complete. */
  step(budget: number): boolean {
    let spent = 0;
    while (this.sp > 0 && spent < budget) {
      this.sp--;
      const sp = this.sp;
      const start = this.sStart[sp];
      const end = this.sEnd[sp];
      const depth = this.sDepth[sp];
      const parent = this.sParent[sp];
      const isLeft = this.sIsLeft[sp];
      const st = this.node;
      st.set(this.sStats.subarray(sp * this.sw, sp * this.sw + this.sw));
      spent += (end - start) * Math.min(this.opt.maxFeatures, this.data.d);
      this.processNode(start, end, depth, parent, isLeft === 1, st);
    }
    return this.sp === 0;
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

  private push(start: number, end: number, depth: number, parent: number, isLeft: number, st: Float64Array, so = 0): void {
    const sp = this.sp++;
    if (sp >= this.sStart.length) {
      const size = sp * 2;
      this.sStart = grow(this.sStart, size);
      this.sEnd = grow(this.sEnd, size);
      this.sDepth = grow(this.sDepth, size);
      this.sParent = grow(this.sParent, size);
      this.sIsLeft = grow(this.sIsLeft, size);
      this.sStats = grow(this.sStats, size * this.sw);
    }
    this.sStart[sp] = start;
    this.sEnd[sp] = end;
    this.sDepth[sp] = depth;
    this.sParent[sp] = parent;
    this.sIsLeft[sp] = isLeft;
    for (let k = 0; k < this.sw; k++) this.sStats[sp * this.sw + k] = st[so + k];
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
    if (parent >= 0) {
      if (isLeft) this.left[parent] = id;
      else this.right[parent] = id;
    }
    return id;
  }

  /** Weight, count and class weights (or sum, sum of squares) of rows [start, end). */
  private rangeStats(start: number, end: number, st: Float64Array): void {
    st.fill(0);
    const { samples, weights, K } = this;
    const labels = this.data.labels;
    const values = this.data.values;
    let W = 0;
    if (K > 0) {
      for (let p = start; p < end; p++) {
        const s = samples[p];
        const w = weights ? weights[s] : 1;
        st[2 + labels![s]] += w;
        W += w;
      }
    } else {
      let S = 0;
      let S2 = 0;
      for (let p = start; p < end; p++) {
        const s = samples[p];
        const w = weights ? weights[s] : 1;
        const v = values![s];
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

  private impurity(st: Float64Array, o = 0): number {
    const W = st[o];
    if (W <= 0) return 0;
    const K = this.K;
    if (K === 0) {
      const m = st[o + 2] / W;
      const v = st[o + 3] / W - m * m;
      return v > 0 ? v : 0;
    }
    if (this.opt.criterion === 'entropy') {
      let h = 0;
      for (let k = 0; k < K; k++) {
        const c = st[o + 2 + k];
        if (c > 0) {
          const p = c / W;
          h -= p * Math.log2(p);
        }
      }
      return h;
    }
    let g = 0;
    for (let k = 0; k < K; k++) {
      const p = st[o + 2 + k] / W;
      g += p * p;
    }
    return 1 - g;
  }

  private processNode(start: number, end: number, depth: number, parent: number, isLeft: boolean, st: Float64Array): void {
    const id = this.newNode(parent, isLeft);
    const count = end - start;
    const imp = this.impurity(st);
    const o = this.opt;
    let leaf = count < o.minSamplesSplit || count < 2 * o.minSamplesLeaf || depth >= o.maxDepth || imp <= EPS;
    if (!leaf) {
      this.findSplit(start, end, st);
      leaf = this.bFeature < 0;
    }
    if (!leaf) {
      const mid = this.partition(start, end);
      const L = this.bestLeft;
      this.rangeStats(start, mid, L);
      const R = this.leftAcc; // reuse as scratch for the right side
      for (let k = 0; k < this.sw; k++) R[k] = st[k] - L[k];
      R[1] = end - mid;
      const W = st[0];
      const impL = this.impurity(L);
      const impR = this.impurity(R);
      const decrease = W * imp - L[0] * impL - R[0] * impR;
      if (decrease / this.rootW + EPS < o.minImpurityDecrease || mid === start || mid === end) leaf = true;
      else {
        this.feature[id] = this.bFeature;
        this.threshold[id] = this.bThreshold;
        this.importance[this.bFeature] += decrease;
        // Right pushed first so the left subtree is grown (and numbered) first.
        this.push(mid, end, depth + 1, id, 0, R);
        this.push(start, mid, depth + 1, id, 1, L);
        return;
      }
    }
    // A leaf.
    this.feature[id] = -1;
    this.threshold[id] = 0;
    this.right[id] = -1;
    const w = Math.max(1, this.K);
    const li = this.nLeaves++;
    this.left[id] = li;
    this.leafValue = grow(this.leafValue, (li + 1) * w);
    const W = st[0];
    if (this.K > 0) for (let k = 0; k < this.K; k++) this.leafValue[li * w + k] = st[2 + k] / W;
    else this.leafValue[li] = st[2] / W;
  }

  private findSplit(start: number, end: number, st: Float64Array): void {
    this.bFeature = -1;
    this.bProxy = -Infinity;
    const d = this.data.d;
    const feats = this.feats;
    const want = this.opt.maxFeatures;
    let visited = 0;
    for (let i = 0; i < d && visited < want; i++) {
      const j = i + this.rng.int(d - i);
      const f = feats[j];
      feats[j] = feats[i];
      feats[i] = f;
      const constant = this.opt.splitter === 'best' ? this.evalBest(f, start, end, st) : this.evalRandom(f, start, end, st);
      if (!constant) visited++;
    }
  }

  /** Scores the split between two adjacent groups; left stats in leftAcc. */
  private proxy(st: Float64Array, WL: number): number {
    const L = this.leftAcc;
    const WR = st[0] - WL;
    const K = this.K;
    if (K === 0) {
      const SL = L[2];
      const SR = st[2] - SL;
      return (SL * SL) / WL + (SR * SR) / WR;
    }
    // Same arithmetic as scikit-learn's (-wR·impR - wL·impL), so that splits tied in exact
    // arithmetic are decided by the same rounding and the trees agree in distribution.
    if (this.opt.criterion === 'entropy') {
      let hl = 0;
      let hr = 0;
      for (let k = 0; k < K; k++) {
        const l = L[2 + k];
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
      const l = L[2 + k];
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

  /** Best threshold over feature f's bins; true when f is constant in the node. */
  private evalBest(f: number, start: number, end: number, st: Float64Array): boolean {
    const bins = this.data.bins!;
    const nb = bins.offset[f + 1] - bins.offset[f];
    const m = end - start;
    if (nb <= 1) return true;
    // A histogram costs the bins; a sort costs m log m. Pick the cheaper.
    if (nb <= 4 * m) return this.evalHistogram(f, start, end, st, nb);
    return this.evalSorted(f, start, end, st);
  }

  private evalHistogram(f: number, start: number, end: number, st: Float64Array, nb: number): boolean {
    const { samples, weights, K, cnt, hist, hist2 } = this;
    const codes = this.data.bins!.codes;
    const o = f * this.data.n;
    const msl = this.opt.minSamplesLeaf;
    const m = end - start;
    cnt.fill(0, 0, nb);
    const L = this.leftAcc;
    if (K > 0) {
      const labels = this.data.labels!;
      hist.fill(0, 0, nb * K);
      if (weights) {
        for (let p = start; p < end; p++) {
          const s = samples[p];
          const b = codes[o + s];
          cnt[b]++;
          hist[b * K + labels[s]] += weights[s];
        }
      } else {
        for (let p = start; p < end; p++) {
          const s = samples[p];
          const b = codes[o + s];
          cnt[b]++;
          hist[b * K + labels[s]] += 1;
        }
      }
      L.fill(0);
      let WL = 0;
      let nL = 0;
      let prev = -1;
      for (let b = 0; b < nb; b++) {
        const c = cnt[b];
        if (c === 0) continue;
        if (prev >= 0 && nL >= msl) {
          if (m - nL < msl) break;
          this.consider(f, prev, b, this.proxy(st, WL));
        }
        for (let k = 0; k < K; k++) {
          const h = hist[b * K + k];
          L[2 + k] += h;
          WL += h;
        }
        nL += c;
        prev = b;
        if (nL === m) break;
      }
      return nL === m && this.firstNonEmpty(nb) === prev;
    }
    const values = this.data.values!;
    hist.fill(0, 0, nb);
    hist2.fill(0, 0, nb);
    for (let p = start; p < end; p++) {
      const s = samples[p];
      const b = codes[o + s];
      const w = weights ? weights[s] : 1;
      cnt[b]++;
      hist[b] += w;
      hist2[b] += w * values[s];
    }
    L.fill(0);
    let WL = 0;
    let nL = 0;
    let prev = -1;
    for (let b = 0; b < nb; b++) {
      const c = cnt[b];
      if (c === 0) continue;
      if (prev >= 0 && nL >= msl) {
        if (m - nL < msl) break;
        this.consider(f, prev, b, this.proxy(st, WL));
      }
      WL += hist[b];
      L[2] += hist2[b];
      nL += c;
      prev = b;
      if (nL === m) break;
    }
    return nL === m && this.firstNonEmpty(nb) === prev;
  }

  private firstNonEmpty(nb: number): number {
    for (let b = 0; b < nb; b++) if (this.cnt[b] > 0) return b;
    return -1;
  }

  private evalSorted(f: number, start: number, end: number, st: Float64Array): boolean {
    const { samples, weights, K } = this;
    const codes = this.data.bins!.codes;
    const o = f * this.data.n;
    const m = end - start;
    const msl = this.opt.minSamplesLeaf;
    const L = this.leftAcc;
    const labels = this.data.labels;
    const values = this.data.values;
    // Pack (bin, position) into one integer so a native numeric sort orders rows by bin.
    const small = m <= 65536 && this.data.bins!.offset[f + 1] - this.data.bins!.offset[f] <= 65536;
    let keys32: Uint32Array | null = null;
    let keys64: Float64Array | null = null;
    if (small) {
      if (this.keys32.length < m) this.keys32 = new Uint32Array(Math.max(m, this.keys32.length * 2));
      keys32 = this.keys32.subarray(0, m);
      for (let q = 0; q < m; q++) keys32[q] = ((codes[o + samples[start + q]] << 16) | q) >>> 0;
      keys32.sort();
      if (keys32[0] >>> 16 === keys32[m - 1] >>> 16) return true;
    } else {
      if (!this.keys64 || this.keys64.length < m) this.keys64 = new Float64Array(m);
      keys64 = this.keys64.subarray(0, m);
      for (let q = 0; q < m; q++) keys64[q] = codes[o + samples[start + q]] * 4294967296 + q;
      keys64.sort();
      if (Math.floor(keys64[0] / 4294967296) === Math.floor(keys64[m - 1] / 4294967296)) return true;
    }
    L.fill(0);
    let WL = 0;
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
        this.consider(f, prevCode, code, this.proxy(st, WL));
      }
      const s = samples[start + pos];
      const w = weights ? weights[s] : 1;
      WL += w;
      if (K > 0) L[2 + labels![s]] += w;
      else L[2] += w * values![s];
      prevCode = code;
    }
    return false;
  }

  /** Extra trees: one uniform threshold between the node's min and max; true when f is constant. */
  private evalRandom(f: number, start: number, end: number, st: Float64Array): boolean {
    const { samples, weights, K } = this;
    const raw = this.data.raw!;
    const o = f * this.data.n;
    let mn = Infinity;
    let mx = -Infinity;
    for (let p = start; p < end; p++) {
      const x = raw[o + samples[p]];
      if (x < mn) mn = x;
      if (x > mx) mx = x;
    }
    if (mx <= mn + FEATURE_THRESHOLD) return true;
    let t = mn + this.rng.next() * (mx - mn);
    if (t >= mx) t = mn;
    const L = this.leftAcc;
    L.fill(0);
    let WL = 0;
    let nL = 0;
    const labels = this.data.labels;
    const values = this.data.values;
    for (let p = start; p < end; p++) {
      const s = samples[p];
      if (raw[o + s] <= t) {
        const w = weights ? weights[s] : 1;
        WL += w;
        nL++;
        if (K > 0) L[2 + labels![s]] += w;
        else L[2] += w * values![s];
      }
    }
    const msl = this.opt.minSamplesLeaf;
    if (nL < msl || end - start - nL < msl) return false;
    const p = this.proxy(st, WL);
    if (p > this.bProxy) {
      this.bProxy = p;
      this.bFeature = f;
      this.bThreshold = t;
    }
    return false;
  }

  /** Moves the rows that go left to the front of [start, end); returns where the right side begins. */
  private partition(start: number, end: number): number {
    const s = this.samples;
    const f = this.bFeature;
    const o = f * this.data.n;
    let i = start;
    let j = end - 1;
    if (this.opt.splitter === 'best') {
      const codes = this.data.bins!.codes;
      const bin = this.bBin;
      while (i <= j) {
        if (codes[o + s[i]] <= bin) i++;
        else {
          const t = s[i];
          s[i] = s[j];
          s[j] = t;
          j--;
        }
      }
    } else {
      const raw = this.data.raw!;
      const t = this.bThreshold;
      while (i <= j) {
        if (raw[o + s[i]] <= t) i++;
        else {
          const x = s[i];
          s[i] = s[j];
          s[j] = x;
          j--;
        }
      }
    }
    return i;
  }
}
