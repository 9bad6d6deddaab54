import type { Frame, Target, Task } from '../frame.js';
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
