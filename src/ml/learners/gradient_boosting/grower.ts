import type { Ticker } from '../../../core/abort.js';
import {
  BIT_WORDS,
  JOB_HEADER,
  JOB_NBUILD,
  JOB_NEVAL,
  JOB_NSUB,
  UNIT_COUNT,
  UNIT_EVAL,
  UNIT_IDENTITY,
  UNIT_NEVAL,
  UNIT_SLOT,
  UNIT_START,
  UNIT_STRIDE,
  UNIT_SUB_DST,
  UNIT_SUB_SRC,
  MAX_EVALS,
  OUT_BIN,
  OUT_DEFAULT_LEFT,
  OUT_FEATURE,
  OUT_GAIN,
  OUT_GL,
  OUT_HL,
  OUT_STRIDE,
  PART_COUNT,
  PART_FEATURE,
  PART_START,
  PART_STRIDE,
  PART_PIECES,
  TASK_FROM,
  TASK_NLEFT,
  TASK_NODE,
  TASK_LEFT_TO,
  TASK_RIGHT_TO,
  TASK_STRIDE,
  TASK_TO,
  EVAL_STRIDE,
  leafWeight,
  type Buffers,
  type Layout,
} from './kernels.js';
import { CMD_BUILD_EVAL, CMD_JOIN, CMD_PARTITION } from './protocol.js';
import type { Arena } from './kernels-wasm.js';
import type { Team } from './pool.js';

/** XGBoost's threshold below which a loss reduction does not count as one. */
const RT_EPS = 1e-6;
/** Most nodes split in one partition job (the job buffer holds MAX_EVALS evaluations). */
const MAX_SPLITS_PER_JOB = MAX_EVALS / 2;
/** Jobs smaller than these (some tens of microseconds) run on the calling thread alone. */
const LOCAL_PARTITION_ROWS = 1 << 12;
const LOCAL_BUILD_CELLS = 1 << 14;
/** Nodes larger than this are partitioned in pieces by several threads. */
const PIECE_MIN_ROWS = 1 << 13;

export interface GrowParams {
  maxDepth: number;
  maxLeaves: number;
  lossguide: boolean;
  gamma: number;
}

/** A node while its tree grows. */
export interface GrowNode {
  depth: number;
  start: number;
  count: number;
  G: number;
  H: number;
  lower: number;
  upper: number;
  /** Histogram slot, or -1. */
  slot: number;
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: number;
  GL: number;
  HL: number;
  bits: Int32Array | null;
  /** Index of the left child in the tree's node list, or -1 for a leaf. */
  left: number;
}

/** A histogram to build over a node's rows, one perhaps derived from it, and the nodes then searched. */
interface Unit {
  slot: number;
  start: number;
  count: number;
  identity: boolean;
  /** hist[subDst] -= hist[subSrc] once built; -1: none. */
  subDst: number;
  subSrc: number;
  evals: GrowNode[];
}

/**
 * Grows one tree on the current gradients: depth-wise (a level at a time, as XGBoost's
 * default) or loss-guided (best leaf first). Each round of work is two jobs for the team
 * (three when large nodes are partitioned in pieces): partition the rows of the nodes being
 * split (and join the pieces), then build the smaller child's histogram, derive the larger by
 * subtraction from the parent's, and search both for their best split.
 */
export class Grower {
  private freeSlots: number[] = [];
  private slotCap: number;

  constructor(
    private readonly L: Layout,
    private readonly B: Buffers,
    private readonly team: Team,
    /** Where the histograms are, when the WebAssembly kernels run (B.memory set). */
    private readonly arena: Arena | null,
    private readonly p: GrowParams,
  ) {
    this.slotCap = B.hist.length / L.histSize;
    for (let s = this.slotCap - 1; s >= 0; s--) this.freeSlots.push(s);
  }

  /**
   * The active features, in chunks of eight while eight are left, then four, two, one: a pass
   * over a node's rows serves a chunk's histograms, reading each row's index and gradients
   * once for all of them. Tasks are (unit, chunk) pairs. With several threads, narrower
   * chunks where eight would give fewer than two per thread: the top levels of a tree have
   * one or two units, which a few wide chunks leave to one thread (128,000 x 8 on two
   * threads took 0.72-0.99 of one thread's time with chunks of two, against 0.94 with one
   * chunk of eight, in alternating runs on a noisy machine). The chunks change which
   * features share a pass, not any sum, so not the model.
   */
  setFeatures(active: Int32Array): void {
    const f = this.B.feats;
    const m = active.length;
    const T = this.team.threads;
    let width = 8;
    while (T > 1 && width > 1 && Math.ceil(m / width) < 2 * T) width >>= 1;
    f[0] = m;
    f.set(active, 2);
    let at = 0;
    let c = 0;
    f[2 + m] = 0;
    while (at < m) {
      const left = m - at;
      at += left >= width ? width : left >= 4 ? 4 : left >= 2 ? 2 : 1;
      f[2 + m + ++c] = at;
    }
    f[1] = c;
  }

