import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import type { Frame } from '../../frame.js';
import { categoryIndex, matchColumns, type ColumnBins } from './binning.js';
import { borrowPredictHelper, type PredictHelper } from './pool.js';

/**
 * All trees of a model in flat typed arrays, one entry per node; the two children of a node
 * are adjacent (right = left + 1). Trees are stored round by round, K per round (one per
 * class for softmax), so tree t adds to output t % K.
 *
 * A numeric split sends x <= threshold left; a categorical split sends the categories whose
 * bit is set in its 256-bit set left. Missing values (and categories unseen in training) go
 * the node's default way.
 */
export const FLAG_DEFAULT_LEFT = 1;
export const FLAG_CATEGORICAL = 2;
const CAT_WORDS = 8;

interface FastLayout {
  I: Int32Array;
  P: Float64Array;
  DR: Int32Array;
  /**
   * Per tree: nonzero where it has a categorical split; for a perfect tree (below), bit l
   * set where level l has one, so that its walk takes the plain numeric step elsewhere.
   */
  catLevels: Int32Array;
  /**
   * Trees at most PERFECT_MAX_DEPTH deep, also padded into
   * perfect trees of their depth (pDepth[t], -1 for none): internal node p at pAt[t] + p
   * (feature pF, threshold pT, default-right pDR), children 2p+1 and 2p+2, leaves at
   * pVAt[t] in pV. A leaf above the bottom becomes splits that send everything left (+Infinity).
   */
  pDepth: Int32Array;
  pAt: Int32Array;
  pVAt: Int32Array;
  pF: Int32Array;
  pT: Float64Array;
  pDR: Int32Array;
  pV: Float64Array;
  /**
   * Per internal node of a perfect tree: word offset of its category set in pCb, or -1
   * (numeric). pCb holds each categorical node's set with bit 0 (a missing value's code)
   * set when missing values go left, so a walk needs no test for them.
   */
  pCat: Int32Array;
  pCb: Int32Array;
}

/** Deepest tree walked as a perfect tree (2^depth leaves). */
const PERFECT_MAX_DEPTH = 10;

/** What a worker needs to walk a forest: its arrays, in shared memory. */
export interface SharedForest extends FastLayout {
  K: number;
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  flags: Uint8Array;
  value: Float64Array;
  catAt: Int32Array;
  catBits: Int32Array;
}

export class Forest {
  constructor(
    readonly K: number,
    readonly roots: Int32Array,
    readonly feature: Int32Array,
    readonly threshold: Float64Array,
    readonly left: Int32Array,
    readonly flags: Uint8Array,
    readonly value: Float64Array,
    /** Word offset of a categorical node's set in catBits (-1 otherwise). */
    readonly catAt: Int32Array,
    readonly catBits: Int32Array,
    /** Loss reduction of each split and hessian sum (cover) of each node, for importance. */
    readonly gain: Float64Array,
    readonly cover: Float64Array,
  ) {}

  get nTrees(): number {
    return this.roots.length;
  }

  /** The first `trees` trees only (early stopping keeps the best round). */
  truncate(trees: number): Forest {
    if (trees >= this.nTrees) return this;
    const end = trees < this.nTrees ? this.roots[trees] : this.feature.length;
    let catEnd = 0;
    for (let i = 0; i < end; i++)
      if (this.catAt[i] >= 0) catEnd = Math.max(catEnd, this.catAt[i] + CAT_WORDS);
    return new Forest(
      this.K,
      this.roots.slice(0, trees),
      this.feature.slice(0, end),
      this.threshold.slice(0, end),
      this.left.slice(0, end),
      this.flags.slice(0, end),
      this.value.slice(0, end),
      this.catAt.slice(0, end),
      this.catBits.slice(0, catEnd),
      this.gain.slice(0, end),
      this.cover.slice(0, end),
    );
  }

  /** Prediction layout, built on first use: [feature, left] pairs, threshold or leaf value, default-right flags. */
  private fast: FastLayout | null = null;
  private shared: SharedForest | null = null;

