import { availableParallelism } from 'node:os';
import { Ticker } from '../../../core/abort.js';
import { badRequest } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import type { Frame, Target } from '../../frame.js';
import type { FitContext, SerializedLearner } from '../contract.js';
import { binFrame, fitBins, valueBins, type ColumnBins } from './binning.js';
import { FLAG_CATEGORICAL, FLAG_DEFAULT_LEFT, ForestBuilder, marginsOf, type Forest } from './forest.js';
import { Grower } from './grower.js';
import type { ViewClass } from '../kit/wasm.js';
import { Arena, CAT_SCRATCH } from './kernels-wasm.js';
import {
  BIT_WORDS,
  GRAD_K,
  JOB_INTS,
  MAX_EVALS,
  OUT_STRIDE,
  histLayout,
  EVAL_STRIDE,
  leafWeight,
  type Buffers,
  type Layout,
} from './kernels.js';
import { CMD_GRADIENTS } from './protocol.js';
import { makeObjective, softmax, type Objective, type ObjectiveSpec } from './objectives.js';
import { Team, binOnWorker } from './pool.js';

export interface BoostParams {
  nEstimators: number;
  maxDepth: number;
  maxLeaves: number;
  learningRate: number;
  maxBin: number;
  minChildWeight: number;
  lambda: number;
  alpha: number;
  gamma: number;
  subsample: number;
  colsampleByTree: number;
  scalePosWeight: number;
  earlyStoppingRounds: number | null;
  monotone: number[];
  lossguide: boolean;
  maxDeltaStep: number;
  baseScore: number | null;
  classWeight: 'none' | 'balanced';
  maxCatToOnehot: number;
  catSmooth: number;
  catL2: number;
  minDataPerGroup: number;
  maxCatThreshold: number;
  threads: number;
}

/**
 * Below this many cells (rows x features) one thread beats the cost of coordinating two: two
 * threads synchronise about twenty times a tree. Warm fits, one thread against two
 * alternating in one process: 16,512 x 8 (california_housing's shape) 0.91-1.0 of one
 * thread's time, and the second fit of a process, with a cold worker, 0.25-0.3 s slower;
 * 40,000 x 13 0.77-0.83.
 */
export const PARALLEL_MIN_CELLS = 1 << 18;

/**
 * From this many cells a fit waits for worker threads it has to start (their first jobs run
 * cold, yet they still shorten a long fit); below, it goes on with the idle ones and the rest
 * start in the background for the next fits. The first fit in a fresh process, two threads
 * against one (a command-line run): 40,000 x 25 (1M cells) 1.08-1.25 s waiting, 0.80 s
 * alone; 80,000 x 30 (2.4M) 1.27-1.32 s, 1.24-1.27 s; the generated 160,000 x 30 table
 * (4.8M) 2.23 s, 2.84 s. Warm, two threads took 0.7 of one's time on the last two.
 */
const WAIT_FOR_WORKERS_CELLS = 1 << 21;

export interface FitExtras {
  /** Per-row weights (e.g. exposure, or costs), multiplied with class weights. */
  sampleWeight?: Float64Array;
  /**
   * A model saved by onCheckpoint (or any gradient_boosting model of the same columns and
   * task): boosting goes on from its rounds up to n_estimators, with its bins and base score.
   */
  initModel?: SerializedLearner;
  /** Called every checkpointEvery rounds (default 10) with the model so far, to save it. */
  onCheckpoint?: (model: SerializedLearner, rounds: number) => void;
  checkpointEvery?: number;
}

/** What train needs of a model to go on boosting from it. */
export interface Resume {
  bins: ColumnBins[];
  forest: Forest;
  base: Float64Array;
  rounds: number;
}

export interface Trained {
  bins: ColumnBins[];
  forest: Forest;
  base: Float64Array;
  /** Rounds kept (the best round + 1 under early stopping). */
  rounds: number;
  bestIteration: number | null;
  bestScore: number | null;
}

export function defaultThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

function labelsOf(y: Target): Float64Array {
  if (y.task === 'regression') {
    for (let i = 0; i < y.values.length; i++)
      if (!Number.isFinite(y.values[i]))
        throw badRequest('invalid_target', `target value at row ${i} is not a finite number`);
    return y.values;
  }
  return Float64Array.from(y.labels);
}

