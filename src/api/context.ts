import type { DatasetService } from '../data/datasets.js';
import type { JobService } from '../jobs/service.js';
import type { ModelRegistry } from '../registry/registry.js';
import type { DeploymentService } from '../serving/deployments.js';
import type { MetadataStore } from '../storage/metadata/store.js';

/** What the routes reach: the services, never the storage backends directly (but for auth). */
export interface ApiContext {
  store: MetadataStore;
  datasets: DatasetService;
  jobs: JobService;
  registry: ModelRegistry;
  deployments: DeploymentService;
  /** Development mode: every request acts in the default workspace as admin. */
  noAuth: boolean;
  defaultWorkspaceId: string;
  /** Hash of a token that lives only in this process's memory, for in-process callers (`up --quickstart`). */
  processTokenHash: string;
  version: string;
  startedAt: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    workspaceId: string;
  }
}
