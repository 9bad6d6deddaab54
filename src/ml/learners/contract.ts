import type { Frame, Target, Task, UnsupervisedTask } from '../frame.js';
import type { ParamSchema, Params } from './params.js';

/**
 * The learner contract, in the spirit of scikit-learn's estimators: hyperparameters in,
 * `fit`, `predict`, serialize. Every learner satisfies it and one conformance suite
 * (conformance.ts) checks each one.
 */
export interface FitProgress {
  /** 0..1 of the work done. */
  fraction: number;
  epoch?: number;
  loss?: number;
  validationLoss?: number;
}

export interface FitContext {
  seed: number;
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
  /** Held-out rows (already through the same preprocessing) for early stopping and live validation loss. */
  validation?: { X: Frame; y: Target };
}

/** What a learner returns from serialization: plain JSON (typed arrays inside go through encodeArray). */
export interface SerializedLearner {
  algorithm: string;
  task: Task;
  params: Params;
  state: unknown;
}

export interface Learner {
  readonly algorithm: string;
  readonly task: Task;
  readonly params: Params;
  /** May be async so that it can yield to the event loop (progress, cancellation). */
  fit(X: Frame, y: Target, ctx: FitContext): Promise<void>;
  /** Regression: the predicted values. Classification: class indices (as numbers). */
  predict(X: Frame): Float64Array;
  /** Classification only: row-major n x classes probabilities, each row summing to 1. */
  predictProba?(X: Frame): Float64Array;
  /** Importance per input column, in the frame's column order, where defined. */
  featureImportance?(): { names: string[]; values: number[] } | null;
  toJSON(): SerializedLearner;
}

/**
 * What preprocessing a learner wants before it sees the frame. Linear models want numbers,
 * scaled, complete; trees can take raw categories and missing values natively.
 */
export interface InputNeeds {
  impute: boolean;
  scale: boolean;
  oneHot: boolean;
}

export interface LearnerSpec {
  name: string;
  tasks: Task[];
  description: string;
  params: ParamSchema;
  input: InputNeeds;
  create(task: Task, params: Params): Learner;
  fromJSON(s: SerializedLearner): Learner;
}

/** An unsupervised learner's serialized form: no target, so no classes; its task is its own. */
export interface SerializedUnsupervised {
  algorithm: string;
  task: UnsupervisedTask;
  params: Params;
  state: unknown;
}

/**
 * The contract of the learners that fit without a target (k-means, isolation forest): fit on
 * the features alone, predict a label per row (a cluster index; -1 for an outlier, 1 for an
 * inlier) and score each row (the distance to its cluster's centre; the anomaly score,
 * higher for more abnormal rows).
 */
export interface UnsupervisedLearner {
  readonly algorithm: string;
  readonly task: UnsupervisedTask;
  readonly params: Params;
  fit(X: Frame, ctx: FitContext): Promise<void>;
  predict(X: Frame): Float64Array;
  score(X: Frame): Float64Array;
  toJSON(): SerializedUnsupervised;
}

export interface UnsupervisedLearnerSpec<L extends UnsupervisedLearner = UnsupervisedLearner> {
  name: string;
  /** Marks the spec apart from the supervised ones (LearnerSpec). */
  unsupervised: true;
  /** The one task it does. */
  tasks: [UnsupervisedTask];
  description: string;
  params: ParamSchema;
  input: InputNeeds;
  /** Checks the raw hyperparameters against `params` and fills the defaults. */
  create(rawParams?: Record<string, unknown>): L;
  fromJSON(s: SerializedUnsupervised): L;
}
