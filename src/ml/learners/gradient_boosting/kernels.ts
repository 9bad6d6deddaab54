import type { WasmMemory } from '../kit/wasm.js';
import { CAT_BITS, CAT_SCRATCH, histKernels, type HistKernels } from './kernels-wasm.js';
import { makeObjective, type Objective, type ObjectiveSpec } from './objectives.js';

/**
 * The hot loops of tree growing, shared by the main thread and the worker threads: gradient
 * histograms, histogram subtraction, split search, partition. Every thread runs the same job,
 * claiming its tasks (a node and a chunk of features, or a range of rows) in turn, so the
 * threads never write the same memory and the result does not depend on how many there are.
 * Where the buffers live in a WebAssembly memory (Buffers.memory), the build, subtraction,
 * split scans and partition run as WebAssembly (kernels-wasm.ts) with the same arithmetic;
 * the loops here are their reference, and run where WebAssembly cannot.
 *
 * Everything lives in typed arrays (over SharedArrayBuffers when threads are used):
 *   bins  n*d bytes, column-major: bins[f*n + r] is row r's bin for feature f (0 = missing)
 *   gh    2n floats: gradient and hessian of row r at 2r, 2r+1. They stay put while rows
 *         move at every split: a node's rows are ascending, so a build reads them forward, and
 *         gathering them costs less than moving them with their rows (measured from 16k to
 *         500k rows), which is what XGBoost does too
 *   rows  n ints: row indices grouped by tree node (each node owns a contiguous segment)
 *   hist  slots of histSize doubles; feature f's bins b at off[f] + 2b (gradient), +1 (hessian)
 */

/** What is fixed for a whole fit. */
export interface Layout {
  n: number;
  d: number;
  /** Value bins per feature; the histogram of f has nb[f] + 1 entries. */
  nb: Int32Array;
  /** Offset of feature f inside a histogram slot, in doubles. */
  off: Int32Array;
  histSize: number;
  isCat: Uint8Array;
  /** Monotone constraint per feature: -1, 0 or 1. */
  mono: Int8Array;
  lambda: number;
  alpha: number;
  minChildWeight: number;
  maxDeltaStep: number;
  /** Categorical features with at most this many categories in a node split one category against the rest. */
  maxCatToOnehot: number;
  /** Added to the hessian when ordering categories. */
  catSmooth: number;
  /** Extra L2 on the gain of partition splits. */
  catL2: number;
  /** Rows each group of categories added to a partition's left side must hold, and its right side too. */
  minDataPerGroup: number;
  /** Most categories on the left side of a partition split. */
  maxCatThreshold: number;
  /** The loss, for threads that compute gradients. */
  objective: ObjectiveSpec;
}

export interface Buffers {
  bins: Uint8Array;
  gh: Float32Array;
  rows: Int32Array;
  hist: Float64Array;
  /** The job: see the JOB_* layout below. */
  job: Int32Array;
  /** Per evaluated node (EVAL_STRIDE doubles): G, H, lower and upper weight bound, rows. */
  jobF: Float64Array;
  /** Per thread and evaluated node: OUT_STRIDE doubles (see OUT_*). */
  out: Float64Array;
  /** Per thread and evaluated node: 8 words, the categories (bins) that go left. */
  outBits: Int32Array;
  /**
   * [m, chunks, the m active features, then chunks + 1 boundaries into them]: threads claim
   * chunks in turn (see counter), big ones first and single features at the end.
   */
  feats: Int32Array;
  /** counter[0]: the next chunk (or partition task) to take; threads claim them with Atomics.add. */
  counter: Int32Array;
  /** Partition jobs: per node, 256 bytes saying which bins go left (1) or right (0). */
  jobLut: Uint8Array;
  /** n ints of scratch for partitioning rows (each node uses its own segment). */
  tmp: Int32Array;
  /** Margins (n x K), labels, weights (empty: none), softmax probabilities (empty: K = 1). */
  F: Float64Array;
  labels: Float64Array;
  weights: Float64Array;
  P: Float64Array;
  /**
   * The fit's shared WebAssembly memory (kernels-wasm.ts), which bins, gh, rows, tmp, hist,
   * feats, jobLut, tab and catScratch are views of; null: they are plain SharedArrayBuffers, and the
   * JavaScript loops below run instead of the WebAssembly kernels.
   */
  memory: WasmMemory | null;
  /** Per feature f: off[f] at 2f, nb[f] at 2f + 1 (for the WebAssembly kernels). */
  tab: Int32Array;
  /** CAT_SCRATCH bytes per thread, for the WebAssembly categorical scan. */
  catScratch: Uint8Array;
}

