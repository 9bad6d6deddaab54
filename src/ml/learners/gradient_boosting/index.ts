/**
 * gradient_boosting: histogram gradient boosted trees, with XGBoost's parameter names and
 * defaults. Takes raw frames: numeric columns with NaN for missing and categorical columns
 * as strings, both handled natively (learned default direction; category partitions).
 */
import { badRequest } from '../../../core/errors.js';
import type { Frame, Target, Task } from '../../frame.js';
import type { FitContext, Learner, LearnerSpec, SerializedLearner } from '../contract.js';
import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import type { ParamSchema, Params } from '../params.js';
import type { ColumnBins } from './binning.js';
import {
  defaultThreads,
  train,
  type BoostParams,
  type FitExtras,
  type Resume,
  type Trained,
} from './booster.js';
import { Forest, marginsOf } from './forest.js';
import {
  CLASSIFICATION_OBJECTIVES,
  REGRESSION_OBJECTIVES,
  resolveObjective,
  type ObjectiveName,
  type ObjectiveSpec,
} from './objectives.js';

export const gradientBoostingParams: ParamSchema = {
  n_estimators: {
    type: 'integer',
    default: 100,
    min: 1,
    max: 100000,
    scale: 'log',
    description: 'Boosting rounds (trees per output).',
  },
  max_depth: {
    type: 'integer',
    default: 6,
    min: 0,
    max: 30,
    description: 'Deepest a tree grows; 0 means no limit (lossguide with max_leaves only).',
  },
  max_leaves: {
    type: 'integer',
    default: 0,
    min: 0,
    max: 1 << 16,
    description: 'Most leaves per tree; 0 means no limit.',
  },
  learning_rate: {
    type: 'number',
    default: 0.3,
    min: 0,
    exclusiveMin: true,
    max: 1,
    scale: 'log',
    description: 'Shrinkage applied to every tree (eta).',
  },
  max_bin: {
    type: 'integer',
    default: 256,
    min: 2,
    max: 256,
    description: 'Histogram bins per feature (bin 0 holds missing values, so at most 255 hold values).',
  },
  min_child_weight: {
    type: 'number',
    default: 1,
    min: 0,
    scale: 'linear',
    description: 'Least hessian sum a child may have.',
  },
  reg_lambda: { type: 'number', default: 1, min: 0, description: 'L2 regularization of leaf weights.' },
  reg_alpha: { type: 'number', default: 0, min: 0, description: 'L1 regularization of leaf weights.' },
  gamma: {
    type: 'number',
    default: 0,
    min: 0,
    description: 'Least loss reduction a split must bring (min_split_loss).',
  },
  subsample: {
    type: 'number',
    default: 1,
    min: 0,
    exclusiveMin: true,
    max: 1,
    description: 'Share of rows sampled for each tree.',
  },
  colsample_bytree: {
    type: 'number',
    default: 1,
    min: 0,
    exclusiveMin: true,
    max: 1,
    description: 'Share of columns sampled for each tree.',
  },
  scale_pos_weight: {
    type: 'number',
    default: 1,
    min: 0,
    exclusiveMin: true,
    description: 'Weight of the positive class (binary), e.g. negatives / positives.',
  },
  class_weight: {
    type: 'string',
    default: 'none',
    choices: ['none', 'balanced'],
    description: "Class weights: 'balanced' weighs each class inversely to its frequency.",
  },
  early_stopping_rounds: {
    type: 'integer',
    default: null,
    min: 1,
    nullable: true,
    description:
      'Stop when the validation metric has not improved for this many rounds; the best round is kept.',
  },
  monotone_constraints: {
    type: 'numbers',
    default: [],
    description: 'Per column (in frame order): 1 increasing, -1 decreasing, 0 free.',
  },
  objective: {
    type: 'string',
    default: 'auto',
    choices: ['auto', ...REGRESSION_OBJECTIVES, ...CLASSIFICATION_OBJECTIVES],
    description: 'Loss; auto is reg:squarederror, binary:logistic or multi:softprob by task.',
  },
  max_cat_to_onehot: {
    type: 'integer',
    default: 4,
    min: 1,
    max: 256,
    description:
      'Categorical columns with at most this many categories in a node split one category against the rest; more, and the split is a partition of categories ordered by gradient statistics.',
  },
  cat_smooth: {
    type: 'number',
    default: 10,
    min: 0,
    description:
      "Added to each category's hessian when ordering categories for a partition split (LightGBM's cat_smooth).",
  },
  cat_l2: {
    type: 'number',
    default: 10,
    min: 0,
    description: "Extra L2 regularization in the gain of categorical partition splits (LightGBM's cat_l2).",
  },
  min_data_per_group: {
    type: 'number',
    default: 100,
    min: 0,
    description:
      "Rows (estimated from the hessian) that each group of categories added to a partition split's left side, and its right side, must hold (LightGBM's min_data_per_group).",
  },
  max_cat_threshold: {
    type: 'integer',
    default: 64,
    min: 1,
    max: 256,
    description: "Most categories on the left side of a partition split (XGBoost's max_cat_threshold).",
  },
  base_score: {
    type: 'number',
    default: 0.5,
    nullable: true,
    description:
      "Starting prediction, XGBoost 1.7's 0.5 (a probability for binary:logistic); null estimates it from the targets (mean, median or class prior). reg:absoluteerror and reg:pseudohubererror, whose gradients are bounded, estimate it (the median) when it is left at 0.5.",
  },
  grow_policy: {
    type: 'string',
    default: 'depthwise',
    choices: ['depthwise', 'lossguide'],
    description: 'Grow level by level, or best leaf first.',
  },
  max_delta_step: {
    type: 'number',
    default: 0,
    min: 0,
    description:
      'Cap on each leaf weight, 0 for none (count:poisson then uses 0.7 for its hessian, as XGBoost does).',
  },
  huber_slope: {
    type: 'number',
    default: 1,
    min: 0,
    exclusiveMin: true,
    description: 'Delta of reg:pseudohubererror.',
  },
  n_jobs: {
    type: 'integer',
    default: null,
    min: 1,
    max: 64,
    nullable: true,
    description: 'Threads for training and for large predictions (default: the cores available, at most 8).',
  },
};

