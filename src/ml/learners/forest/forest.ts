import { Ticker } from '../../../core/abort.js';
import { badRequest } from '../../../core/errors.js';
import { streamSeed } from '../../../core/random.js';
import type { Frame, Target, Task } from '../../frame.js';
import type { FitContext, Learner, LearnerSpec, SerializedLearner } from '../contract.js';
import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import { argmaxRows, columnMeans, fitDesign, predictRows } from '../kit/input.js';
import { idleWorkers, runOnThreads, shared, threadCount } from '../kit/workers.js';
import type { ParamSchema, Params } from '../params.js';
import { assembleBins, makeBins, type Bins, type ColumnBins } from '../tree/binning.js';
import type { GrowData, TreeArrays } from '../tree/grower.js';
import { treePassesFit } from '../tree/tree-passes.js';
import { criterionFor, growOptions, resolveMaxBins, treeParams } from '../tree/options.js';
import {
  decodeTrees,
  encodeTrees,
  normalized,
  pack,
  predictPacked,
  rowsInto,
  type EncodedTrees,
  type PackedTrees,
} from '../tree/packed.js';
import { treeGrower, type BinJob, type ForestJob } from './grow.js';

/**
 * Random forests (bootstrap rows, best split over a random subset of features) and extra
 * trees (all rows, one random threshold per candidate feature), as scikit-learn defines them.
 * Trees grow on worker threads, one per core, when the forest is big enough to pay for them.
 */
type Kind = 'random_forest' | 'extra_trees';

interface ForestState {
  names: string[];
  fill: EncodedArray;
  nClasses: number;
  trees: EncodedTrees;
  importance: EncodedArray;
}

/**
 * Work (rows x trees x features drawn per node) from which threads pay: a fresh worker costs
 * about 0.15 s of CPU to start and compile the grower, so fresh ones are worth it from about
 * half a second of work on one thread; workers kept from an earlier fit from a tenth of that.
 */
const THREAD_WORK_FRESH = 4_000_000;
const THREAD_WORK_WARM = 1_000_000;
const STEP = 200_000;

function forestParams(kind: Kind): ParamSchema {
  return {
    n_estimators: {
      type: 'integer',
      default: 100,
      min: 1,
      max: 100000,
      scale: 'log',
      description: 'number of trees',
    },
    ...treeParams('auto'),
    bootstrap: {
      type: 'boolean',
      default: kind === 'random_forest',
      description: 'grow each tree on a bootstrap sample of the rows (else on all of them)',
    },
    n_jobs: {
      type: 'integer',
      default: null,
      min: -1,
      nullable: true,
      description: 'threads to grow trees on; null or -1: every core',
    },
  };
}

export class Forest implements Learner {
  private names: string[] = [];
  private fill: Float64Array = new Float64Array(0);
  private nClasses = 0;
  private trees: PackedTrees | null = null;
  private importance: Float64Array = new Float64Array(0);
  /** Classification only (absent on regressors, so callers can test for it). */
  readonly predictProba?: (X: Frame) => Float64Array;

  constructor(
    readonly algorithm: Kind,
    readonly task: Task,
    readonly params: Params,
  ) {
    criterionFor(algorithm, params, task);
    if (task === 'classification') this.predictProba = (X) => this.raw(X).out;
  }

  async fit(X: Frame, y: Target, ctx: FitContext): Promise<void> {
    const ticker = new Ticker(ctx.signal);
    ticker.throwIfAborted();
    const D = fitDesign(this.algorithm, X, y, this.task);
    await ticker.tick();
    const nTrees = this.params.n_estimators as number;
    const threads = Math.min(threadCount(this.params.n_jobs as number | null), nTrees);
    const splitter = this.algorithm === 'extra_trees' ? 'random' : 'best';
    const opt = growOptions(this.algorithm, this.params, this.task, D.d, splitter);
    const work = D.n * nTrees * Math.min(D.d, opt.maxFeatures);
    const warm = idleWorkers(import.meta.url, 'worker') >= threads;
    const parallel = threads > 1 && work >= (warm ? THREAD_WORK_WARM : THREAD_WORK_FRESH);
    const nClasses = y.task === 'classification' ? y.classes.length : 0;
    const share = <T extends Float64Array | Int32Array>(a: T): T => (parallel ? shared(a) : a);
    const maxBins = resolveMaxBins(this.params, D.n);
    const table = share(D.data);
    const data: GrowData = {
      n: D.n,
      d: D.d,
      nClasses,
      labels: y.task === 'classification' ? share(y.labels) : undefined,
      values: y.task === 'regression' ? share(y.values) : undefined,
      bins: parallel
        ? await binOnThreads(table, D.n, D.d, maxBins, threads, ctx.signal)
        : makeBins(D.data, D.n, D.d, maxBins),
      // A bin per distinct value: extra trees compare the values themselves (GrowData.columns).
      columns:
        splitter === 'random' &&
        maxBins === null &&
        treePassesFit(D.n, D.d, nClasses, 8) &&
        !D.data.some(Number.isNaN)
          ? table
          : undefined,
    };
    ticker.throwIfAborted();
    const job: ForestJob = {
      data,
      opt,
      bootstrap: this.params.bootstrap as boolean,
    };
    const seeds = Array.from({ length: nTrees }, (_, t) => streamSeed(ctx.seed, t));
    const progress = (done: number) => ctx.onProgress?.({ fraction: done / nTrees });
    const grown = parallel
      ? await growOnThreads(job, seeds, threads, ctx.signal, progress)
      : await growHere(job, seeds, ticker, progress);
    const width = Math.max(1, nClasses);
    const imp = new Float64Array(D.d);
    for (const t of grown) {
      const v = normalized(t.importance);
      for (let j = 0; j < D.d; j++) imp[j] += v[j] / nTrees;
    }
    this.names = D.names;
    this.fill = columnMeans(D);
    this.nClasses = nClasses;
    this.trees = pack(grown, width);
    this.importance = normalized(imp);
  }