/**
 * Job layout in `job`: a header, then the job's own records. A build/evaluate job lists units
 * (UNIT_STRIDE ints each, JOB_NBUILD of them): a histogram to build, perhaps one to derive
 * from it by subtraction, and the nodes to search; then the searched nodes' slots (JOB_NEVAL).
 */
export const JOB_OP = 0;
export const JOB_NBUILD = 1;
export const JOB_NSUB = 2;
export const JOB_NEVAL = 3;
export const JOB_HEADER = 8;
export const OP_BUILD_EVAL = 1;
export const OP_PARTITION = 2;
export const OP_GRADIENTS = 3;
export const OP_JOIN = 4;
/** Most evaluated nodes (and so builds, subtractions) in one job. */
export const MAX_EVALS = 1024;
export const JOB_INTS = JOB_HEADER + MAX_EVALS * 16;

/** Doubles per evaluated node in jobF: G, H, lower, upper, rows. */
export const EVAL_STRIDE = 5;

export const OUT_GAIN = 0;
export const OUT_FEATURE = 1;
export const OUT_BIN = 2;
export const OUT_DEFAULT_LEFT = 3;
export const OUT_GL = 4;
export const OUT_HL = 5;
export const OUT_STRIDE = 8;
export const BIT_WORDS = 8;

/** Scratch owned by one thread (never shared). */
export interface Scratch {
  catIdx: Int32Array;
  catKey: Float64Array;
  bits: Int32Array;
  objective: Objective | null;
  /** This thread's instance of the WebAssembly kernels over wasmFor (the fit's memory); null: none. */
  wasm: HistKernels | null;
  wasmFor: WasmMemory | null | undefined;
  /** Where this thread's WebAssembly categorical scan leaves the left set's bits. */
  wasmBits: Int32Array;
}

export function newScratch(): Scratch {
  return {
    catIdx: new Int32Array(256),
    catKey: new Float64Array(256),
    bits: new Int32Array(BIT_WORDS),
    objective: null,
    wasm: null,
    wasmFor: undefined,
    wasmBits: new Int32Array(BIT_WORDS),
  };
}

/** The thread's WebAssembly kernels for this fit, or null where its buffers are not in a WebAssembly memory. */
function kernelsOf(L: Layout, B: Buffers, S: Scratch, t: number): HistKernels | null {
  if (S.wasmFor !== B.memory) {
    S.wasm = B.memory ? histKernels(B.memory, B.bins, B.gh, B.rows, B.tab, L.n) : null;
    if (S.wasm) {
      const scratch = B.catScratch.byteOffset + CAT_SCRATCH * t;
      S.wasm.catInit(
        L.lambda,
        L.minChildWeight,
        L.catSmooth,
        L.catL2,
        L.minDataPerGroup,
        L.maxCatThreshold,
        L.maxCatToOnehot,
        scratch,
      );
      S.wasmBits = new Int32Array(B.catScratch.buffer, scratch + CAT_BITS, BIT_WORDS);
    }
    S.wasmFor = B.memory;
  }
  return S.wasm;
}

/** Gradient job: output k of every row, into gh. */
export const GRAD_K = 1;
export const GRAD_CHUNK = 1 << 14;

export function runGradients(L: Layout, B: Buffers, S: Scratch): void {
  const o = L.objective;
  S.objective ??= makeObjective(o.name, o.nClasses, o.options);
  const k = B.job[GRAD_K];
  const out = B.gh;
  const w = B.weights.length ? B.weights : null;
  const P = B.P.length ? B.P : null;
  for (;;) {
    const from = Atomics.add(B.counter, 0, 1) * GRAD_CHUNK;
    if (from >= L.n) break;
    S.objective.gradients(B.F, B.labels, w, k, out, P, from, Math.min(L.n, from + GRAD_CHUNK));
  }
}

/** L1 soft-threshold of a gradient sum. */
function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/** The leaf weight for sums G, H, clipped by max_delta_step and the monotone bounds. */
export function leafWeight(L: Layout, G: number, H: number, lower: number, upper: number): number {
  let w = -thresholdL1(G, L.alpha) / (H + L.lambda);
  if (L.maxDeltaStep > 0) {
    if (w > L.maxDeltaStep) w = L.maxDeltaStep;
    else if (w < -L.maxDeltaStep) w = -L.maxDeltaStep;
  }
  if (w < lower) w = lower;
  else if (w > upper) w = upper;
  return w;
}