  /** The forest in shared memory (made once), for a worker thread to walk it too. */
  sharedCopy(): SharedForest {
    if (this.shared) return this.shared;
    const share = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as any)(
        new SharedArrayBuffer(Math.max(8, a.byteLength)),
        0,
        a.length,
      ) as T;
      b.set(a as any);
      return b;
    };
    const f = this.layout();
    return (this.shared = {
      K: this.K,
      roots: share(this.roots),
      feature: share(this.feature),
      threshold: share(this.threshold),
      left: share(this.left),
      flags: share(this.flags),
      value: share(this.value),
      catAt: share(this.catAt),
      catBits: share(this.catBits),
      I: share(f.I),
      P: share(f.P),
      DR: share(f.DR),
      catLevels: share(f.catLevels),
      pDepth: share(f.pDepth),
      pAt: share(f.pAt),
      pVAt: share(f.pVAt),
      pF: share(f.pF),
      pT: share(f.pT),
      pDR: share(f.pDR),
      pV: share(f.pV),
      pCat: share(f.pCat),
      pCb: share(f.pCb),
    });
  }

  /** A forest over shared arrays (in a worker thread). */
  static fromShared(s: SharedForest): Forest {
    const e = new Float64Array(0);
    const f = new Forest(
      s.K,
      s.roots,
      s.feature,
      s.threshold,
      s.left,
      s.flags,
      s.value,
      s.catAt,
      s.catBits,
      e,
      e,
    );
    f.fast = {
      I: s.I,
      P: s.P,
      DR: s.DR,
      catLevels: s.catLevels,
      pDepth: s.pDepth,
      pAt: s.pAt,
      pVAt: s.pVAt,
      pF: s.pF,
      pT: s.pT,
      pDR: s.pDR,
      pV: s.pV,
      pCat: s.pCat,
      pCb: s.pCb,
    };
    return f;
  }

  private layout() {
    if (this.fast) return this.fast;
    const m = this.feature.length;
    const I = new Int32Array(2 * m);
    const P = new Float64Array(m);
    const DR = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      I[2 * i] = this.feature[i];
      I[2 * i + 1] = this.left[i];
      P[i] = this.feature[i] >= 0 ? this.threshold[i] : this.value[i];
      DR[i] = this.flags[i] & FLAG_DEFAULT_LEFT ? 0 : 1;
    }
    const catLevels = new Int32Array(this.nTrees);
    for (let t = 0; t < this.nTrees; t++) {
      const end = t + 1 < this.nTrees ? this.roots[t + 1] : m;
      for (let i = this.roots[t]; i < end; i++) if (this.flags[i] & FLAG_CATEGORICAL) catLevels[t] = 1;
    }
    const nT = this.nTrees;
    const pDepth = new Int32Array(nT).fill(-1);
    const pAt = new Int32Array(nT);
    const pVAt = new Int32Array(nT);
    let inner = 0;
    let leaves = 0;
    const depthOf = (node: number): number =>
      this.feature[node] < 0 ? 0 : 1 + Math.max(depthOf(this.left[node]), depthOf(this.left[node] + 1));
    for (let t = 0; t < nT; t++) {
      const D = depthOf(this.roots[t]);
      if (D > PERFECT_MAX_DEPTH) continue;
      pDepth[t] = D;
      catLevels[t] = 0; // fill marks the levels
      pAt[t] = inner;
      pVAt[t] = leaves;
      inner += (1 << D) - 1;
      leaves += 1 << D;
    }
    const pF = new Int32Array(inner);
    const pT = new Float64Array(inner);
    const pDR = new Int32Array(inner);
    const pCat = new Int32Array(inner).fill(-1);
    const cbs: number[] = [];
    const pV = new Float64Array(leaves);
    const fill = (t: number, node: number, p: number, depth: number): void => {
      const D = pDepth[t];
      if (depth === D) {
        pV[pVAt[t] + p - ((1 << D) - 1)] = this.value[node];
        return;
      }
      const q = pAt[t] + p;
      if (this.feature[node] < 0) {
        pF[q] = 0;
        pT[q] = Infinity;
        pDR[q] = 0;
        fill(t, node, 2 * p + 1, depth + 1);
        fill(t, node, 2 * p + 2, depth + 1);
      } else {
        pF[q] = this.feature[node];
        pT[q] = this.threshold[node];
        pDR[q] = DR[node];
        if (this.flags[node] & FLAG_CATEGORICAL) {
          catLevels[t] |= 1 << depth;
          pCat[q] = cbs.length;
          const at = this.catAt[node];
          for (let w = 0; w < CAT_WORDS; w++) cbs.push(this.catBits[at + w]);
          cbs[pCat[q]] = (cbs[pCat[q]] & ~1) | (DR[node] ^ 1);
        }
        fill(t, this.left[node], 2 * p + 1, depth + 1);
        fill(t, this.left[node] + 1, 2 * p + 2, depth + 1);
      }
    };
    for (let t = 0; t < nT; t++) if (pDepth[t] >= 0) fill(t, this.roots[t], 0, 0);
    const pCb = Int32Array.from(cbs.length ? cbs : new Array<number>(CAT_WORDS).fill(0));
    return (this.fast = { I, P, DR, catLevels, pDepth, pAt, pVAt, pF, pT, pDR, pV, pCat, pCb });
  }

  /**
   * Walks a perfect tree with categorical splits (a category goes right unless its bit is
   * set) over rows [0, n), four at a time. A level without categorical nodes takes the
   * numeric step; one with them, no branch on the kind of node: every step computes both
   * tests and keeps the one the node asks for, since a level that mixes kinds would
   * mispredict a branch at most steps (on metro_traffic, 40% of levels hold a categorical
   * node, 5% of nodes are one).
   */
  private walkPerfectCat(
    t: number,
    k: number,
    X: Float64Array,
    n: number,
    d: number,
    out: Float64Array,
  ): void {
    const { pDepth, pAt, pVAt, pF, pT, pDR, pV, pCat, pCb: cb, catLevels } = this.fast!;
    const K = this.K;
    const D = pDepth[t];
    const levels = catLevels[t];
    const b = pAt[t];
    const v = pVAt[t] - ((1 << D) - 1);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o0 = i * d;
      let p0 = 0;
      let p1 = 0;
      let p2 = 0;
      let p3 = 0;
      for (let l = 0; l < D; l++) {
        if ((levels >> l) & 1) {
          p0 = catStep(p0, X, o0, b, pF, pT, pDR, pCat, cb);
          p1 = catStep(p1, X, o0 + d, b, pF, pT, pDR, pCat, cb);
          p2 = catStep(p2, X, o0 + 2 * d, b, pF, pT, pDR, pCat, cb);
          p3 = catStep(p3, X, o0 + 3 * d, b, pF, pT, pDR, pCat, cb);
        } else {
          p0 = numStep(p0, X, o0, b, pF, pT, pDR);
          p1 = numStep(p1, X, o0 + d, b, pF, pT, pDR);
          p2 = numStep(p2, X, o0 + 2 * d, b, pF, pT, pDR);
          p3 = numStep(p3, X, o0 + 3 * d, b, pF, pT, pDR);
        }
      }
      out[i * K + k] += pV[v + p0];
      out[(i + 1) * K + k] += pV[v + p1];
      out[(i + 2) * K + k] += pV[v + p2];
      out[(i + 3) * K + k] += pV[v + p3];
    }
    for (; i < n; i++) {
      let p = 0;
      for (let l = 0; l < D; l++) p = catStep(p, X, i * d, b, pF, pT, pDR, pCat, cb);
      out[i * K + k] += pV[v + p];
    }
  }

  /**
   * Walks a perfect tree (see FastLayout) over rows [0, n), four at a time: every row takes
   * exactly D steps of p = 2p + 1 + (x > threshold), with no branch on the path taken (a
   * missing value, for which x > threshold is false, adds its node's default-right flag).
   */
  private walkPerfect(
    t: number,
    k: number,
    X: Float64Array,
    n: number,
    d: number,
    out: Float64Array,
    hasNaN: boolean,
  ): void {
    const { pDepth, pAt, pVAt, pF, pT, pDR, pV } = this.fast!;
    const K = this.K;
    const D = pDepth[t];
    const b = pAt[t];
    const v = pVAt[t] - ((1 << D) - 1);
    let i = 0;
    if (hasNaN) {
      for (; i + 4 <= n; i += 4) {
        const o0 = i * d;
        const o1 = o0 + d;
        const o2 = o1 + d;
        const o3 = o2 + d;
        let p0 = 0;
        let p1 = 0;
        let p2 = 0;
        let p3 = 0;
        for (let l = 0; l < D; l++) {
          const x0 = X[o0 + pF[b + p0]];
          const x1 = X[o1 + pF[b + p1]];
          const x2 = X[o2 + pF[b + p2]];
          const x3 = X[o3 + pF[b + p3]];
          p0 = 2 * p0 + 1 + (+(x0 > pT[b + p0]) | (pDR[b + p0] & +(x0 !== x0)));
          p1 = 2 * p1 + 1 + (+(x1 > pT[b + p1]) | (pDR[b + p1] & +(x1 !== x1)));
          p2 = 2 * p2 + 1 + (+(x2 > pT[b + p2]) | (pDR[b + p2] & +(x2 !== x2)));
          p3 = 2 * p3 + 1 + (+(x3 > pT[b + p3]) | (pDR[b + p3] & +(x3 !== x3)));
        }
        out[i * K + k] += pV[v + p0];
        out[(i + 1) * K + k] += pV[v + p1];
        out[(i + 2) * K + k] += pV[v + p2];
        out[(i + 3) * K + k] += pV[v + p3];
      }
    } else {
      for (; i + 4 <= n; i += 4) {
        const o0 = i * d;
        const o1 = o0 + d;
        const o2 = o1 + d;
        const o3 = o2 + d;
        let p0 = 0;
        let p1 = 0;
        let p2 = 0;
        let p3 = 0;
        for (let l = 0; l < D; l++) {
          p0 = 2 * p0 + 1 + (+(X[o0 + pF[b + p0]] > pT[b + p0]) | 0);
          p1 = 2 * p1 + 1 + (+(X[o1 + pF[b + p1]] > pT[b + p1]) | 0);
          p2 = 2 * p2 + 1 + (+(X[o2 + pF[b + p2]] > pT[b + p2]) | 0);
          p3 = 2 * p3 + 1 + (+(X[o3 + pF[b + p3]] > pT[b + p3]) | 0);
        }
        out[i * K + k] += pV[v + p0];
        out[(i + 1) * K + k] += pV[v + p1];
        out[(i + 2) * K + k] += pV[v + p2];
        out[(i + 3) * K + k] += pV[v + p3];
      }
    }
    for (; i < n; i++) {
      const o = i * d;
      let p = 0;
      for (let l = 0; l < D; l++) {
        const x = X[o + pF[b + p]];
        p = 2 * p + 1 + (+(x > pT[b + p]) | (pDR[b + p] & +(x !== x)));
      }
      out[i * K + k] += pV[v + p];
    }
  }

  /**
   * Adds every tree's output to `out` (n x K, row-major, already holding the base margins).
   * `X` is row-major n x d: numeric values, category codes (bin numbers), NaN for missing;
   * `hasNaN` says whether any is missing (a faster walk when none is).
   *
   * Trees without categorical splits are walked four rows at a time, branch-free: the next
   * node is left + (x > threshold), so the walk costs dependent loads, not mispredictions.
   */
  addMargins(X: Float64Array, n: number, d: number, out: Float64Array, hasNaN = true): void {
    const { I, P, DR, catLevels, pDepth } = this.layout();
    const { roots, K } = this;
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      const k = t % K;
      if (pDepth[t] >= 0) {
        if (catLevels[t]) this.walkPerfectCat(t, k, X, n, d, out);
        else this.walkPerfect(t, k, X, n, d, out, hasNaN);
        continue;
      }
      if (catLevels[t]) {
        this.walkGeneral(root, k, X, n, d, out);
        continue;
      }
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const o0 = i * d;
        const o1 = o0 + d;
        const o2 = o1 + d;
        const o3 = o2 + d;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        let f0 = I[2 * root];
        let f1 = f0;
        let f2 = f0;
        let f3 = f0;
        if (hasNaN) {
          // x > t is false for NaN (left); default-right nodes add 1 for NaN.
          while ((f0 & f1 & f2 & f3) >= 0) {
            if (f0 >= 0) {
              const x = X[o0 + f0];
              n0 = I[2 * n0 + 1] + ((+(x > P[n0]) | (DR[n0] & +(x !== x))) as number);
              f0 = I[2 * n0];
            }
            if (f1 >= 0) {
              const x = X[o1 + f1];
              n1 = I[2 * n1 + 1] + ((+(x > P[n1]) | (DR[n1] & +(x !== x))) as number);
              f1 = I[2 * n1];
            }
            if (f2 >= 0) {
              const x = X[o2 + f2];
              n2 = I[2 * n2 + 1] + ((+(x > P[n2]) | (DR[n2] & +(x !== x))) as number);
              f2 = I[2 * n2];
            }
            if (f3 >= 0) {
              const x = X[o3 + f3];
              n3 = I[2 * n3 + 1] + ((+(x > P[n3]) | (DR[n3] & +(x !== x))) as number);
              f3 = I[2 * n3];
            }
          }
        } else {
          while ((f0 & f1 & f2 & f3) >= 0) {
            if (f0 >= 0) {
              n0 = I[2 * n0 + 1] + (+(X[o0 + f0] > P[n0]) | 0);
              f0 = I[2 * n0];
            }
            if (f1 >= 0) {
              n1 = I[2 * n1 + 1] + (+(X[o1 + f1] > P[n1]) | 0);
              f1 = I[2 * n1];
            }
            if (f2 >= 0) {
              n2 = I[2 * n2 + 1] + (+(X[o2 + f2] > P[n2]) | 0);
              f2 = I[2 * n2];
            }
            if (f3 >= 0) {
              n3 = I[2 * n3 + 1] + (+(X[o3 + f3] > P[n3]) | 0);
              f3 = I[2 * n3];
            }
          }
        }
        out[i * K + k] += P[n0];
        out[(i + 1) * K + k] += P[n1];
        out[(i + 2) * K + k] += P[n2];
        out[(i + 3) * K + k] += P[n3];
      }
      for (; i < n; i++) {
        const o = i * d;
        let node = root;
        let f = I[2 * node];
        while (f >= 0) {
          const x = X[o + f];
          node = I[2 * node + 1] + (+(x > P[node]) | (DR[node] & +(x !== x)));
          f = I[2 * node];
        }
        out[i * K + k] += P[node];
      }
    }
  }

  /** The plain walk, for trees with categorical splits. */
  private walkGeneral(
    root: number,
    k: number,
    X: Float64Array,
    n: number,
    d: number,
    out: Float64Array,
  ): void {
    const { feature, threshold, left, flags, value, catAt, catBits, K } = this;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      let node = root;
      let f = feature[node];
      while (f >= 0) {
        const x = X[o + f];
        const fl = flags[node];
        let goLeft: boolean;
        if (x !== x) goLeft = (fl & FLAG_DEFAULT_LEFT) !== 0;
        else if (fl & FLAG_CATEGORICAL) {
          const b = x | 0;
          goLeft = ((catBits[catAt[node] + (b >> 5)] >>> (b & 31)) & 1) === 1;
        } else goLeft = x <= threshold[node];
        node = goLeft ? left[node] : left[node] + 1;
        f = feature[node];
      }
      out[i * K + k] += value[node];
    }
  }

  toJSON(): Record<string, EncodedArray | number> {
    return {
      K: this.K,
      roots: encodeArray(this.roots),
      feature: encodeArray(this.feature),
      threshold: encodeArray(this.threshold),
      left: encodeArray(this.left),
      flags: encodeArray(this.flags),
      value: encodeArray(this.value),
      catAt: encodeArray(this.catAt),
      catBits: encodeArray(this.catBits),
      gain: encodeArray(this.gain),
      cover: encodeArray(this.cover),
    };
  }

  static fromJSON(s: Record<string, unknown>): Forest {
    const a = (k: string) => decodeArray(s[k] as EncodedArray) as any;
    return new Forest(
      s.K as number,
      a('roots'),
      a('feature'),
      a('threshold'),
      a('left'),
      a('flags'),
      a('value'),
      a('catAt'),
      a('catBits'),
      a('gain'),
      a('cover'),
    );
  }
}