function weightsOf(
  y: Target,
  p: BoostParams,
  objective: Objective,
  extra?: Float64Array,
): Float64Array | null {
  const n = y.task === 'regression' ? y.values.length : y.labels.length;
  let w: Float64Array | null = extra ? Float64Array.from(extra) : null;
  if (w && w.length !== n) throw badRequest('invalid_weights', `${w.length} sample weights for ${n} rows`);
  if (w)
    for (let i = 0; i < n; i++)
      if (!(w[i] >= 0)) throw badRequest('invalid_weights', `sample weight at row ${i} is not >= 0`);
  if (y.task === 'classification') {
    const K = y.classes.length;
    const cw = new Float64Array(K).fill(1);
    if (p.classWeight === 'balanced') {
      const counts = new Float64Array(K);
      for (let i = 0; i < n; i++) counts[y.labels[i]]++;
      for (let k = 0; k < K; k++) cw[k] = counts[k] > 0 ? n / (K * counts[k]) : 1;
    }
    if (objective.name === 'binary:logistic') cw[1] *= p.scalePosWeight;
    if (cw.some((c) => c !== 1)) {
      w ??= new Float64Array(n).fill(1);
      for (let i = 0; i < n; i++) w[i] *= cw[y.labels[i]];
    }
  }
  return w;
}

