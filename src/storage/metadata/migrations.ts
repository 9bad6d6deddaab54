/**
 * Versioned schema migrations, applied in order and recorded in schema_migrations.
 * Plain SQL that SQLite and PostgreSQL both accept: TEXT, INTEGER, JSON kept as TEXT.
 * Never edit a released migration; add the next one.
 */
export const MIGRATIONS: { version: number; name: string; sql: string[] }[] = [
  {
    version: 1,
    name: 'initial',
    sql: [
      `CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)`,
      `CREATE TABLE api_tokens (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        name TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)`,
      `CREATE TABLE datasets (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        name TEXT NOT NULL, version INTEGER NOT NULL, content_hash TEXT NOT NULL, artifact TEXT NOT NULL,
        source_name TEXT, size_bytes INTEGER NOT NULL, row_count INTEGER NOT NULL, columns_json TEXT NOT NULL,
        profile_json TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (workspace_id, name, version))`,
      `CREATE TABLE jobs (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        kind TEXT NOT NULL, status TEXT NOT NULL, spec_json TEXT NOT NULL, result_json TEXT, error TEXT,
        progress_json TEXT, cancel_requested INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT)`,
      `CREATE INDEX jobs_status ON jobs (status, created_at)`,
      `CREATE TABLE job_logs (job_id TEXT NOT NULL REFERENCES jobs(id), seq INTEGER NOT NULL, at TEXT NOT NULL,
        line TEXT NOT NULL, PRIMARY KEY (job_id, seq))`,
      `CREATE TABLE models (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        name TEXT NOT NULL, version INTEGER NOT NULL, artifact TEXT NOT NULL, algorithm TEXT NOT NULL,
        task TEXT NOT NULL, metrics_json TEXT NOT NULL, lineage_json TEXT NOT NULL, signature_json TEXT NOT NULL,
        job_id TEXT, created_at TEXT NOT NULL, UNIQUE (workspace_id, name, version))`,
      `CREATE TABLE deployments (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        name TEXT NOT NULL, model_name TEXT NOT NULL, model_version INTEGER NOT NULL, replicas INTEGER NOT NULL,
        status TEXT NOT NULL, error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        UNIQUE (workspace_id, name))`,
    ],
  },
];
