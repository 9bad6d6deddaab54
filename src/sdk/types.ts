/** The API's resources as the SDK returns them (the same snake_case JSON the REST API speaks). */
export interface ColumnInfo {
  name: string;
  type: string;
  kind: 'numeric' | 'categorical';
}

export interface Dataset {
  name: string;
  version: number;
  ref: string;
  content_hash: string;
  source_name: string | null;
  size_bytes: number;
  row_count: number;
  columns: ColumnInfo[];
  profile: Record<string, unknown>[];
  created_at: string;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobProgress {
  fraction: number;
  epoch?: number;
  loss?: number;
  validationLoss?: number;
  /** Cross-validation: folds finished of the total, and the last fold's headline metric. */
  foldsDone?: number;
  foldsTotal?: number;
  fold?: number;
  metric?: string;
  value?: number;
}

/** What a model does: the supervised tasks predict a target, the unsupervised ones take none. */
export type ModelTask = 'regression' | 'classification' | 'clustering' | 'anomaly_detection';

/** Metric name → value: confusion_matrix is a matrix, cluster_sizes a list. */
export type Metrics = Record<string, number | number[] | number[][]>;

export interface TrainResult {
  model: { name: string; version: number };
  task: ModelTask;
  metrics: Metrics;
  validation_metrics: Metrics | null;
  timings: { fit_s: number; evaluate_s: number; load_s: number };
  rows: { train: number; validation: number; test: number };
}

export type CvStrategy = 'kfold' | 'stratified' | 'time_series';

export interface CvFold {
  /** Counts from 1. */
  fold: number;
  rows: { train: number; test: number };
  metrics: Record<string, number | number[][]>;
  fit_s: number;
}

/** A cross-validation job's result. */
export interface CvResult {
  task: 'regression' | 'classification';
  algorithm: string;
  strategy: CvStrategy;
  /** The headline metric: accuracy (classification) or r2 (regression). */
  metric: string;
  folds: CvFold[];
  /** Each numeric metric's mean over the folds. */
  mean: Record<string, number>;
  /** Each numeric metric's population standard deviation (ddof 0) over the folds. */
  std: Record<string, number>;
  timings: { load_s: number; cv_s: number };
}

interface JobBase {
  id: string;
  status: JobStatus;
  spec: Record<string, unknown>;
  progress: JobProgress | null;
  error: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface TrainJob extends JobBase {
  kind: 'train';
  result: TrainResult | null;
}

export interface CvJob extends JobBase {
  kind: 'cv';
  result: CvResult | null;
}

/** A job; `kind` says what its result is. */
export type Job = TrainJob | CvJob;

export interface TrainRequest {
  dataset: string;
  /**
   * The column to predict; required for supervised algorithms. Unsupervised ones (kmeans,
   * isolation_forest) take none; given one, it only scores the result.
   */
  target?: string;
  algorithm: string;
  model: string;
  params?: Record<string, string | number | boolean | null | number[]>;
  test_dataset?: string;
  seed?: number;
  test_fraction?: number;
  validation_fraction?: number;
  /** Preprocessing steps per column type or column, e.g. {"columns": {"notes": ["tfidf"], "id": "drop"}}. */
  preprocessing?: Record<string, unknown>;
}

/** A cross-validation request: the training recipe, scored on k folds. */
export interface CvRequest {
  dataset: string;
  target: string;
  algorithm: string;
  params?: Record<string, string | number | boolean | null | number[]>;
  /** Number of folds (default 5). */
  folds?: number;
  /** Default: stratified for classification, kfold for regression. */
  strategy?: CvStrategy;
  /** time_series (required there): the numeric or date-time column that orders the rows. */
  order_by?: string;
  /** time_series: rows left out between each fold's training and test rows. */
  gap?: number;
  seed?: number;
  preprocessing?: Record<string, unknown>;
}

export interface Model {
  name: string;
  version: number;
  ref: string;
  algorithm: string;
  task: string;
  metrics: Metrics;
  lineage: Record<string, unknown>;
  signature: { features?: ColumnInfo[]; target?: string | null; task?: string; classes?: string[] | null };
  artifact: string;
  job_id: string | null;
  created_at: string;
}

export interface Deployment {
  name: string;
  model: string;
  model_name: string;
  model_version: number;
  replicas: number;
  ready_replicas: number;
  status: 'starting' | 'running' | 'failed' | 'stopped';
  error: string | null;
  url: string;
  created_at: string;
}

export interface PredictResponse {
  /** Values, classes, cluster indices, or -1 (anomaly) / 1 (normal). */
  predictions: (number | string)[];
  probabilities?: number[][];
  classes?: string[];
  /** Clustering: the distance to the row's cluster centre; anomaly detection: the anomaly score (higher is more abnormal). */
  scores?: number[];
}