/** Twice the loss reduction of a leaf with weight w over sums G, H (equals T(G)^2/(H+lambda) at the optimum). */
function scoreOfWeight(L: Layout, G: number, H: number, w: number): number {
  return -(2 * G * w + (H + L.lambda) * w * w + 2 * L.alpha * Math.abs(w));
}

export function nodeScore(L: Layout, G: number, H: number, lower: number, upper: number): number {
  if (L.maxDeltaStep > 0 || lower > -Infinity || upper < Infinity)
    return scoreOfWeight(L, G, H, leafWeight(L, G, H, lower, upper));
  const t = L.alpha > 0 ? thresholdL1(G, L.alpha) : G;
  return (t * t) / (H + L.lambda);
}

/** Zeroes and fills the histogram of features list[fb..fe) over rows[start..start+count). */
function build(
  L: Layout,
  B: Buffers,
  list: Int32Array,
  fb: number,
  fe: number,
  slot: number,
  start: number,
  count: number,
  identity: boolean,
): void {
  const { n, off, nb } = L;
  const hist = B.hist;
  const gh = B.gh;
  const rows = B.rows;
  const bins = B.bins;
  const base = slot * L.histSize;
  const end = start + count;
  for (let j = fb; j < fe; j++) {
    const o = base + off[list[j]];
    hist.fill(0, o, o + 2 * (nb[list[j]] + 1));
  }
  let i = fb;
  // Eight, four, two, then one feature per pass over the rows: each row's index, gradient and
  // hessian are read once for all of them. (identity: rows[k] = k, not read.)
  for (; i + 8 <= fe; i += 8) {
    const o0 = base + off[list[i]];
    const o1 = base + off[list[i + 1]];
    const o2 = base + off[list[i + 2]];
    const o3 = base + off[list[i + 3]];
    const o4 = base + off[list[i + 4]];
    const o5 = base + off[list[i + 5]];
    const o6 = base + off[list[i + 6]];
    const o7 = base + off[list[i + 7]];
    const c0 = list[i] * n;
    const c1 = list[i + 1] * n;
    const c2 = list[i + 2] * n;
    const c3 = list[i + 3] * n;
    const c4 = list[i + 4] * n;
    const c5 = list[i + 5] * n;
    const c6 = list[i + 6] * n;
    const c7 = list[i + 7] * n;
    for (let k = start; k < end; k++) {
      const r = identity ? k : rows[k];
      const g = gh[2 * r];
      const h = gh[2 * r + 1];
      let p = o0 + 2 * bins[c0 + r];
      hist[p] += g;
      hist[p + 1] += h;
      p = o1 + 2 * bins[c1 + r];
      hist[p] += g;
      hist[p + 1] += h;
      p = o2 + 2 * bins[c2 + r];
      hist[p] += g;
      hist[p + 1] += h;
      p = o3 + 2 * bins[c3 + r];
      hist[p] += g;
      hist[p + 1] += h;
      p = o4 + 2 * bins[c4 + r];
      hist[p] += g;
      hist[p + 1] += h;
      p = o5 + 2 * bins[c5 + r];
      hist[p] += g;
      hist[p + 1] += h;
      p = o6 + 2 * bins[c6 + r];
      hist[p] += g;
      hist[p + 1] += h;
      p = o7 + 2 * bins[c7 + r];
      hist[p] += g;
      hist[p + 1] += h;
    }
  }
  for (; i + 4 <= fe; i += 4) {
    const o0 = base + off[list[i]];
    const o1 = base + off[list[i + 1]];
    const o2 = base + off[list[i + 2]];
    const o3 = base + off[list[i + 3]];
    const c0 = list[i] * n;
    const c1 = list[i + 1] * n;
    const c2 = list[i + 2] * n;
    const c3 = list[i + 3] * n;
    for (let k = start; k < end; k++) {
      const r = identity ? k : rows[k];
      const g = gh[2 * r];
      const h = gh[2 * r + 1];
      let p = o0 + 2 * bins[c0 + r];
      hist[p] += g;
      hist[p + 1] += h;
      p = o1 + 2 * bins[c1 + r];
      hist[p] += g;
      hist[p + 1] += h;
      p = o2 + 2 * bins[c2 + r];
      hist[p] += g;
      hist[p + 1] += h;
      p = o3 + 2 * bins[c3 + r];
      hist[p] += g;
      hist[p + 1] += h;
    }
  }
  for (; i + 2 <= fe; i += 2) {
    const o0 = base + off[list[i]];
    const o1 = base + off[list[i + 1]];
    const c0 = list[i] * n;
    const c1 = list[i + 1] * n;
    for (let k = start; k < end; k++) {
      const r = identity ? k : rows[k];
      const g = gh[2 * r];
      const h = gh[2 * r + 1];
      let p = o0 + 2 * bins[c0 + r];
      hist[p] += g;
      hist[p + 1] += h;
      p = o1 + 2 * bins[c1 + r];
      hist[p] += g;
      hist[p + 1] += h;
    }
  }
  if (i < fe) {
    const o = base + off[list[i]];
    const c = list[i] * n;
    for (let k = start; k < end; k++) {
      const r = identity ? k : rows[k];
      const p = o + 2 * bins[c + r];
      hist[p] += gh[2 * r];
      hist[p + 1] += gh[2 * r + 1];
    }
  }
}