/** A zeroed typed array of n elements (at least one) on shared memory, for the worker threads. */
function sharedArray<T>(C: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T {
  return new C(new SharedArrayBuffer(Math.max(1, n) * C.BYTES_PER_ELEMENT));
}

/** A Bernoulli sample of rows, ascending, into rows; at least one. Returns the count. */
function sampleInto(rows: Int32Array, n: number, rate: number, rng: Rng): number {
  let m = 0;
  for (let r = 0; r < n; r++) if (rng.next() < rate) rows[m++] = r;
  if (m === 0) rows[m++] = rng.int(n);
  return m;
}

function resetRows(rows: Int32Array, n: number): void {
  for (let r = 0; r < n; r++) rows[r] = r;
}

/** F[rows[q]*K + k] += v for the rows of one leaf. */
function addToRows(
  F: Float64Array,
  rows: Int32Array,
  start: number,
  count: number,
  K: number,
  k: number,
  v: number,
): void {
  const end = start + count;
  if (K === 1) for (let q = start; q < end; q++) F[rows[q]] += v;
  else for (let q = start; q < end; q++) F[rows[q] * K + k] += v;
}

/** Histogram slots a tree can need at once under the depth and leaf limits. */
function slotLimit(p: BoostParams): number {
  const byDepth = p.maxDepth > 0 ? 2 ** Math.min(p.maxDepth - 1, 20) : Infinity;
  const byLeaves = p.maxLeaves > 0 ? p.maxLeaves + 2 : Infinity;
  return Math.max(2, Math.min(byDepth, byLeaves));
}

export async function train(
  X: Frame,
  y: Target,
  ctx: FitContext & FitExtras,
  p: BoostParams,
  spec: ObjectiveSpec,
  resume: Resume | null = null,
  checkpoint?: (t: Trained) => void,
): Promise<Trained> {
  const objective = makeObjective(spec.name, spec.nClasses, spec.options);
  const ticker = new Ticker(ctx.signal);
  ticker.throwIfAborted();
  const n = X.nRows;
  const d = X.columns.length;
  if (n === 0) throw badRequest('empty_input', 'gradient_boosting needs at least one training row');
  if (d === 0) throw badRequest('empty_input', 'gradient_boosting needs at least one feature column');
  const ny = y.task === 'regression' ? y.values.length : y.labels.length;
  if (ny !== n) throw badRequest('invalid_target', `${ny} target values for ${n} rows`);
  if (p.monotone.length !== 0 && p.monotone.length !== d)
    throw badRequest(
      'invalid_parameter',
      `monotone_constraints has ${p.monotone.length} entries for ${d} columns`,
    );
  const K = objective.K;
  const labels = labelsOf(y);
  objective.validate?.(labels);
  const weights = weightsOf(y, p, objective, ctx.sampleWeight);
  if (resume && resume.forest.K !== objective.K)
    throw badRequest(
      'invalid_init_model',
      `the model to continue has ${resume.forest.K} outputs, this fit ${objective.K}`,
    );
  const startRound = resume ? resume.rounds : 0;
  // A resumed fit draws from its own stream, the same one on every resume from that round.
  const rng = new Rng(resume ? ctx.seed + 7919 * startRound : ctx.seed);

  const threads = n * d >= PARALLEL_MIN_CELLS ? Math.max(1, p.threads) : 1;
  // The buffers the histogram kernels read, in one WebAssembly memory where it can hold them
  // (kernels-wasm.ts), sized for the eight taken below and their 16-byte alignment; the
  // histograms follow once the bins are known, and the memory grows for them.
  const arena = Arena.create(
    n * d + 16 * n + 4 * (3 + 4 * d) + 256 * MAX_EVALS + threads * CAT_SCRATCH + 8 * 16,
  );
  const kernelArray = <T>(C: ViewClass<T>, len: number) => (arena ? arena.take(C, len) : sharedArray(C, len));

  // Bins, once: bytes by column (a resumed fit keeps the model's bins).
  const binMatrix = kernelArray(Uint8Array, n * d);
  const gh = kernelArray(Float32Array, 2 * n);
  const rowBuffer = kernelArray(Int32Array, n);
  const tmp = kernelArray(Int32Array, n);
  const feats = kernelArray(Int32Array, 3 + 2 * d);
  const tab = kernelArray(Int32Array, 2 * d);
  const jobLut = kernelArray(Uint8Array, MAX_EVALS * 256);
  const catScratch = kernelArray(Uint8Array, threads * CAT_SCRATCH);
  let bins: ColumnBins[];
  if (resume) {
    bins = resume.bins;
    if (bins.length !== d || bins.some((b, j) => b.name !== X.columns[j].name))
      throw badRequest('invalid_init_model', 'the model to continue was trained on other columns');
    binFrame(X, bins, binMatrix);
  } else
    bins = await fitBins(X, p.maxBin, rng, binMatrix, (cols, sketch) =>
      // Half the numeric columns on an idle worker, when the fit may use two threads.
      p.threads > 1 && n * d >= PARALLEL_MIN_CELLS
        ? binOnWorker(
            cols.map((j) => X.columns[j].values as Float64Array),
            cols,
            p.maxBin,
            sketch,
            binMatrix,
            n,
          )
        : null,
    );
  const nb = Int32Array.from(bins.map(valueBins));
  const { off, histSize } = histLayout(nb);
  const isCat = Uint8Array.from(bins.map((b) => (b.kind === 'categorical' ? 1 : 0)));
  const mono = new Int8Array(d);
  p.monotone.forEach((m, j) => {
    if (m !== 0 && isCat[j])
      throw badRequest('invalid_parameter', `monotone_constraints: column '${bins[j].name}' is categorical`);
    mono[j] = Math.sign(m);
  });
  const L: Layout = {
    n,
    d,
    nb,
    off,
    histSize,
    isCat,
    mono,
    lambda: p.lambda,
    alpha: p.alpha,
    minChildWeight: p.minChildWeight,
    maxDeltaStep: p.maxDeltaStep,
    maxCatToOnehot: p.maxCatToOnehot,
    catSmooth: p.catSmooth,
    catL2: p.catL2,
    minDataPerGroup: p.minDataPerGroup,
    maxCatThreshold: p.maxCatThreshold,
    objective: spec,
  };
  const limit = slotLimit(p);
  const slots = Math.min(limit, 16);
  const inArena = arena !== null && arena.fits(slots * histSize * 8);
  for (let f = 0; f < d; f++) {
    tab[2 * f] = off[f];
    tab[2 * f + 1] = nb[f];
  }
  const B: Buffers = {
    bins: binMatrix,
    gh,
    rows: rowBuffer,
    tmp,
    hist: inArena ? arena.take(Float64Array, slots * histSize) : sharedArray(Float64Array, slots * histSize),
    job: sharedArray(Int32Array, JOB_INTS),
    jobF: sharedArray(Float64Array, EVAL_STRIDE * MAX_EVALS),
    out: sharedArray(Float64Array, threads * MAX_EVALS * OUT_STRIDE),
    outBits: sharedArray(Int32Array, threads * MAX_EVALS * BIT_WORDS),
    feats,
    counter: sharedArray(Int32Array, 4),
    jobLut,
    F: sharedArray(Float64Array, n * K),
    labels: sharedArray(Float64Array, n),
    weights: weights ? sharedArray(Float64Array, n) : new Float64Array(0),
    P: K > 1 ? sharedArray(Float64Array, n * K) : new Float64Array(0),
    memory: inArena ? arena.memory : null,
    tab,
    catScratch,
  };
  B.labels.set(labels);
  if (weights) B.weights.set(weights);
  await ticker.tick();

  const base = new Float64Array(K);
  if (resume) base.set(resume.base);
  else if (p.baseScore === null || (p.baseScore === 0.5 && objective.estimateBase))
    base.set(objective.baseMargin(labels, weights));
  else base.fill(objective.marginOf(p.baseScore));
  const F = B.F;
  if (resume) F.set(marginsOf(X, bins, resume.forest, base));
  else for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) F[i * K + k] = base[k];
  const P = K > 1 ? B.P : null;

  const val = ctx.validation;
  let vBins: Uint8Array | null = null;
  let vF: Float64Array | null = null;
  let vLabels: Float64Array | null = null;
  let nv = 0;
  if (val && val.X.nRows > 0) {
    nv = val.X.nRows;
    vBins = binFrame(val.X, bins);
    vLabels = labelsOf(val.y);
    vF = new Float64Array(nv * K);
    if (resume) vF.set(marginsOf(val.X, bins, resume.forest, base));
    else for (let i = 0; i < nv; i++) for (let k = 0; k < K; k++) vF[i * K + k] = base[k];
  }
  const early = p.earlyStoppingRounds !== null && vF !== null;

  const team = await Team.start(threads, L, B, n * d >= WAIT_FOR_WORKERS_CELLS);
  const builder = resume ? ForestBuilder.from(resume.forest) : new ForestBuilder(K);
  let bestScore = Infinity;
  let bestRound = -1;
  let rounds = startRound;
  const every = Math.max(1, ctx.checkpointEvery ?? 10);
  try {
    const grower = new Grower(L, B, team, inArena ? arena : null, {
      maxDepth: p.maxDepth,
      maxLeaves: p.maxLeaves,
      lossguide: p.lossguide,
      gamma: p.gamma,
    });
    const rows = B.rows;
    const allFeatures = Int32Array.from({ length: d }, (_, j) => j);
    const nActive = Math.max(1, Math.floor(p.colsampleByTree * d));
    const refitScratch = objective.refitLeaf ? new Float64Array(n) : null;
    let identity = false;
    let lastReport = 0;
    for (let round = startRound; round < p.nEstimators; round++) {
      await ticker.tick();
      if (P) softmax(F, K, P);
      for (let k = 0; k < K; k++) {
        // Gradients of every row on every thread; a sampled tree reads those of its rows.
        B.job[GRAD_K] = k;
        await team.run(CMD_GRADIENTS);
        let m = n;
        if (p.subsample < 1) m = sampleInto(rows, n, p.subsample, rng);
        else if (!identity) resetRows(rows, n);
        const active = nActive < d ? rng.permutation(d).subarray(0, nActive).sort() : allFeatures;
        grower.setFeatures(active);
        const nodes = await grower.grow(m, p.subsample >= 1, ticker);
        identity = false;

        // Into the forest.
        const at = builder.alloc(nodes.length);
        builder.roots.push(at);
        for (let i = 0; i < nodes.length; i++) {
          const nd = nodes[i];
          const g = at + i;
          builder.cover[g] = nd.H;
          if (nd.left >= 0) {
            const f = nd.feature;
            builder.feature[g] = f;
            builder.left[g] = at + nd.left;
            builder.bin[g] = nd.bin;
            builder.gain[g] = nd.gain;
            let flags = nd.defaultLeft ? FLAG_DEFAULT_LEFT : 0;
            const b = bins[f];
            if (b.kind === 'categorical') {
              flags |= FLAG_CATEGORICAL;
              builder.catAt[g] = builder.addCatBits(nd.bits!);
            } else builder.threshold[g] = nd.bin > 0 ? b.cuts[nd.bin - 1] : -Infinity; // bin 0: only missing values left
            builder.flags[g] = flags;
          } else {
            let v = leafWeight(L, nd.G, nd.H, nd.lower, nd.upper);
            if (objective.refitLeaf && nd.count > 0)
              v = objective.refitLeaf(F, labels, rows, nd.start, nd.count, refitScratch!);
            builder.value[g] = p.learningRate * v;
          }
        }
        const t = builder.roots.length - 1;
        if (p.subsample < 1) builder.addBinned(t, binMatrix, n, F);
        else
          for (let i = 0; i < nodes.length; i++) {
            const nd = nodes[i];
            if (nd.left < 0) addToRows(F, rows, nd.start, nd.count, K, k, builder.value[at + i]);
          }
        if (vF) builder.addBinned(t, vBins!, nv, vF);
      }
      rounds = round + 1;

      let vLoss: number | undefined;
      if (early) {
        vLoss = objective.metricOf(vF!, vLabels!);
        if (vLoss < bestScore) {
          bestScore = vLoss;
          bestRound = round;
        }
      }
      const stop = early && round - bestRound >= p.earlyStoppingRounds!;
      const last = stop || round === p.nEstimators - 1;
      if (ctx.onProgress && (last || Date.now() - lastReport >= 200)) {
        lastReport = Date.now();
        if (vF && vLoss === undefined) vLoss = objective.metricOf(vF, vLabels!);
        ctx.onProgress({
          fraction: (round + 1) / p.nEstimators,
          epoch: round + 1,
          loss: objective.metricOf(F, labels),
          validationLoss: vLoss,
        });
      }
      if (stop) break;
      if (checkpoint && !last && (round + 1) % every === 0)
        checkpoint({ bins, forest: builder.build(), base, rounds, bestIteration: null, bestScore: null });
    }
  } finally {
    await team.close();
  }
  let forest = builder.build();
  if (early && bestRound >= 0 && bestRound + 1 < rounds) {
    forest = forest.truncate((bestRound + 1) * K);
    rounds = bestRound + 1;
  }
  return {
    bins,
    forest,
    base,
    rounds,
    bestIteration: early ? bestRound : null,
    bestScore: early ? bestScore : null,
  };
}
