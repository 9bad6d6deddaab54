/**
 * The metadata store: every resource the platform knows about, behind one small async
 * interface. SQLite implements it for the embedded shape; PostgreSQL will for the cluster
 * shape. Nothing here assumes SQLite: plain rows, JSON documents as text, ids made by us.
 */

export interface Workspace {
  id: string;
  name: string;
  createdAt: string;
}

export interface ApiToken {
  id: string;
  workspaceId: string;
  name: string;
  role: 'admin' | 'member' | 'viewer';
  tokenHash: string;
  createdAt: string;
}

export interface ColumnInfo {
  name: string;
  type: string;
  kind: 'numeric' | 'categorical';
}

export interface DatasetVersion {
  id: string;
  workspaceId: string;
  name: string;
  version: number;
  /** sha-256 of the uploaded bytes: the same bytes under the same name are the same version. */
  contentHash: string;
  /** Artifact key of the Parquet copy that jobs read. */
  artifact: string;
  sourceName: string | null;
  sizeBytes: number;
  rowCount: number;
  columns: ColumnInfo[];
  profile: unknown;
  createdAt: string;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  id: string;
  workspaceId: string;
  kind: 'train' | 'cv';
  status: JobStatus;
  spec: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  progress: Record<string, unknown> | null;
  cancelRequested: boolean;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobLogLine {
  seq: number;
  at: string;
  line: string;
}

export interface ModelVersion {
  id: string;
  workspaceId: string;
  name: string;
  version: number;
  /** Artifact key of the model document (pipeline + learner). */
  artifact: string;
  algorithm: string;
  task: string;
  metrics: Record<string, unknown>;
  lineage: Record<string, unknown>;
  /** Input schema, for clients and the Open Inference Protocol metadata. */
  signature: Record<string, unknown>;
  jobId: string | null;
  createdAt: string;
}

export type DeploymentStatus = 'starting' | 'running' | 'failed' | 'stopped';

export interface Deployment {
  id: string;
  workspaceId: string;
  name: string;
  modelName: string;
  modelVersion: number;
  replicas: number;
  status: DeploymentStatus;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MetadataStore {
  readonly kind: string;
  migrate(): Promise<number>;
  close(): Promise<void>;

  ensureWorkspace(name: string): Promise<Workspace>;
  getWorkspace(id: string): Promise<Workspace | null>;

  createToken(t: ApiToken): Promise<void>;
  findTokenByHash(hash: string): Promise<ApiToken | null>;
  countTokens(): Promise<number>;

  /** Inserts the next version of a dataset; returns the stored row (its version assigned here). */
  addDatasetVersion(d: Omit<DatasetVersion, 'version'>): Promise<DatasetVersion>;
  getDatasetVersion(workspaceId: string, name: string, version?: number): Promise<DatasetVersion | null>;
  /** The newest version of each dataset. */
  listDatasets(workspaceId: string): Promise<DatasetVersion[]>;
  listDatasetVersions(workspaceId: string, name: string): Promise<DatasetVersion[]>;

  createJob(j: Job): Promise<void>;
  getJob(workspaceId: string, id: string): Promise<Job | null>;
  listJobs(workspaceId: string, limit?: number): Promise<Job[]>;
  /** Atomically moves the oldest queued job to running and returns it. */
  claimNextJob(): Promise<Job | null>;
  updateJob(
    id: string,
    patch: Partial<
      Pick<
        Job,
        | 'status'
        | 'result'
        | 'error'
        | 'progress'
        | 'cancelRequested'
        | 'startedAt'
        | 'finishedAt'
        | 'attempts'
      >
    >,
  ): Promise<void>;
  /** Jobs left running by a stop: put back in the queue (or failed if tried too often). */
  requeueRunningJobs(maxAttempts: number): Promise<number>;
  appendJobLog(jobId: string, line: string): Promise<void>;
  getJobLogs(jobId: string, afterSeq?: number): Promise<JobLogLine[]>;

  addModelVersion(m: Omit<ModelVersion, 'version'>): Promise<ModelVersion>;
  getModelVersion(workspaceId: string, name: string, version?: number): Promise<ModelVersion | null>;
  listModels(workspaceId: string): Promise<ModelVersion[]>;
  listModelVersions(workspaceId: string, name: string): Promise<ModelVersion[]>;

  createDeployment(d: Deployment): Promise<void>;
  getDeployment(workspaceId: string, name: string): Promise<Deployment | null>;
  listDeployments(workspaceId?: string): Promise<Deployment[]>;
  updateDeployment(
    id: string,
    patch: Partial<
      Pick<Deployment, 'status' | 'error' | 'replicas' | 'modelName' | 'modelVersion' | 'updatedAt'>
    >,
  ): Promise<void>;
  deleteDeployment(id: string): Promise<void>;
}