/** hist[dst] -= hist[src] over features list[fb..fe). */
function subtract(
  L: Layout,
  B: Buffers,
  list: Int32Array,
  fb: number,
  fe: number,
  dst: number,
  src: number,
): void {
  const hist = B.hist;
  const d0 = dst * L.histSize;
  const s0 = src * L.histSize;
  for (let i = fb; i < fe; i++) {
    const f = list[i];
    const o = L.off[f];
    const len = 2 * (L.nb[f] + 1);
    for (let k = o; k < o + len; k++) hist[d0 + k] -= hist[s0 + k];
  }
}

/** Best split of one node over features list[fb..fe), written to out/outBits at index `at`. */
function evaluate(
  L: Layout,
  B: Buffers,
  S: Scratch,
  list: Int32Array,
  fb: number,
  fe: number,
  slot: number,
  G: number,
  H: number,
  lower: number,
  upper: number,
  count: number,
  at: number,
): void {
  const hist = B.hist;
  const base = slot * L.histSize;
  const { lambda, minChildWeight: mcw, alpha } = L;
  const bounded = L.maxDeltaStep > 0 || lower > -Infinity || upper < Infinity;
  const parent = nodeScore(L, G, H, lower, upper);
  let bestGain = -Infinity;
  let bestF = -1;
  let bestBin = 0;
  let bestDL = 0;
  let bestGL = 0;
  let bestHL = 0;
  const bits = S.bits;

  // Gain of a candidate (float32, as XGBoost keeps it), -Infinity where a child is too
  // light or a monotone constraint breaks.
  const gainOf = (GL: number, HL: number, mono: number): number => {
    const GR = G - GL;
    const HR = H - HL;
    if (HL < mcw || HR < mcw || HL <= 0 || HR <= 0) return -Infinity;
    if (!bounded && mono === 0) {
      const tl = alpha > 0 ? thresholdL1(GL, alpha) : GL;
      const tr = alpha > 0 ? thresholdL1(GR, alpha) : GR;
      return Math.fround((tl * tl) / (HL + lambda) + (tr * tr) / (HR + lambda) - parent);
    }
    const wl = leafWeight(L, GL, HL, lower, upper);
    const wr = leafWeight(L, GR, HR, lower, upper);
    if ((mono > 0 && wl > wr) || (mono < 0 && wl < wr)) return -Infinity;
    return Math.fround(scoreOfWeight(L, GL, HL, wl) + scoreOfWeight(L, GR, HR, wr) - parent);
  };

  const W = S.wasm;
  // In a node without weight bounds or L1, the WebAssembly scans take categorical features,
  // and numeric ones without a monotone constraint.
  const plain = !bounded && alpha === 0;
  for (let i = fb; i < fe; i++) {
    const f = list[i];
    const o = base + L.off[f];
    const nbf = L.nb[f];
    const Gm = hist[o];
    const Hm = hist[o + 1];
    const hasMissing = Hm > 0;
    const mono = L.mono[f];
    if (W && plain && (L.isCat[f] || mono === 0)) {
      let gain: number;
      if (L.isCat[f]) gain = W.scanCat(f, hist.byteOffset + 8 * o, nbf, G, H, parent, count, bestGain);
      else {
        // This feature and the plain numeric ones after it, in one call.
        let j = i + 1;
        while (j < fe && !L.isCat[list[j]] && L.mono[list[j]] === 0) j++;
        const at = list.byteOffset + 4 * i;
        gain = W.scanRun(hist.byteOffset + 8 * base, at, j - i, G, H, parent, lambda, mcw, bestGain);
        i = j - 1;
      }
      if (gain > bestGain) {
        bestGain = gain;
        bestF = W.bestFeature.value;
        bestBin = W.bestBin.value;
        bestDL = W.bestDefaultLeft.value;
        bestGL = W.bestGL.value;
        bestHL = W.bestHL.value;
      }
    } else if (!L.isCat[f]) {
      // XGBoost 1.7's enumeration: forward over the bins with missing values right (its
      // default direction then), then, only if the node has missing values, backward with
      // them left. A candidate replaces the best only with a strictly higher float32 gain,
      // so ties (common in small nodes) go to the lower feature, then the earlier candidate.
      const fast = !bounded && mono === 0 && alpha === 0;
      let GL = 0;
      let HL = 0;
      const last = hasMissing ? nbf : nbf - 1;
      for (let b = 1; b <= last; b++) {
        const hb = hist[o + 2 * b + 1];
        GL += hist[o + 2 * b];
        HL += hb;
        if (hb === 0) continue; // the same split as the bin before
        const hr = H - HL;
        let gain: number;
        if (fast) {
          if (HL < mcw || hr < mcw || HL <= 0 || hr <= 0) continue;
          const gr = G - GL;
          gain = Math.fround((GL * GL) / (HL + lambda) + (gr * gr) / (hr + lambda) - parent);
        } else gain = gainOf(GL, HL, mono);
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestBin = b;
          bestDL = 0;
          bestGL = GL;
          bestHL = HL;
        }
      }
      if (hasMissing) {
        // Backward: bins b..nbf right, missing values and bins below b left (split after
        // bin b - 1; b = 1 sends only the missing values left).
        let GR = 0;
        let HR = 0;
        for (let b = nbf; b >= 1; b--) {
          const hb = hist[o + 2 * b + 1];
          GR += hist[o + 2 * b];
          HR += hb;
          if (hb === 0) continue;
          const hl = H - HR;
          const gl = G - GR;
          let gain: number;
          if (fast) {
            if (HR < mcw || hl < mcw || HR <= 0 || hl <= 0) continue;
            gain = Math.fround((gl * gl) / (hl + lambda) + (GR * GR) / (HR + lambda) - parent);
          } else gain = gainOf(gl, hl, mono);
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestBin = b - 1;
            bestDL = 1;
            bestGL = gl;
            bestHL = hl;
          }
        }
      }
    } else {
      // Categories present in the node. Few of them: each one against the rest (one-hot
      // splits). More: the categories ordered by their own leaf weight, where the best split
      // is a prefix of that order (exact for squared error, a good heuristic otherwise); the
      // order and the gains are smoothed (catSmooth, catL2) so rare categories do not overfit.
      const idx = S.catIdx;
      const key = S.catKey;
      let m = 0;
      for (let b = 1; b <= nbf; b++) {
        const hb = hist[o + 2 * b + 1];
        if (hb > 0) {
          idx[m] = b;
          key[m] = hist[o + 2 * b] / (hb + lambda + L.catSmooth);
          m++;
        }
      }
      if (m + (hasMissing ? 1 : 0) < 2) continue;
      // The chosen set: one category (single >= 1) or a prefix of idx (prefix >= 0).
      let single = -1;
      let prefix = -1;
      let prefixDir = 1;
      let k = m;
      if (m <= L.maxCatToOnehot) {
        for (let p = 0; p < m; p++) {
          const b = idx[p];
          const GL = hist[o + 2 * b];
          const HL = hist[o + 2 * b + 1];
          let gain = gainOf(GL, HL, 0);
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestBin = 1;
            bestDL = hasMissing ? 0 : HL >= H - HL ? 1 : 0;
            bestGL = GL;
            bestHL = HL;
            single = b;
            prefix = -1;
          }
          if (hasMissing) {
            gain = gainOf(GL + Gm, HL + Hm, 0);
            if (gain > bestGain) {
              bestGain = gain;
              bestF = f;
              bestBin = 1;
              bestDL = 1;
              bestGL = GL + Gm;
              bestHL = HL + Hm;
              single = b;
              prefix = -1;
            }
          }
        }
      } else {
        // LightGBM's guards against partitions that fit noise: rows are estimated from the
        // hessian (histograms hold no counts); categories with fewer than catSmooth rows stay
        // out of the order (they go right), the left side grows from either end of the order
        // by groups of at least minDataPerGroup rows, up to maxCatThreshold categories, and
        // the right side keeps minDataPerGroup rows.
        const rowsPerH = count / H;
        k = 0;
        for (let p = 0; p < m; p++) {
          if (hist[o + 2 * idx[p] + 1] * rowsPerH >= L.catSmooth) {
            idx[k] = idx[p];
            key[k] = key[p];
            k++;
          }
        }
        sortByKey(idx, key, k);
        const lam = lambda + L.catL2;
        const pen = L.catL2 > 0 ? (G * G) / (H + lam) : parent;
        const cgain = (GL: number, HL: number) => {
          const GR = G - GL;
          const HR = H - HL;
          if (HL < mcw || HR < mcw || HL <= 0 || HR <= 0 || HR * rowsPerH < L.minDataPerGroup)
            return -Infinity;
          if (bounded || alpha > 0 || L.catL2 === 0) return gainOf(GL, HL, 0);
          return Math.fround((GL * GL) / (HL + lam) + (GR * GR) / (HR + lam) - pen);
        };
        const most = Math.min(L.maxCatThreshold, (k + 1) >> 1);
        for (let dir = 1; dir >= -1; dir -= 2) {
          let GL = 0;
          let HL = 0;
          let group = 0;
          for (let s = 0; s < most; s++) {
            const b = idx[dir > 0 ? s : k - 1 - s];
            GL += hist[o + 2 * b];
            HL += hist[o + 2 * b + 1];
            group += hist[o + 2 * b + 1] * rowsPerH;
            if ((H - HL) * rowsPerH < L.minDataPerGroup) break;
            if (group < L.minDataPerGroup) continue;
            group = 0;
            let gain = cgain(GL, HL);
            if (gain > bestGain) {
              bestGain = gain;
              bestF = f;
              bestBin = s + 1;
              bestDL = hasMissing ? 0 : HL >= H - HL ? 1 : 0;
              bestGL = GL;
              bestHL = HL;
              prefix = s;
              prefixDir = dir;
              single = -1;
            }
            if (hasMissing) {
              gain = cgain(GL + Gm, HL + Hm);
              if (gain > bestGain) {
                bestGain = gain;
                bestF = f;
                bestBin = s + 1;
                bestDL = 1;
                bestGL = GL + Gm;
                bestHL = HL + Hm;
                prefix = s;
                prefixDir = dir;
                single = -1;
              }
            }
          }
        }
      }
      if (single >= 1 || prefix >= 0) {
        bits.fill(0);
        if (single >= 1) bits[single >> 5] |= 1 << (single & 31);
        else
          for (let p = 0; p <= prefix; p++) {
            const b = idx[prefixDir > 0 ? p : k - 1 - p];
            bits[b >> 5] |= 1 << (b & 31);
          }
        if (bestDL) bits[0] |= 1; // bin 0 (missing) goes left
      }
    }
  }
  // Merge with what this thread found on its earlier chunks: higher gain wins, then the lower feature.
  const q = at * OUT_STRIDE;
  if (bestF < 0) return;
  const prevF = B.out[q + OUT_FEATURE];
  const prevGain = B.out[q + OUT_GAIN];
  if (prevF >= 0 && (prevGain > bestGain || (prevGain === bestGain && prevF < bestF))) return;
  B.out[q + OUT_GAIN] = bestGain;
  B.out[q + OUT_FEATURE] = bestF;
  B.out[q + OUT_BIN] = bestBin;
  B.out[q + OUT_DEFAULT_LEFT] = bestDL;
  B.out[q + OUT_GL] = bestGL;
  B.out[q + OUT_HL] = bestHL;
  if (bestF >= 0 && L.isCat[bestF]) {
    B.outBits.set(W && plain ? S.wasmBits : bits, at * BIT_WORDS);
  }
}

