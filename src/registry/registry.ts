import { notFound } from '../core/errors.js';
import { newId, now } from '../core/ids.js';
import { parseRef } from '../core/refs.js';
import type { ModelDocument } from '../ml/model.js';
import type { ArtifactStore } from '../storage/artifacts/store.js';
import type { MetadataStore, ModelVersion } from '../storage/metadata/store.js';

export interface RegisterMeta {
  algorithm: string;
  task: string;
  metrics: Record<string, unknown>;
  lineage: Record<string, unknown>;
  signature: Record<string, unknown>;
  jobId: string | null;
}

/**
 * The model registry: each trained model is an immutable, numbered version of a named
 * model, holding the whole deployable document (pipeline + learner) as an artifact,
 * with its metrics and lineage.
 */
export class ModelRegistry {
  private cache = new Map<string, ModelDocument>();

  constructor(
    private readonly store: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly version: string,
  ) {}

  async register(
    workspaceId: string,
    name: string,
    documentPath: string,
    meta: RegisterMeta,
  ): Promise<ModelVersion> {
    const { key } = await this.artifacts.putFile(documentPath);
    return this.store.addModelVersion({
      id: newId('mdl'),
      workspaceId,
      name,
      artifact: key,
      algorithm: meta.algorithm,
      task: meta.task,
      metrics: meta.metrics,
      lineage: { ...meta.lineage, neutrino_version: this.version },
      signature: meta.signature,
      jobId: meta.jobId,
      createdAt: now(),
    });
  }

  async get(workspaceId: string, ref: string): Promise<ModelVersion> {
    const { name, version } = parseRef(ref, 'model');
    const m = await this.store.getModelVersion(workspaceId, name, version);
    if (!m) throw notFound('model', ref);
    return m;
  }

  list(workspaceId: string) {
    return this.store.listModels(workspaceId);
  }

  versions(workspaceId: string, name: string) {
    return this.store.listModelVersions(workspaceId, name);
  }

  /** The model document; artifacts are immutable, so it is cached by key. */
  async document(m: ModelVersion): Promise<ModelDocument> {
    let doc = this.cache.get(m.artifact);
    if (!doc) {
      doc = JSON.parse((await this.artifacts.get(m.artifact)).toString('utf8')) as ModelDocument;
      this.cache.set(m.artifact, doc);
    }
    return doc;
  }
}
