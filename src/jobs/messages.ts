/**
 * The messages between the job runner and a worker process (over the IPC channel).
 * Workers never touch the metadata store: they read inputs from paths, write outputs to
 * paths, and report through these messages, so the same worker serves any store backend.
 */
import type { FitProgress } from '../ml/learners/contract.js';

export interface TrainSpec {
  dataset: { name: string; version: number };
  testDataset: { name: string; version: number } | null;
  target: string;
  algorithm: string;
  params: Record<string, unknown>;
  seed: number;
  testFraction: number;
  validationFraction: number;
  model: string;
  /** The user's preprocessing spec (ml/prep/spec.ts); absent or null for the defaults. */
  preprocessing?: Record<string, unknown> | null;
}

export type ToWorker =
  | {
      type: 'run';
      jobId: string;
      spec: TrainSpec;
      dataPath: string;
      testDataPath: string | null;
      outPath: string;
    }
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

export type FromWorker =
  | { type: 'progress'; progress: FitProgress }
  | { type: 'log'; line: string }
  | { type: 'done'; outcome: TrainOutcome }
  | { type: 'failed'; error: string; code: string }
  | { type: 'cancelled' };