/** Sorts idx[0..m) by key ascending (ties by bin), keys moving along. Shell sort: no allocation. */
function sortByKey(idx: Int32Array, key: Float64Array, m: number): void {
  for (let gap = m >> 1; gap > 0; gap = gap === 2 ? 1 : Math.floor(gap / 2.2)) {
    for (let i = gap; i < m; i++) {
      const ki = key[i];
      const ii = idx[i];
      let j = i;
      while (j >= gap && (key[j - gap] > ki || (key[j - gap] === ki && idx[j - gap] > ii))) {
        key[j] = key[j - gap];
        idx[j] = idx[j - gap];
        j -= gap;
      }
      key[j] = ki;
      idx[j] = ii;
    }
  }
}

export const UNIT_SLOT = 0;
export const UNIT_START = 1;
export const UNIT_COUNT = 2;
export const UNIT_IDENTITY = 3;
/** hist[UNIT_SUB_DST] -= hist[UNIT_SUB_SRC] after the build; UNIT_SUB_DST -1: none. */
export const UNIT_SUB_DST = 4;
export const UNIT_SUB_SRC = 5;
/** The unit searches evaluated nodes UNIT_EVAL .. UNIT_EVAL + UNIT_NEVAL - 1. */
export const UNIT_EVAL = 6;
export const UNIT_NEVAL = 7;
export const UNIT_STRIDE = 8;