function boostParams(p: Params): BoostParams {
  return {
    nEstimators: p.n_estimators as number,
    maxDepth: p.max_depth as number,
    maxLeaves: p.max_leaves as number,
    learningRate: p.learning_rate as number,
    maxBin: p.max_bin as number,
    minChildWeight: p.min_child_weight as number,
    lambda: p.reg_lambda as number,
    alpha: p.reg_alpha as number,
    gamma: p.gamma as number,
    subsample: p.subsample as number,
    colsampleByTree: p.colsample_bytree as number,
    scalePosWeight: p.scale_pos_weight as number,
    earlyStoppingRounds: p.early_stopping_rounds as number | null,
    monotone: p.monotone_constraints as number[],
    lossguide: p.grow_policy === 'lossguide',
    maxDeltaStep: p.max_delta_step as number,
    baseScore: p.base_score as number | null,
    classWeight: p.class_weight as 'none' | 'balanced',
    maxCatToOnehot: p.max_cat_to_onehot as number,
    catSmooth: p.cat_smooth as number,
    catL2: p.cat_l2 as number,
    minDataPerGroup: p.min_data_per_group as number,
    maxCatThreshold: p.max_cat_threshold as number,
    threads: (p.n_jobs as number | null) ?? defaultThreads(),
  };
}

function checkParams(task: Task, p: Params): void {
  resolveObjective(p.objective as string, task, 2);
  const mc = p.monotone_constraints as number[];
  if (mc.some((m) => m !== -1 && m !== 0 && m !== 1))
    throw badRequest(
      'invalid_parameter',
      'gradient_boosting: monotone_constraints takes -1, 0 or 1 per column',
    );
  if ((p.max_depth as number) === 0 && !((p.max_leaves as number) > 0 && p.grow_policy === 'lossguide'))
    throw badRequest(
      'invalid_parameter',
      'gradient_boosting: max_depth=0 (no limit) needs grow_policy=lossguide and max_leaves > 0',
    );
}

interface State {
  objective: ObjectiveName;
  classes: string[] | null;
  base: number[];
  columns: (
    | { name: string; kind: 'numeric'; cuts: EncodedArray }
    | { name: string; kind: 'categorical'; categories: string[] }
  )[];
  forest: ReturnType<Forest['toJSON']>;
  rounds: number;
  bestIteration: number | null;
  bestScore: number | null;
}