/** Grows typed arrays as trees are added during a fit. */
export class ForestBuilder {
  private cap = 1024;
  private len = 0;
  feature = new Int32Array(this.cap);
  threshold = new Float64Array(this.cap);
  /** The split's bin, for traversing binned rows (validation) during the fit. */
  bin = new Int32Array(this.cap);
  left = new Int32Array(this.cap);
  flags = new Uint8Array(this.cap);
  value = new Float64Array(this.cap);
  catAt = new Int32Array(this.cap);
  gain = new Float64Array(this.cap);
  cover = new Float64Array(this.cap);
  catBits: number[] = [];
  roots: number[] = [];

  constructor(readonly K: number) {}

  get size(): number {
    return this.len;
  }

  /** Reserves `count` nodes and returns the index of the first. */
  alloc(count: number): number {
    while (this.len + count > this.cap) this.grow();
    const at = this.len;
    this.len += count;
    for (let i = at; i < this.len; i++) {
      this.feature[i] = -1;
      this.catAt[i] = -1;
    }
    return at;
  }

  addCatBits(bits: Int32Array): number {
    const at = this.catBits.length;
    for (let w = 0; w < CAT_WORDS; w++) this.catBits.push(bits[w]);
    return at;
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as any)(this.cap) as T;
      b.set(a);
      return b;
    };
    this.feature = g(this.feature);
    this.threshold = g(this.threshold);
    this.bin = g(this.bin);
    this.left = g(this.left);
    this.flags = g(this.flags);
    this.value = g(this.value);
    this.catAt = g(this.catAt);
    this.gain = g(this.gain);
    this.cover = g(this.cover);
  }

  /** Adds tree t's output on binned rows (column-major bins, n rows) to out (n x K). */
  addBinned(t: number, bins: Uint8Array, n: number, out: Float64Array): void {
    const root = this.roots[t];
    const k = t % this.K;
    const K = this.K;
    const { feature, bin, left, flags, value, catAt } = this;
    const cb = this.catBits;
    for (let i = 0; i < n; i++) {
      let node = root;
      let f = feature[node];
      while (f >= 0) {
        const b = bins[f * n + i];
        const fl = flags[node];
        let goLeft: boolean;
        if (fl & FLAG_CATEGORICAL) goLeft = ((cb[catAt[node] + (b >> 5)] >>> (b & 31)) & 1) === 1;
        else if (b === 0) goLeft = (fl & FLAG_DEFAULT_LEFT) !== 0;
        else goLeft = b <= bin[node];
        node = goLeft ? left[node] : left[node] + 1;
        f = feature[node];
      }
      out[i * K + k] += value[node];
    }
  }

  /** A builder holding an existing forest's trees, to boost on from. */
  static from(f: Forest): ForestBuilder {
    const b = new ForestBuilder(f.K);
    const at = b.alloc(f.feature.length);
    b.feature.set(f.feature, at);
    b.threshold.set(f.threshold, at);
    b.bin.fill(-1, at, at + f.feature.length);
    b.left.set(f.left, at);
    b.flags.set(f.flags, at);
    b.value.set(f.value, at);
    b.catAt.set(f.catAt, at);
    b.gain.set(f.gain, at);
    b.cover.set(f.cover, at);
    b.catBits.push(...f.catBits);
    b.roots.push(...f.roots);
    return b;
  }

  build(): Forest {
    const n = this.len;
    return new Forest(
      this.K,
      Int32Array.from(this.roots),
      this.feature.slice(0, n),
      this.threshold.slice(0, n),
      this.left.slice(0, n),
      this.flags.slice(0, n),
      this.value.slice(0, n),
      this.catAt.slice(0, n),
      Int32Array.from(this.catBits),
      this.gain.slice(0, n),
      this.cover.slice(0, n),
    );
  }
}