  private canEval(n: GrowNode): boolean {
    const { maxDepth } = this.p;
    return (maxDepth === 0 || n.depth < maxDepth) && n.H >= 2 * this.L.minChildWeight && n.count >= 2;
  }

  private valid(n: GrowNode): boolean {
    return n.feature >= 0 && n.gain > Math.max(this.p.gamma, RT_EPS);
  }

  private alloc(): number {
    const s = this.freeSlots.pop();
    if (s === undefined) throw new Error('histogram slots exhausted');
    return s;
  }

  /** Makes sure `k` more slots are free, growing the shared histogram buffer if needed. */
  private async reserve(k: number): Promise<void> {
    if (this.freeSlots.length >= k) return;
    let cap = this.slotCap;
    while (cap - (this.slotCap - this.freeSlots.length) < k) cap *= 2;
    const { histSize } = this.L;
    const old = this.B.hist;
    // In the arena while it has room (the old histograms stay there unused); past 4 GiB, in
    // a buffer of their own, and the JavaScript loops take over (memory null).
    const inArena = this.arena !== null && this.B.memory !== null && this.arena.fits(cap * histSize * 8);
    const hist = inArena
      ? this.arena!.take(Float64Array, cap * histSize)
      : new Float64Array(new SharedArrayBuffer(cap * histSize * 8));
    hist.set(old);
    for (let s = cap - 1; s >= this.slotCap; s--) this.freeSlots.unshift(s);
    this.slotCap = cap;
    await this.team.resetup(inArena ? { hist } : { hist, memory: null });
  }

  /**
   * Grows a tree over rows[0..count) (identity: rows[k] = k for all n rows, read
   * sequentially); gradients are by row in gh.
   * Returns the nodes; leaves have left = -1 and a segment of rows.
   */
  async grow(count: number, identity: boolean, ticker: Ticker): Promise<GrowNode[]> {
    const { gh, rows } = this.B;
    let G = 0;
    let H = 0;
    for (let k = 0; k < count; k++) {
      const r = identity ? k : rows[k];
      G += gh[2 * r];
      H += gh[2 * r + 1];
    }
    const root = newNode(0, 0, count, G, H, -Infinity, Infinity);
    const nodes: GrowNode[] = [root];
    if (!this.canEval(root)) return nodes;
    root.slot = this.alloc();
    await this.buildEval([
      { slot: root.slot, start: 0, count, identity, subDst: -1, subSrc: -1, evals: [root] },
    ]);

    let open: GrowNode[] = this.valid(root) ? [root] : [];
    if (!this.valid(root)) this.release(root);
    let leaves = 1;
    while (open.length) {
      await ticker.tick();
      let batch: GrowNode[];
      if (this.p.lossguide) {
        let best = 0;
        for (let i = 1; i < open.length; i++) if (open[i].gain > open[best].gain) best = i;
        batch = [open[best]];
        open.splice(best, 1);
      } else {
        batch = open.slice().sort((a, b) => b.gain - a.gain);
        open = [];
      }
      if (this.p.maxLeaves > 0 && leaves + batch.length > this.p.maxLeaves) {
        const keep = Math.max(0, this.p.maxLeaves - leaves);
        for (const n of batch.slice(keep)) this.release(n);
        batch = batch.slice(0, keep);
        for (const n of open) this.release(n);
        open = [];
      }
      if (!batch.length) break;
      for (let c = 0; c < batch.length; c += MAX_SPLITS_PER_JOB) {
        const children = await this.split(batch.slice(c, c + MAX_SPLITS_PER_JOB), nodes);
        for (const ch of children) {
          if (this.valid(ch)) open.push(ch);
          else this.release(ch);
        }
      }
      leaves += batch.length;
    }
    for (const n of open) this.release(n);
    return nodes;
  }

  private release(n: GrowNode): void {
    if (n.slot >= 0) {
      this.freeSlots.push(n.slot);
      n.slot = -1;
    }
  }