export class GradientBoosting implements Learner {
  readonly algorithm = 'gradient_boosting';
  private model: {
    objective: ObjectiveName;
    classes: string[] | null;
    bins: ColumnBins[];
    forest: Forest;
    base: Float64Array;
    rounds: number;
    bestIteration: number | null;
    bestScore: number | null;
  } | null = null;

  /** Classification only (absent for regression, as the contract asks). */
  readonly predictProba?: (X: Frame) => Float64Array;

  constructor(
    readonly task: Task,
    readonly params: Params,
  ) {
    checkParams(task, params);
    if (task === 'classification') this.predictProba = (X) => this.probabilities(X);
  }

  async fit(X: Frame, y: Target, ctx: FitContext & FitExtras): Promise<void> {
    if (y.task !== this.task)
      throw badRequest('invalid_target', `a ${this.task} learner got a ${y.task} target`);
    const nClasses = y.task === 'classification' ? y.classes.length : 0;
    if (y.task === 'classification' && nClasses < 2)
      throw badRequest('invalid_target', 'classification needs at least two classes');
    const name = resolveObjective(this.params.objective as string, this.task, nClasses);
    if (name === 'binary:logistic' && nClasses > 2)
      throw badRequest(
        'invalid_parameter',
        `binary:logistic needs two classes, the target has ${nClasses}; use multi:softprob`,
      );
    const p = boostParams(this.params);
    const spec: ObjectiveSpec = {
      name,
      nClasses,
      options: {
        huberSlope: this.params.huber_slope as number,
        poissonMaxDelta:
          (this.params.max_delta_step as number) > 0 ? (this.params.max_delta_step as number) : 0.7,
      },
    };
    let resume: Resume | null = null;
    if (ctx.initModel) {
      if (ctx.initModel.algorithm !== this.algorithm || ctx.initModel.task !== this.task)
        throw badRequest(
          'invalid_init_model',
          `the model to continue is ${ctx.initModel.algorithm} (${ctx.initModel.task}), not ${this.algorithm} (${this.task})`,
        );
      const init = GradientBoosting.fromJSON(ctx.initModel).fitted();
      if (init.objective !== name)
        throw badRequest(
          'invalid_init_model',
          `the model to continue minimizes ${init.objective}, not ${name}`,
        );
      resume = { bins: init.bins, forest: init.forest, base: init.base, rounds: init.rounds };
    }
    const onCheckpoint = ctx.onCheckpoint;
    const classes = y.task === 'classification' ? y.classes.slice() : null;
    const checkpoint = onCheckpoint
      ? (t: Trained) => {
          const snap = new GradientBoosting(this.task, this.params);
          snap.model = { objective: name, classes, ...t };
          onCheckpoint(snap.toJSON(), t.rounds);
        }
      : undefined;
    const t = await train(X, y, ctx, p, spec, resume, checkpoint);
    this.model = {
      objective: name,
      classes: y.task === 'classification' ? y.classes.slice() : null,
      bins: t.bins,
      forest: t.forest,
      base: t.base,
      rounds: t.rounds,
      bestIteration: t.bestIteration,
      bestScore: t.bestScore,
    };
  }

  private fitted() {
    if (!this.model) throw badRequest('not_fitted', 'gradient_boosting: fit the model before predicting');
    return this.model;
  }

  /** Raw margins, n x K row-major (K = classes for softmax, else 1). */
  margins(X: Frame): Float64Array {
    const m = this.fitted();
    return marginsOf(X, m.bins, m.forest, m.base, (this.params.n_jobs as number | null) ?? defaultThreads());
  }