  private raw(X: Frame): { out: Float64Array; n: number } {
    if (!this.trees) throw badRequest('not_fitted', `${this.algorithm}: fit the model before predicting`);
    const trees = this.trees;
    const D = predictRows(this.algorithm, X, this.names, this.fill, (n, d) => rowsInto(trees, n, d));
    return {
      out: predictPacked(trees, D.data, D.n, D.d, this.params.n_jobs as number | null),
      n: D.n,
    };
  }

  predict(X: Frame): Float64Array {
    const { out, n } = this.raw(X);
    return this.task === 'classification' ? argmaxRows(out, n, this.nClasses) : out;
  }

  featureImportance(): { names: string[]; values: number[] } | null {
    return this.trees ? { names: this.names, values: Array.from(this.importance) } : null;
  }

  toJSON(): SerializedLearner {
    if (!this.trees) throw badRequest('not_fitted', `${this.algorithm}: fit the model before saving it`);
    const state: ForestState = {
      names: this.names,
      fill: encodeArray(this.fill),
      nClasses: this.nClasses,
      trees: encodeTrees(this.trees),
      importance: encodeArray(this.importance),
    };
    return { algorithm: this.algorithm, task: this.task, params: this.params, state };
  }

  static fromJSON(s: SerializedLearner): Forest {
    const m = new Forest(s.algorithm as Kind, s.task, s.params);
    const st = s.state as ForestState;
    m.names = st.names;
    m.fill = decodeArray(st.fill);
    m.nClasses = st.nClasses;
    m.trees = decodeTrees(st.trees);
    m.importance = decodeArray(st.importance);
    return m;
  }
}

async function growHere(
  job: ForestJob,
  seeds: number[],
  ticker: Ticker,
  progress: (done: number) => void,
): Promise<TreeArrays[]> {
  const out: TreeArrays[] = [];
  for (const seed of seeds) {
    const g = treeGrower(job, seed);
    while (!g.step(STEP)) await ticker.tick();
    out.push(g.result());
    progress(out.length);
    await ticker.tick();
  }
  return out;
}

/**
 * makeBins with the columns binned on the forest's worker threads (each sorts its columns),
 * onto shared memory: the table's 160,000 x 30 took 0.4 s on this thread alone.
 */
async function binOnThreads(
  columns: Float64Array,
  n: number,
  d: number,
  maxBins: number | null,
  threads: number,
  signal: AbortSignal | undefined,
): Promise<Bins> {
  const job: BinJob = { columns, n, maxBins };
  const tasks = Array.from({ length: d }, (_, id) => ({ id }));
  const done = await runOnThreads<{ id: number }, { id: number; bins: ColumnBins }>(
    import.meta.url,
    'worker',
    job,
    tasks,
    threads,
    signal,
  );
  return assembleBins(
    done.map((r) => r.bins),
    n,
    true,
  );
}

/** Hands trees to `threads` workers one at a time (trees differ in cost), cancelling them all on abort. */
async function growOnThreads(
  job: ForestJob,
  seeds: number[],
  threads: number,
  signal: AbortSignal | undefined,
  progress: (done: number) => void,
): Promise<TreeArrays[]> {
  const grown = await runOnThreads<{ id: number; seed: number }, { id: number; tree: TreeArrays }>(
    import.meta.url,
    'worker',
    job,
    seeds.map((seed, id) => ({ id, seed })),
    threads,
    signal,
    (_, done) => progress(done),
  );
  return grown.map((g) => g.tree);
}

function spec(kind: Kind, description: string): LearnerSpec {
  return {
    name: kind,
    tasks: ['classification', 'regression'],
    description,
    params: forestParams(kind),
    input: { impute: true, scale: false, oneHot: true },
    create: (task, params) => new Forest(kind, task, params),
    fromJSON: (s) => Forest.fromJSON(s),
  };
}

export const randomForest = spec(
  'random_forest',
  'random forest: bootstrap samples, best split over sqrt(d) random features per node (all for regression); trees on worker threads',
);
export const extraTrees = spec(
  'extra_trees',
  'extremely randomized trees: one random threshold per candidate feature, all rows per tree; trees on worker threads',
);