  /** Splits the given nodes: partitions their rows, then builds and searches their children. */
  private async split(batch: GrowNode[], nodes: GrowNode[]): Promise<GrowNode[]> {
    const { L, B, team } = this;
    const job = B.job;
    const T = team.threads;
    // Partition: one task per node, or per piece of a large node so that threads share it;
    // the largest tasks first.
    job[JOB_NBUILD] = batch.length;
    job[JOB_NEVAL] = batch.length * PART_STRIDE;
    let total = 0;
    for (const n of batch) total += n.count;
    const pieceRows = T > 1 ? Math.max(PIECE_MIN_ROWS, Math.ceil(total / (4 * T))) : Infinity;
    const tasks: [number, number, number][] = [];
    batch.forEach((n, i) => {
      const p = JOB_HEADER + i * PART_STRIDE;
      const pieces = n.count > pieceRows ? Math.ceil(n.count / pieceRows) : 1;
      job[p + PART_START] = n.start;
      job[p + PART_COUNT] = n.count;
      job[p + PART_FEATURE] = n.feature;
      job[p + PART_PIECES] = pieces;
      goLeftTable(n, B.jobLut, i * 256);
      for (let k = 0; k < pieces; k++)
        tasks.push([
          i,
          n.start + Math.floor((k * n.count) / pieces),
          n.start + Math.floor(((k + 1) * n.count) / pieces),
        ]);
    });
    tasks.sort((a, b) => b[2] - b[1] - (a[2] - a[1]) || a[1] - b[1]);
    job[JOB_NSUB] = tasks.length;
    const taskAt = JOB_HEADER + job[JOB_NEVAL];
    tasks.forEach(([i, from, to], k) => {
      const tp = taskAt + k * TASK_STRIDE;
      job[tp + TASK_NODE] = i;
      job[tp + TASK_FROM] = from;
      job[tp + TASK_TO] = to;
    });
    await team.run(CMD_PARTITION, total < LOCAL_PARTITION_ROWS);
    // Left counts per node; the pieces of a node are put together (lefts in order, then
    // rights) by a join job, where each piece learns here where its rows go.
    const nLefts = new Array<number>(batch.length).fill(0);
    tasks.forEach(([i], k) => (nLefts[i] += job[taskAt + k * TASK_STRIDE + TASK_NLEFT]));
    const leftAt = batch.map((n) => n.start);
    const rightAt = batch.map((n, i) => n.start + nLefts[i]);
    const pieces = tasks
      .map((task, k) => [task, k] as const)
      .filter(([[i]]) => job[JOB_HEADER + i * PART_STRIDE + PART_PIECES] > 1)
      .sort((a, b) => a[0][1] - b[0][1]);
    for (const [[i, from, to], k] of pieces) {
      const tp = taskAt + k * TASK_STRIDE;
      const nl = job[tp + TASK_NLEFT];
      job[tp + TASK_LEFT_TO] = leftAt[i];
      job[tp + TASK_RIGHT_TO] = rightAt[i];
      leftAt[i] += nl;
      rightAt[i] += to - from - nl;
    }
    if (pieces.length) await team.run(CMD_JOIN);

    // Children, and which of them need a histogram.
    const children: GrowNode[] = [];
    const units: Unit[] = [];
    const temps: number[] = [];
    let need = 0;
    const pairs: [GrowNode, GrowNode, GrowNode][] = [];
    batch.forEach((n, i) => {
      const nLeft = nLefts[i];
      let { lower: ll, upper: lu } = n;
      let { lower: rl, upper: ru } = n;
      const mono = L.mono[n.feature];
      if (mono !== 0) {
        const wl = leafWeight(L, n.GL, n.HL, n.lower, n.upper);
        const wr = leafWeight(L, n.G - n.GL, n.H - n.HL, n.lower, n.upper);
        const mid = (wl + wr) / 2;
        if (mono > 0) {
          lu = mid;
          rl = mid;
        } else {
          ll = mid;
          ru = mid;
        }
      }
      const l = newNode(n.depth + 1, n.start, nLeft, n.GL, n.HL, ll, lu);
      const r = newNode(n.depth + 1, n.start + nLeft, n.count - nLeft, n.G - n.GL, n.H - n.HL, rl, ru);
      n.left = nodes.length;
      nodes.push(l, r);
      children.push(l, r);
      pairs.push([n, l, r]);
      const nl = this.canEval(l);
      const nr = this.canEval(r);
      if (nl && nr) need++;
      else if (nl || nr) {
        const x = nl ? l : r;
        const y = nl ? r : l;
        if (x.count > y.count) need++;
      }
    });
    await this.reserve(need);
    for (const [n, l, r] of pairs) {
      const nl = this.canEval(l);
      const nr = this.canEval(r);
      if (nl && nr) {
        // The smaller child is built, the larger is its parent minus it.
        const small = l.count <= r.count ? l : r;
        const large = small === l ? r : l;
        const s = this.alloc();
        units.push({
          slot: s,
          start: small.start,
          count: small.count,
          identity: false,
          subDst: n.slot,
          subSrc: s,
          evals: [l, r],
        });
        small.slot = s;
        large.slot = n.slot;
      } else if (nl || nr) {
        const x = nl ? l : r;
        const y = nl ? r : l;
        if (x.count <= y.count)
          units.push({
            slot: n.slot,
            start: x.start,
            count: x.count,
            identity: false,
            subDst: -1,
            subSrc: -1,
            evals: [x],
          });
        else {
          const tmp = this.alloc();
          temps.push(tmp);
          units.push({
            slot: tmp,
            start: y.start,
            count: y.count,
            identity: false,
            subDst: n.slot,
            subSrc: tmp,
            evals: [x],
          });
        }
        x.slot = n.slot;
      } else this.freeSlots.push(n.slot);
      n.slot = -1;
    }
    if (units.length) await this.buildEval(units);
    for (const s of temps) this.freeSlots.push(s);
    return children;
  }

