import type { DatasetVersion, Deployment, Job, ModelVersion } from '../storage/metadata/store.js';

/** The API's shapes: snake_case, as the peers' REST APIs and the metric names are. */
export const datasetDto = (d: DatasetVersion) => ({
  name: d.name,
  version: d.version,
  ref: `${d.name}@${d.version}`,
  content_hash: d.contentHash,
  source_name: d.sourceName,
  size_bytes: d.sizeBytes,
  row_count: d.rowCount,
  columns: d.columns,
  profile: d.profile,
  created_at: d.createdAt,
});

export const jobDto = (j: Job) => ({
  id: j.id,
  kind: j.kind,
  status: j.status,
  spec: j.spec,
  progress: j.progress,
  result: j.result,
  error: j.error,
  cancel_requested: j.cancelRequested,
  attempts: j.attempts,
  created_at: j.createdAt,
  started_at: j.startedAt,
  finished_at: j.finishedAt,
});

export const modelDto = (m: ModelVersion) => ({
  name: m.name,
  version: m.version,
  ref: `${m.name}@${m.version}`,
  algorithm: m.algorithm,
  task: m.task,
  metrics: m.metrics,
  lineage: m.lineage,
  signature: m.signature,
  artifact: m.artifact,
  job_id: m.jobId,
  created_at: m.createdAt,
});

export const deploymentDto = (d: Deployment, readyReplicas: number) => ({
  name: d.name,
  model: `${d.modelName}@${d.modelVersion}`,
  model_name: d.modelName,
  model_version: d.modelVersion,
  replicas: d.replicas,
  ready_replicas: readyReplicas,
  status: d.status,
  error: d.error,
  url: `/v1/deployments/${d.name}/predict`,
  created_at: d.createdAt,
  updated_at: d.updatedAt,
});