/**
 * Runs the current build/evaluate job as thread t. Its tasks are (unit, chunk of features)
 * pairs, claimed in turn, largest units first: each builds the unit's histogram over the
 * chunk's features, subtracts, and searches the unit's nodes on them. Deep levels have many
 * units, so the threads share them with whole eight-feature passes over the rows; a level of
 * one unit is shared by its chunks. A thread that runs slow (descheduled, or on a busy core)
 * simply claims fewer tasks.
 */
export function runBuildEval(L: Layout, B: Buffers, S: Scratch, t: number): void {
  const job = B.job;
  const feats = B.feats;
  const m = feats[0];
  const nChunks = feats[1];
  const list = feats.subarray(2, 2 + m);
  const bounds = 2 + m;
  const nUnits = job[JOB_NBUILD];
  const nEval = job[JOB_NEVAL];
  const evalAt = JOB_HEADER + nUnits * UNIT_STRIDE;
  const out = B.out;
  for (let e = 0; e < nEval; e++) {
    const q = (t * MAX_EVALS + e) * OUT_STRIDE;
    out[q + OUT_GAIN] = -Infinity;
    out[q + OUT_FEATURE] = -1;
  }
  const jf = B.jobF;
  const nTasks = nUnits * nChunks;
  const W = kernelsOf(L, B, S, t);
  const slotBytes = 8 * L.histSize;
  for (;;) {
    const k = Atomics.add(B.counter, 0, 1);
    if (k >= nTasks) break;
    const u = (k / nChunks) | 0;
    const c = k - u * nChunks;
    const fb = feats[bounds + c];
    const fe = feats[bounds + c + 1];
    const p = JOB_HEADER + u * UNIT_STRIDE;
    if (W) {
      const at = B.hist.byteOffset;
      const chunk = feats.byteOffset + 4 * (2 + fb);
      const start = job[p + UNIT_START];
      W.build(
        at + job[p + UNIT_SLOT] * slotBytes,
        chunk,
        fe - fb,
        start,
        start + job[p + UNIT_COUNT],
        job[p + UNIT_IDENTITY],
      );
      if (job[p + UNIT_SUB_DST] >= 0)
        W.subtract(
          at + job[p + UNIT_SUB_DST] * slotBytes,
          at + job[p + UNIT_SUB_SRC] * slotBytes,
          chunk,
          fe - fb,
        );
    } else {
      build(
        L,
        B,
        list,
        fb,
        fe,
        job[p + UNIT_SLOT],
        job[p + UNIT_START],
        job[p + UNIT_COUNT],
        job[p + UNIT_IDENTITY] === 1,
      );
      if (job[p + UNIT_SUB_DST] >= 0)
        subtract(L, B, list, fb, fe, job[p + UNIT_SUB_DST], job[p + UNIT_SUB_SRC]);
    }
    const e0 = job[p + UNIT_EVAL];
    for (let e = e0; e < e0 + job[p + UNIT_NEVAL]; e++)
      evaluate(
        L,
        B,
        S,
        list,
        fb,
        fe,
        job[evalAt + e],
        jf[EVAL_STRIDE * e],
        jf[EVAL_STRIDE * e + 1],
        jf[EVAL_STRIDE * e + 2],
        jf[EVAL_STRIDE * e + 3],
        jf[EVAL_STRIDE * e + 4],
        t * MAX_EVALS + e,
      );
  }
}

