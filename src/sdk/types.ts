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
}

export interface TrainResult {
  model: { name: string; version: number };
  task: 'regression' | 'classification';
  metrics: Record<string, number | number[][]>;
  validation_metrics: Record<string, number | number[][]> | null;
  timings: { fit_s: number; evaluate_s: number; load_s: number };
  rows: { train: number; validation: number; test: number };
}

export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  spec: Record<string, unknown>;
  progress: JobProgress | null;
  result: TrainResult | null;
  error: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface TrainRequest {
  dataset: string;
  target: string;
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

export interface Model {
  name: string;
  version: number;
  ref: string;
  algorithm: string;
  task: string;
  metrics: Record<string, number | number[][]>;
  lineage: Record<string, unknown>;
  signature: { features?: ColumnInfo[]; target?: string; task?: string; classes?: string[] | null };
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
  predictions: (number | string)[];
  probabilities?: number[][];
  classes?: string[];
}
