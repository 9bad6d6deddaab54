import Database from 'better-sqlite3';
import { newId, now } from '../../core/ids.js';
import { MIGRATIONS } from './migrations.js';
import type {
  ApiToken,
  DatasetVersion,
  Deployment,
  Job,
  JobLogLine,
  MetadataStore,
  ModelVersion,
  Workspace,
} from './store.js';

type Row = Record<string, any>;

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const parse = (s: string | null) => (s === null || s === undefined ? null : JSON.parse(s));

/** The embedded metadata store: one SQLite file, WAL journal, every write in a transaction. */
export class SqliteStore implements MetadataStore {
  readonly kind = 'sqlite';
  private db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  async migrate(): Promise<number> {
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    const done = new Set(
      this.db
        .prepare('SELECT version FROM schema_migrations')
        .all()
        .map((r: any) => r.version),
    );
    let applied = 0;
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      this.db.transaction(() => {
        for (const stmt of m.sql) this.db.exec(stmt);
        this.db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(m.version, m.name, now());
      })();
      applied++;
    }
    return applied;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private get(sql: string, ...args: unknown[]): Row | undefined {
    return this.db.prepare(sql).get(...args) as Row | undefined;
  }

  private all(sql: string, ...args: unknown[]): Row[] {
    return this.db.prepare(sql).all(...args) as Row[];
  }

  private run(sql: string, ...args: unknown[]) {
    return this.db.prepare(sql).run(...args);
  }

  // Workspaces and tokens

  async ensureWorkspace(name: string): Promise<Workspace> {
    const found = this.get('SELECT * FROM workspaces WHERE name = ?', name);
    if (found) return toWorkspace(found);
    const w = { id: newId('ws'), name, createdAt: now() };
    this.run('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)', w.id, w.name, w.createdAt);
    return w;
  }

  async getWorkspace(id: string): Promise<Workspace | null> {
    const r = this.get('SELECT * FROM workspaces WHERE id = ?', id);
    return r ? toWorkspace(r) : null;
  }

  async createToken(t: ApiToken): Promise<void> {
    this.run(
      'INSERT INTO api_tokens (id, workspace_id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      t.id,
      t.workspaceId,
      t.name,
      t.role,
      t.tokenHash,
      t.createdAt,
    );
  }

  async findTokenByHash(hash: string): Promise<ApiToken | null> {
    const r = this.get('SELECT * FROM api_tokens WHERE token_hash = ?', hash);
    return r
      ? {
          id: r.id,
          workspaceId: r.workspace_id,
          name: r.name,
          role: r.role,
          tokenHash: r.token_hash,
          createdAt: r.created_at,
        }
      : null;
  }

  async countTokens(): Promise<number> {
    return this.get('SELECT count(*) AS n FROM api_tokens')!.n;
  }

  // Datasets