/**
 * Partition job: nodes at JOB_HEADER (PART_STRIDE ints each, JOB_NBUILD of them), then
 * tasks (TASK_STRIDE ints each, JOB_NSUB of them) at JOB_HEADER + JOB_NEVAL: a task is a
 * range of one node's rows. The thread writes the task's left count into TASK_NLEFT; for
 * pieces of a node, the join job then reads where the piece's left and right rows go
 * (TASK_LEFT_TO, TASK_RIGHT_TO).
 */
export const PART_START = 0;
export const PART_COUNT = 1;
export const PART_FEATURE = 2;
export const PART_PIECES = 5;
export const PART_STRIDE = 8;
export const TASK_NODE = 0;
export const TASK_FROM = 1;
export const TASK_TO = 2;
export const TASK_NLEFT = 3;
export const TASK_LEFT_TO = 4;
export const TASK_RIGHT_TO = 5;
export const TASK_STRIDE = 6;

/**
 * Splits rows in two, stably: rows going left first, then rows going right, both still in
 * ascending row order (which keeps later reads of bins and gradients moving forward through
 * memory). A task covering its whole node finishes in place. A task covering a piece leaves
 * the piece in tmp, its left rows then its right rows, for the join job to put the pieces
 * together: every thread then copies out of tmp into places no other piece reads.
 */
