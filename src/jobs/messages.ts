/**
 * The messages between the job runner and a worker process (over the IPC channel).
 * Workers never touch the metadata store: they read inputs from paths, write outputs to
 * paths, and report through these messages, so the same worker serves any store backend.
 */
import type { FitProgress } from '../ml/learners/contract.js';
import type { CvStrategy } from '../ml/cv.js';

export interface TrainSpec {
  dataset: { name: string; version: number };
  testDataset: { name: string; version: number } | null;
  /**
   * The column to predict; null for an unsupervised algorithm trained on the features alone
   * (given one, an unsupervised algorithm only scores its result against it).
   */
  target: string | null;
  algorithm: string;
  params: Record<string, unknown>;
  seed: number;
  testFraction: number;
  validationFraction: number;
  model: string;
  /** The user's preprocessing spec (ml/prep/spec.ts); absent or null for the defaults. */
  preprocessing?: Record<string, unknown> | null;
}

/** A cross-validation job: the training recipe, scored on k folds instead of one split. */
export interface CvSpec {
  dataset: { name: string; version: number };
  target: string;
  algorithm: string;
  params: Record<string, unknown>;
  seed: number;
  folds: number;
  strategy: CvStrategy;
  /** time_series: the column that orders the rows in time. */
  orderBy: string | null;
  /** time_series: rows left out between training and test. */
  gap: number;
  preprocessing: Record<string, unknown> | null;
}

export type ToWorker =
  | {
      type: 'run';
      kind: 'train';
      jobId: string;
      spec: TrainSpec;
      dataPath: string;
      testDataPath: string | null;
      outPath: string;
    }
  | { type: 'run'; kind: 'cv'; jobId: string; spec: CvSpec; dataPath: string }
  | { type: 'cancel' };

export interface TrainOutcome {
  task: string;
  metrics: Record<string, unknown>;
  validationMetrics: Record<string, unknown> | null;
  timings: { fit_s: number; evaluate_s: number; load_s: number };
  rows: { train: number; validation: number; test: number };
  /** Where the worker wrote the model document (atomically). */
  modelPath: string;
  signature: Record<string, unknown>;
}

/** A cross-validation job's progress: folds done of the total, and the last fold's headline metric. */
export interface CvProgress {
  fraction: number;
  foldsDone: number;
  foldsTotal: number;
  /** The last fold finished (1-based) and its headline metric (accuracy or r2). */
  fold?: number;
  metric?: string;
  value?: number;
}

/** What a cross-validation job stores as its result (the API's snake_case). */
export interface CvOutcome {
  task: string;
  algorithm: string;
  strategy: CvStrategy;
  /** The headline metric: accuracy (classification) or r2 (regression). */
  metric: string;
  /** Per fold, in fold order; `fold` counts from 1. */
  folds: {
    fold: number;
    rows: { train: number; test: number };
    metrics: Record<string, unknown>;
    fit_s: number;
  }[];
  mean: Record<string, number>;
  std: Record<string, number>;
  timings: { load_s: number; cv_s: number };
}

export type FromWorker =
  | { type: 'progress'; progress: FitProgress | CvProgress }
  | { type: 'log'; line: string }
  | { type: 'done'; outcome: TrainOutcome }
  | { type: 'cv_done'; outcome: CvOutcome }
  | { type: 'failed'; error: string; code: string }
  | { type: 'cancelled' };