/**
 * One step down a perfect tree with categorical nodes, from position p for the row at X[o..]:
 * a numeric node sends x > threshold right, a categorical one a category whose bit in pCb is
 * clear; a missing value goes its node's default way (for a categorical node, by bit 0). A
 * category code is 1..255; for a numeric node the bit read, at category set 0, is ignored.
 */
function catStep(
  p: number,
  X: Float64Array,
  o: number,
  b: number,
  pF: Int32Array,
  pT: Float64Array,
  pDR: Int32Array,
  pCat: Int32Array,
  cb: Int32Array,
): number {
  const q = b + p;
  const x = X[o + pF[q]];
  const at = pCat[q];
  const num = +(x > pT[q]) | (pDR[q] & +(x !== x));
  // A missing value's code is 0 (NaN & 255), whose bit says its node's default way.
  const c = x & 255;
  const cat = 1 - ((cb[(at & ~(at >> 31)) + (c >> 5)] >>> (c & 31)) & 1);
  const isCat = ~at >>> 31;
  return 2 * p + 1 + (num ^ ((num ^ cat) & -isCat));
}

/**
 * catStep's numeric half, for the levels of a tree with no categorical node. Written out in
 * catStep too: calling this from there made the categorical walk a third slower (26 -> 35 ms
 * on metro_traffic), as the row's value is then read twice.
 */