export function runPartition(L: Layout, B: Buffers, S: Scratch, t: number): void {
  const W = kernelsOf(L, B, S, t);
  const job = B.job;
  const nTasks = job[JOB_NSUB];
  const taskAt = JOB_HEADER + job[JOB_NEVAL];
  const rows = B.rows;
  const tmp = B.tmp;
  const bins = B.bins;
  const n = L.n;
  for (;;) {
    const k = Atomics.add(B.counter, 0, 1);
    if (k >= nTasks) break;
    const tp = taskAt + k * TASK_STRIDE;
    const i = job[tp + TASK_NODE];
    const p = JOB_HEADER + i * PART_STRIDE;
    const from = job[tp + TASK_FROM];
    const to = job[tp + TASK_TO];
    const c = job[p + PART_FEATURE] * n;
    const lut = B.jobLut;
    const lo = i * 256;
    // Branch-free: each row is written to both sides and only its own side advances. A
    // whole node's left rows stay in place (l <= q), its right rows go to tmp; a piece's left
    // rows go to tmp, its right rows stay in place (r <= q).
    const whole = job[p + PART_PIECES] === 1;
    const ls = whole ? rows : tmp;
    const rs = whole ? tmp : rows;
    let l = from;
    let r = from;
    if (W) {
      l = W.partition(
        bins.byteOffset + c,
        lut.byteOffset + lo,
        rows.byteOffset,
        from,
        to,
        ls.byteOffset,
        rs.byteOffset,
      );
      r = from + to - l;
    } else
      for (let q = from; q < to; q++) {
        const row = rows[q];
        const go = lut[lo + bins[c + row]];
        ls[l] = row;
        rs[r] = row;
        l += go;
        r += 1 - go;
      }
    job[tp + TASK_NLEFT] = l - from;
    // The right rows after the left ones: into place (whole), or into tmp (a piece).
    if (whole) rows.set(tmp.subarray(from, r), l);
    else tmp.set(rows.subarray(from, r), l);
  }
}

/** Join job: each piece's left and right rows (in tmp since the partition) to their places in rows. */
export function runJoin(B: Buffers): void {
  const job = B.job;
  const nTasks = job[JOB_NSUB];
  const taskAt = JOB_HEADER + job[JOB_NEVAL];
  const { rows, tmp } = B;
  for (;;) {
    const k = Atomics.add(B.counter, 0, 1);
    if (k >= nTasks) break;
    const tp = taskAt + k * TASK_STRIDE;
    if (job[JOB_HEADER + job[tp + TASK_NODE] * PART_STRIDE + PART_PIECES] === 1) continue;
    const from = job[tp + TASK_FROM];
    const to = job[tp + TASK_TO];
    const mid = from + job[tp + TASK_NLEFT];
    const lt = job[tp + TASK_LEFT_TO];
    const rt = job[tp + TASK_RIGHT_TO];
    rows.set(tmp.subarray(from, mid), lt);
    rows.set(tmp.subarray(mid, to), rt);
  }
}

/** Offsets and sizes of histogram slots for the given value bins per feature. */
export function histLayout(nb: Int32Array): { off: Int32Array; histSize: number } {
  const off = new Int32Array(nb.length);
  let s = 0;
  for (let f = 0; f < nb.length; f++) {
    off[f] = s;
    s += 2 * (nb[f] + 1);
  }
  return { off, histSize: s };
}
