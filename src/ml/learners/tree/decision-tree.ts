import { Ticker } from '../../../core/abort.js';
import { badRequest } from '../../../core/errors.js';
import type { Frame, Target, Task } from '../../frame.js';
import type { FitContext, Learner, LearnerSpec, SerializedLearner } from '../contract.js';
import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import { argmaxRows, columnMeans, fitDesign, predictRows } from '../kit/input.js';
import type { Params } from '../params.js';
import { makeBins } from './binning.js';
import { TreeGrower } from './grower.js';
import { criterionFor, growOptions, resolveMaxBins, treeParams } from './options.js';
import {
  decodeTrees,
  encodeTrees,
  normalized,
  pack,
  predictPacked,
  rowsInto,
  type EncodedTrees,
  type PackedTrees,
} from './packed.js';

interface TreeState {
  names: string[];
  fill: EncodedArray;
  nClasses: number;
  trees: EncodedTrees;
  importance: EncodedArray;
}

/** Work between yields to the event loop, in row-visits: a few milliseconds, so a cancel stops it promptly on a busy machine. */
const STEP = 50_000;

export class DecisionTree implements Learner {
  readonly algorithm = 'decision_tree';
  private names: string[] = [];
  private fill: Float64Array = new Float64Array(0);
  private nClasses = 0;
  private trees: PackedTrees | null = null;
  private importance: Float64Array = new Float64Array(0);

  constructor(
    readonly task: Task,
    readonly params: Params,
  ) {
    criterionFor(this.algorithm, params, task);
    if (task === 'classification') this.predictProba = (X) => this.raw(X).out;
  }

  async fit(X: Frame, y: Target, ctx: FitContext): Promise<void> {
    const ticker = new Ticker(ctx.signal);
    ticker.throwIfAborted();
    const D = fitDesign(this.algorithm, X, y, this.task);
    await ticker.tick();
    const bins = makeBins(D.data, D.n, D.d, resolveMaxBins(this.params, D.n));
    // Binning sorts every column: give a cancel that arrived meanwhile its chance before growing.
    await ticker.tick();
    const nClasses = y.task === 'classification' ? y.classes.length : 0;
    const grower = new TreeGrower(
      {
        n: D.n,
        d: D.d,
        nClasses,
        labels: y.task === 'classification' ? y.labels : undefined,
        values: y.task === 'regression' ? y.values : undefined,
        bins,
      },
      growOptions(this.algorithm, this.params, this.task, D.d, 'best'),
      null,
      ctx.seed,
    );
    while (!grower.step(STEP)) await ticker.tick();
    const t = grower.result();
    this.names = D.names;
    this.fill = columnMeans(D);
    this.nClasses = nClasses;
    this.trees = pack([t], t.width);
    this.importance = normalized(t.importance);
    ctx.onProgress?.({ fraction: 1 });
  }

  private raw(X: Frame): { out: Float64Array; n: number } {
    if (!this.trees) throw badRequest('not_fitted', `${this.algorithm}: fit the model before predicting`);
    const trees = this.trees;
    const D = predictRows(this.algorithm, X, this.names, this.fill, (n, d) => rowsInto(trees, n, d));
    return { out: predictPacked(trees, D.data, D.n, D.d), n: D.n };
  }

  predict(X: Frame): Float64Array {
    const { out, n } = this.raw(X);
    return this.task === 'classification' ? argmaxRows(out, n, this.nClasses) : out;
  }

  /** Classification only (absent on regressors, so callers can test for it). */
  readonly predictProba?: (X: Frame) => Float64Array;

  featureImportance(): { names: string[]; values: number[] } | null {
    return this.trees ? { names: this.names, values: Array.from(this.importance) } : null;
  }

  toJSON(): SerializedLearner {
    if (!this.trees) throw badRequest('not_fitted', `${this.algorithm}: fit the model before saving it`);
    const state: TreeState = {
      names: this.names,
      fill: encodeArray(this.fill),
      nClasses: this.nClasses,
      trees: encodeTrees(this.trees),
      importance: encodeArray(this.importance),
    };
    return { algorithm: this.algorithm, task: this.task, params: this.params, state };
  }

  static fromJSON(s: SerializedLearner): DecisionTree {
    const m = new DecisionTree(s.task, s.params);
    const st = s.state as TreeState;
    m.names = st.names;
    m.fill = decodeArray(st.fill);
    m.nClasses = st.nClasses;
    m.trees = decodeTrees(st.trees);
    m.importance = decodeArray(st.importance);
    return m;
  }
}

export const decisionTree: LearnerSpec = {
  name: 'decision_tree',
  tasks: ['classification', 'regression'],
  description: 'CART decision tree (classification and regression), exact splits as scikit-learn grows them',
  params: treeParams('all'),
  input: { impute: true, scale: false, oneHot: true },
  create: (task, params) => new DecisionTree(task, params),
  fromJSON: (s) => DecisionTree.fromJSON(s),
};