  predict(X: Frame): Float64Array {
    const m = this.fitted();
    const F = this.margins(X);
    if (this.task === 'regression') {
      if (m.objective === 'count:poisson') for (let i = 0; i < F.length; i++) F[i] = Math.exp(F[i]);
      return F;
    }
    const P = this.probabilities(X, F);
    const K = m.classes!.length;
    const n = X.nRows;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (P[i * K + k] > P[i * K + best]) best = k;
      out[i] = best;
    }
    return out;
  }

  /** Class probabilities, n x classes row-major. */
  probabilities(X: Frame, margins?: Float64Array): Float64Array {
    const m = this.fitted();
    if (this.task !== 'classification')
      throw badRequest('not_classifier', 'predictProba is for classification');
    const F = margins ?? this.margins(X);
    const n = X.nRows;
    if (m.forest.K === 1) {
      const P = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        const p = 1 / (1 + Math.exp(-F[i]));
        P[2 * i] = 1 - p;
        P[2 * i + 1] = p;
      }
      return P;
    }
    const K = m.forest.K;
    const P = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      const o = i * K;
      let mx = -Infinity;
      for (let k = 0; k < K; k++) if (F[o + k] > mx) mx = F[o + k];
      let z = 0;
      for (let k = 0; k < K; k++) z += P[o + k] = Math.exp(F[o + k] - mx);
      for (let k = 0; k < K; k++) P[o + k] /= z;
    }
    return P;
  }

  /**
   * Importance per input column: 'gain' (mean loss reduction of its splits, XGBoost's
   * default), 'total_gain', 'weight' (number of splits) or 'cover' (mean hessian covered).
   */
  importance(kind: 'gain' | 'total_gain' | 'weight' | 'cover' = 'total_gain'): {
    names: string[];
    values: number[];
  } {
    const m = this.fitted();
    const d = m.bins.length;
    const gain = new Float64Array(d);
    const count = new Float64Array(d);
    const cover = new Float64Array(d);
    const f = m.forest;
    for (let i = 0; i < f.feature.length; i++) {
      const j = f.feature[i];
      if (j < 0) continue;
      gain[j] += f.gain[i];
      count[j]++;
      cover[j] += f.cover[i];
    }
    const values = Array.from({ length: d }, (_, j) => {
      if (kind === 'weight') return count[j];
      if (kind === 'total_gain') return gain[j];
      if (kind === 'cover') return count[j] ? cover[j] / count[j] : 0;
      return count[j] ? gain[j] / count[j] : 0;
    });
    return { names: m.bins.map((b) => b.name), values };
  }

  /** Total gain per column, normalized to sum to one. */
  featureImportance(): { names: string[]; values: number[] } | null {
    if (!this.model) return null;
    const imp = this.importance('total_gain');
    const s = imp.values.reduce((a, b) => a + b, 0);
    return { names: imp.names, values: imp.values.map((v) => (s > 0 ? v / s : 0)) };
  }

  /** Rounds kept, and the best round under early stopping. */
  get info(): {
    rounds: number;
    trees: number;
    bestIteration: number | null;
    bestScore: number | null;
    objective: ObjectiveName;
  } {
    const m = this.fitted();
    return {
      rounds: m.rounds,
      trees: m.forest.nTrees,
      bestIteration: m.bestIteration,
      bestScore: m.bestScore,
      objective: m.objective,
    };
  }

  toJSON(): SerializedLearner {
    const m = this.fitted();
    const state: State = {
      objective: m.objective,
      classes: m.classes,
      base: Array.from(m.base),
      columns: m.bins.map((b) =>
        b.kind === 'numeric'
          ? { name: b.name, kind: 'numeric', cuts: encodeArray(b.cuts) }
          : { name: b.name, kind: 'categorical', categories: b.categories },
      ),
      forest: m.forest.toJSON(),
      rounds: m.rounds,
      bestIteration: m.bestIteration,
      bestScore: m.bestScore,
    };
    return { algorithm: this.algorithm, task: this.task, params: this.params, state };
  }

  static fromJSON(s: SerializedLearner): GradientBoosting {
    const g = new GradientBoosting(s.task, s.params);
    const st = s.state as State;
    g.model = {
      objective: st.objective,
      classes: st.classes,
      bins: st.columns.map((c) =>
        c.kind === 'numeric'
          ? { name: c.name, kind: 'numeric', cuts: decodeArray(c.cuts) }
          : { name: c.name, kind: 'categorical', categories: c.categories },
      ),
      forest: Forest.fromJSON(st.forest as unknown as Record<string, unknown>),
      base: Float64Array.from(st.base),
      rounds: st.rounds,
      bestIteration: st.bestIteration,
      bestScore: st.bestScore,
    };
    return g;
  }
}

export const gradientBoosting: LearnerSpec = {
  name: 'gradient_boosting',
  tasks: ['regression', 'classification'],
  description:
    'Histogram gradient boosted trees (XGBoost-style): native missing values and categories, depth-wise or leaf-wise growth, early stopping, monotone constraints.',
  params: gradientBoostingParams,
  input: { impute: false, scale: false, oneHot: false },
  create: (task, params) => new GradientBoosting(task, params),
  fromJSON: (s) => GradientBoosting.fromJSON(s),
};