  /** One build/subtract/evaluate job; the evaluated nodes get their best split. */
  private async buildEval(units: Unit[]): Promise<void> {
    const { B, team } = this;
    const job = B.job;
    const jf = B.jobF;
    // Largest first, so that the last tasks claimed are small ones.
    units.sort((a, b) => b.count - a.count);
    const evals: GrowNode[] = [];
    job[JOB_NBUILD] = units.length;
    units.forEach((u, i) => {
      const p = JOB_HEADER + i * UNIT_STRIDE;
      job[p + UNIT_SLOT] = u.slot;
      job[p + UNIT_START] = u.start;
      job[p + UNIT_COUNT] = u.count;
      job[p + UNIT_IDENTITY] = u.identity ? 1 : 0;
      job[p + UNIT_SUB_DST] = u.subDst;
      job[p + UNIT_SUB_SRC] = u.subSrc;
      job[p + UNIT_EVAL] = evals.length;
      job[p + UNIT_NEVAL] = u.evals.length;
      evals.push(...u.evals);
    });
    job[JOB_NEVAL] = evals.length;
    let p = JOB_HEADER + units.length * UNIT_STRIDE;
    evals.forEach((n, e) => {
      job[p++] = n.slot;
      jf[EVAL_STRIDE * e] = n.G;
      jf[EVAL_STRIDE * e + 1] = n.H;
      jf[EVAL_STRIDE * e + 2] = n.lower;
      jf[EVAL_STRIDE * e + 3] = n.upper;
      jf[EVAL_STRIDE * e + 4] = n.count;
    });
    // Work: a histogram cell per row and feature built, a bin per feature searched.
    let work = evals.length * 256;
    for (const u of units) work += u.count;
    const ran = await team.run(CMD_BUILD_EVAL, work * this.B.feats[0] < LOCAL_BUILD_CELLS);
    const out = B.out;
    evals.forEach((n, e) => {
      let best = -1;
      for (let t = 0; t < ran; t++) {
        const q = (t * MAX_EVALS + e) * OUT_STRIDE;
        if (out[q + OUT_FEATURE] < 0) continue;
        // Higher gain, then the lower feature: the same choice however the chunks fell.
        if (
          best < 0 ||
          out[q + OUT_GAIN] > out[best + OUT_GAIN] ||
          (out[q + OUT_GAIN] === out[best + OUT_GAIN] && out[q + OUT_FEATURE] < out[best + OUT_FEATURE])
        )
          best = q;
      }
      if (best < 0) return;
      n.gain = out[best + OUT_GAIN];
      n.feature = out[best + OUT_FEATURE];
      n.bin = out[best + OUT_BIN];
      n.defaultLeft = out[best + OUT_DEFAULT_LEFT];
      n.GL = out[best + OUT_GL];
      n.HL = out[best + OUT_HL];
      if (this.L.isCat[n.feature]) {
        const at = (best / OUT_STRIDE) * BIT_WORDS;
        n.bits = B.outBits.slice(at, at + BIT_WORDS);
      }
    });
  }
}

/** Which bins of the split feature go left, as 256 bytes (missing values are bin 0). */
export function goLeftTable(n: GrowNode, lut: Uint8Array, at: number): void {
  if (n.bits) {
    for (let b = 0; b < 256; b++) lut[at + b] = (n.bits[b >> 5] >>> (b & 31)) & 1;
  } else {
    lut[at] = n.defaultLeft ? 1 : 0;
    for (let b = 1; b < 256; b++) lut[at + b] = b <= n.bin ? 1 : 0;
  }
}

function newNode(
  depth: number,
  start: number,
  count: number,
  G: number,
  H: number,
  lower: number,
  upper: number,
): GrowNode {
  return {
    depth,
    start,
    count,
    G,
    H,
    lower,
    upper,
    slot: -1,
    gain: -Infinity,
    feature: -1,
    bin: 0,
    defaultLeft: 0,
    GL: 0,
    HL: 0,
    bits: null,
    left: -1,
  };
}