  async addDatasetVersion(d: Omit<DatasetVersion, 'version'>): Promise<DatasetVersion> {
    return this.db.transaction(() => {
      const max = this.get(
        'SELECT max(version) AS v FROM datasets WHERE workspace_id = ? AND name = ?',
        d.workspaceId,
        d.name,
      )!.v;
      const row: DatasetVersion = { ...d, version: (max ?? 0) + 1 };
      this.run(
        `INSERT INTO datasets (id, workspace_id, name, version, content_hash, artifact, source_name, size_bytes, row_count,
          columns_json, profile_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        row.id,
        row.workspaceId,
        row.name,
        row.version,
        row.contentHash,
        row.artifact,
        row.sourceName,
        row.sizeBytes,
        row.rowCount,
        json(row.columns),
        json(row.profile),
        row.createdAt,
      );
      return row;
    })();
  }

  async getDatasetVersion(
    workspaceId: string,
    name: string,
    version?: number,
  ): Promise<DatasetVersion | null> {
    const r =
      version === undefined
        ? this.get(
            'SELECT * FROM datasets WHERE workspace_id = ? AND name = ? ORDER BY version DESC LIMIT 1',
            workspaceId,
            name,
          )
        : this.get(
            'SELECT * FROM datasets WHERE workspace_id = ? AND name = ? AND version = ?',
            workspaceId,
            name,
            version,
          );
    return r ? toDataset(r) : null;
  }

  async listDatasets(workspaceId: string): Promise<DatasetVersion[]> {
    return this.all(
      `SELECT d.* FROM datasets d WHERE d.workspace_id = ? AND d.version =
        (SELECT max(version) FROM datasets e WHERE e.workspace_id = d.workspace_id AND e.name = d.name) ORDER BY d.name`,
      workspaceId,
    ).map(toDataset);
  }

  async listDatasetVersions(workspaceId: string, name: string): Promise<DatasetVersion[]> {
    return this.all(
      'SELECT * FROM datasets WHERE workspace_id = ? AND name = ? ORDER BY version',
      workspaceId,
      name,
    ).map(toDataset);
  }

  // Jobs

  async createJob(j: Job): Promise<void> {
    this.run(
      `INSERT INTO jobs (id, workspace_id, kind, status, spec_json, result_json, error, progress_json, cancel_requested,
        attempts, created_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      j.id,
      j.workspaceId,
      j.kind,
      j.status,
      json(j.spec),
      json(j.result),
      j.error,
      json(j.progress),
      j.cancelRequested ? 1 : 0,
      j.attempts,
      j.createdAt,
      j.startedAt,
      j.finishedAt,
    );
  }

  async getJob(workspaceId: string, id: string): Promise<Job | null> {
    const r = this.get('SELECT * FROM jobs WHERE workspace_id = ? AND id = ?', workspaceId, id);
    return r ? toJob(r) : null;
  }

  async listJobs(workspaceId: string, limit = 100): Promise<Job[]> {
    return this.all(
      'SELECT * FROM jobs WHERE workspace_id = ? ORDER BY created_at DESC, id LIMIT ?',
      workspaceId,
      limit,
    ).map(toJob);
  }

  async claimNextJob(): Promise<Job | null> {
    return this.db.transaction(() => {
      const r = this.get(`SELECT * FROM jobs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1`);
      if (!r) return null;
      const startedAt = now();
      this.run(
        `UPDATE jobs SET status = 'running', started_at = ?, attempts = attempts + 1 WHERE id = ?`,
        startedAt,
        r.id,
      );
      return toJob({ ...r, status: 'running', started_at: startedAt, attempts: r.attempts + 1 });
    })();
  }

  async updateJob(id: string, patch: Parameters<MetadataStore['updateJob']>[1]): Promise<void> {
    const cols: Record<string, unknown> = {};
    if (patch.status !== undefined) cols.status = patch.status;
    if (patch.result !== undefined) cols.result_json = json(patch.result);
    if (patch.error !== undefined) cols.error = patch.error;
    if (patch.progress !== undefined) cols.progress_json = json(patch.progress);
    if (patch.cancelRequested !== undefined) cols.cancel_requested = patch.cancelRequested ? 1 : 0;
    if (patch.startedAt !== undefined) cols.started_at = patch.startedAt;
    if (patch.finishedAt !== undefined) cols.finished_at = patch.finishedAt;
    if (patch.attempts !== undefined) cols.attempts = patch.attempts;
    const keys = Object.keys(cols);
    if (!keys.length) return;
    this.run(
      `UPDATE jobs SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`,
      ...Object.values(cols),
      id,
    );
  }

  async requeueRunningJobs(maxAttempts: number): Promise<number> {
    return this.db.transaction(() => {
      const failed = this.run(
        `UPDATE jobs SET status = 'failed', error = 'interrupted by restarts too many times', finished_at = ?
         WHERE status = 'running' AND attempts >= ?`,
        now(),
        maxAttempts,
      ).changes;
      const cancelled = this.run(
        `UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE status IN ('running', 'queued') AND cancel_requested = 1`,
        now(),
      ).changes;
      const requeued = this.run(
        `UPDATE jobs SET status = 'queued', progress_json = NULL WHERE status = 'running'`,
      ).changes;
      return failed + cancelled + requeued;
    })();
  }

  async appendJobLog(jobId: string, line: string): Promise<void> {
    this.db.transaction(() => {
      const seq = (this.get('SELECT max(seq) AS s FROM job_logs WHERE job_id = ?', jobId)!.s ?? 0) + 1;
      this.run('INSERT INTO job_logs (job_id, seq, at, line) VALUES (?, ?, ?, ?)', jobId, seq, now(), line);
    })();
  }

  async getJobLogs(jobId: string, afterSeq = 0): Promise<JobLogLine[]> {
    return this.all(
      'SELECT seq, at, line FROM job_logs WHERE job_id = ? AND seq > ? ORDER BY seq',
      jobId,
      afterSeq,
    ) as JobLogLine[];
  }

  // Models

  async addModelVersion(m: Omit<ModelVersion, 'version'>): Promise<ModelVersion> {
    return this.db.transaction(() => {
      const max = this.get(
        'SELECT max(version) AS v FROM models WHERE workspace_id = ? AND name = ?',
        m.workspaceId,
        m.name,
      )!.v;
      const row: ModelVersion = { ...m, version: (max ?? 0) + 1 };
      this.run(
        `INSERT INTO models (id, workspace_id, name, version, artifact, algorithm, task, metrics_json, lineage_json,
          signature_json, job_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        row.id,
        row.workspaceId,
        row.name,
        row.version,
        row.artifact,
        row.algorithm,
        row.task,
        json(row.metrics),
        json(row.lineage),
        json(row.signature),
        row.jobId,
        row.createdAt,
      );
      return row;
    })();
  }

  async getModelVersion(workspaceId: string, name: string, version?: number): Promise<ModelVersion | null> {
    const r =
      version === undefined
        ? this.get(
            'SELECT * FROM models WHERE workspace_id = ? AND name = ? ORDER BY version DESC LIMIT 1',
            workspaceId,
            name,
          )
        : this.get(
            'SELECT * FROM models WHERE workspace_id = ? AND name = ? AND version = ?',
            workspaceId,
            name,
            version,
          );
    return r ? toModel(r) : null;
  }

  async listModels(workspaceId: string): Promise<ModelVersion[]> {
    return this.all(
      `SELECT m.* FROM models m WHERE m.workspace_id = ? AND m.version =
        (SELECT max(version) FROM models n WHERE n.workspace_id = m.workspace_id AND n.name = m.name) ORDER BY m.name`,
      workspaceId,
    ).map(toModel);
  }

  async listModelVersions(workspaceId: string, name: string): Promise<ModelVersion[]> {
    return this.all(
      'SELECT * FROM models WHERE workspace_id = ? AND name = ? ORDER BY version',
      workspaceId,
      name,
    ).map(toModel);
  }

  // Deployments

  async createDeployment(d: Deployment): Promise<void> {
    this.run(
      `INSERT INTO deployments (id, workspace_id, name, model_name, model_version, replicas, status, error, created_at,
        updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      d.id,
      d.workspaceId,
      d.name,
      d.modelName,
      d.modelVersion,
      d.replicas,
      d.status,
      d.error,
      d.createdAt,
      d.updatedAt,
    );
  }

  async getDeployment(workspaceId: string, name: string): Promise<Deployment | null> {
    const r = this.get('SELECT * FROM deployments WHERE workspace_id = ? AND name = ?', workspaceId, name);
    return r ? toDeployment(r) : null;
  }

  async listDeployments(workspaceId?: string): Promise<Deployment[]> {
    const rows = workspaceId
      ? this.all('SELECT * FROM deployments WHERE workspace_id = ? ORDER BY name', workspaceId)
      : this.all('SELECT * FROM deployments ORDER BY name');
    return rows.map(toDeployment);
  }

  async updateDeployment(id: string, patch: Parameters<MetadataStore['updateDeployment']>[1]): Promise<void> {
    const map: Record<string, string> = {
      status: 'status',
      error: 'error',
      replicas: 'replicas',
      modelName: 'model_name',
      modelVersion: 'model_version',
      updatedAt: 'updated_at',
    };
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (!entries.some(([k]) => k === 'updatedAt')) entries.push(['updatedAt', now()]);
    this.run(
      `UPDATE deployments SET ${entries.map(([k]) => `${map[k]} = ?`).join(', ')} WHERE id = ?`,
      ...entries.map(([, v]) => v),
      id,
    );
  }

  async deleteDeployment(id: string): Promise<void> {
    this.run('DELETE FROM deployments WHERE id = ?', id);
  }
}

const toWorkspace = (r: Row): Workspace => ({ id: r.id, name: r.name, createdAt: r.created_at });

const toDataset = (r: Row): DatasetVersion => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  version: r.version,
  contentHash: r.content_hash,
  artifact: r.artifact,
  sourceName: r.source_name,
  sizeBytes: r.size_bytes,
  rowCount: r.row_count,
  columns: parse(r.columns_json),
  profile: parse(r.profile_json),
  createdAt: r.created_at,
});

const toJob = (r: Row): Job => ({
  id: r.id,
  workspaceId: r.workspace_id,
  kind: r.kind,
  status: r.status,
  spec: parse(r.spec_json),
  result: parse(r.result_json),
  error: r.error,
  progress: parse(r.progress_json),
  cancelRequested: !!r.cancel_requested,
  attempts: r.attempts,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const toModel = (r: Row): ModelVersion => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  version: r.version,
  artifact: r.artifact,
  algorithm: r.algorithm,
  task: r.task,
  metrics: parse(r.metrics_json),
  lineage: parse(r.lineage_json),
  signature: parse(r.signature_json),
  jobId: r.job_id,
  createdAt: r.created_at,
});

const toDeployment = (r: Row): Deployment => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  modelName: r.model_name,
  modelVersion: r.model_version,
  replicas: r.replicas,
  status: r.status,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
