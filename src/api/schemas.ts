/**
 * JSON schemas shared by routes: they validate requests, serialize responses and make
 * the OpenAPI document. Objects stay open (additionalProperties) where later issues add fields.
 */
export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

export const name = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' } as const;
export const ref = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}(@([0-9]+|latest))?$',
} as const;

const open = (properties: Record<string, unknown>, required: string[] = []) =>
  ({ type: 'object', additionalProperties: true, properties, required }) as const;

export const columnSchema = open({
  name: { type: 'string' },
  type: { type: 'string' },
  kind: { type: 'string' },
});

export const datasetSchema = open(
  {
    name: { type: 'string' },
    version: { type: 'integer' },
    content_hash: { type: 'string' },
    source_name: { type: ['string', 'null'] },
    size_bytes: { type: 'integer' },
    row_count: { type: 'integer' },
    columns: { type: 'array', items: columnSchema },
    profile: { type: 'array', items: { type: 'object', additionalProperties: true } },
    created_at: { type: 'string' },
  },
  ['name', 'version', 'row_count', 'columns'],
);

export const jobSchema = open(
  {
    id: { type: 'string' },
    kind: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] },
    spec: { type: 'object', additionalProperties: true },
    progress: { type: ['object', 'null'], additionalProperties: true },
    result: { type: ['object', 'null'], additionalProperties: true },
    error: { type: ['string', 'null'] },
    attempts: { type: 'integer' },
    created_at: { type: 'string' },
    started_at: { type: ['string', 'null'] },
    finished_at: { type: ['string', 'null'] },
  },
  ['id', 'status'],
);

export const modelSchema = open(
  {
    name: { type: 'string' },
    version: { type: 'integer' },
    algorithm: { type: 'string' },
    task: { type: 'string' },
    metrics: { type: 'object', additionalProperties: true },
    lineage: { type: 'object', additionalProperties: true },
    signature: { type: 'object', additionalProperties: true },
    artifact: { type: 'string' },
    job_id: { type: ['string', 'null'] },
    created_at: { type: 'string' },
  },
  ['name', 'version'],
);

export const deploymentSchema = open(
  {
    name: { type: 'string' },
    model: { type: 'string' },
    model_name: { type: 'string' },
    model_version: { type: 'integer' },
    replicas: { type: 'integer' },
    ready_replicas: { type: 'integer' },
    status: { type: 'string' },
    error: { type: ['string', 'null'] },
    url: { type: 'string' },
    created_at: { type: 'string' },
  },
  ['name', 'status'],
);

export const errors = {
  400: errorSchema,
  401: errorSchema,
  404: errorSchema,
  409: errorSchema,
  413: errorSchema,
} as const;