function numStep(
  p: number,
  X: Float64Array,
  o: number,
  b: number,
  pF: Int32Array,
  pT: Float64Array,
  pDR: Int32Array,
): number {
  const q = b + p;
  const x = X[o + pF[q]];
  return 2 * p + 1 + (+(x > pT[q]) | (pDR[q] & +(x !== x)));
}

/** Rows predicted per block: the block's features stay in cache while every tree walks it. */
const PREDICT_BLOCK = 256;

/**
 * Below this many rows x trees (a few milliseconds of walking), one thread predicts faster
 * than two: handing half to an idle worker costs a fraction of a millisecond.
 */
export const PARALLEL_PREDICT_WORK = 1 << 18;

/**
 * Margins (n x K, row-major) of a forest on a frame: base plus every tree. On large inputs,
 * with threads > 1, an idle worker thread (when there is one) walks the second half of the
 * rows meanwhile.
 */
export function marginsOf(
  X: Frame,
  bins: ColumnBins[],
  forest: Forest,
  base: Float64Array,
  threads = 1,
): Float64Array {
  const enc = new RowEncoder(X, bins);
  const K = forest.K;
  const n = X.nRows;
  const d = enc.d;
  const out = new Float64Array(n * K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[i * K + k] = base[k];
  let split = n;
  let helper: PredictHelper | null = null;
  if (threads > 1 && n * forest.nTrees >= PARALLEL_PREDICT_WORK) {
    helper = borrowPredictHelper();
    if (helper) {
      split = n >> 1;
      const rest = n - split;
      const Xs = new Float64Array(new SharedArrayBuffer(Math.max(1, rest * d * 8)));
      const nan = enc.fill(split, n, Xs);
      const outS = new Float64Array(new SharedArrayBuffer(Math.max(1, rest * K * 8)));
      outS.set(out.subarray(split * K));
      helper.start(forest.sharedCopy(), Xs, rest, d, outS, nan);
      walkRows(enc, forest, 0, split, d, K, out);
      if (helper.finish()) out.set(outS.subarray(0, rest * K), split * K);
      else walkRows(enc, forest, split, n, d, K, out);
      return out;
    }
  }
  walkRows(enc, forest, 0, n, d, K, out);
  return out;
}

function walkRows(
  enc: RowEncoder,
  forest: Forest,
  from: number,
  to: number,
  d: number,
  K: number,
  out: Float64Array,
): void {
  const block = new Float64Array(PREDICT_BLOCK * d);
  for (let a = from; a < to; a += PREDICT_BLOCK) {
    const b = Math.min(to, a + PREDICT_BLOCK);
    const nan = enc.fill(a, b, block);
    forest.addMargins(block, b - a, d, out.subarray(a * K, b * K), nan);
  }
}

/** Walks rows (row-major, already holding base margins in out) in blocks: what a worker runs. */
export function walkShared(
  s: SharedForest,
  X: Float64Array,
  n: number,
  d: number,
  out: Float64Array,
  nan: boolean,
): void {
  const forest = Forest.fromShared(s);
  const K = s.K;
  for (let a = 0; a < n; a += PREDICT_BLOCK) {
    const b = Math.min(n, a + PREDICT_BLOCK);
    forest.addMargins(X.subarray(a * d, b * d), b - a, d, out.subarray(a * K, b * K), nan);
  }
}

/** Rows of a frame as a row-major block of doubles: numeric values, category codes, NaN for missing. */
export class RowEncoder {
  private readonly cols: Frame['columns'];
  private readonly index: (Map<string, number> | null)[];
  readonly d: number;

  constructor(X: Frame, bins: ColumnBins[]) {
    this.cols = matchColumns(X, bins);
    this.index = bins.map((b) => (b.kind === 'categorical' ? categoryIndex(b) : null));
    this.d = bins.length;
  }

  /** Rows [from, to) into out (row-major, d per row); true when any value is missing. */
  fill(from: number, to: number, out: Float64Array): boolean {
    const d = this.d;
    let nan = false;
    for (let j = 0; j < d; j++) {
      const c = this.cols[j];
      const idx = this.index[j];
      if (c.kind === 'numeric') {
        const v = c.values;
        for (let i = from, o = j; i < to; i++, o += d) {
          const x = v[i];
          out[o] = x;
          if (x !== x) nan = true;
        }
      } else {
        const v = c.values;
        for (let i = from, o = j; i < to; i++, o += d) {
          const s = v[i];
          const x = s === null || s === undefined ? NaN : (idx!.get(s) ?? NaN);
          out[o] = x;
          if (x !== x) nan = true;
        }
      }
    }
    return nan;
  }
}
