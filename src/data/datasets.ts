import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { notFound } from '../core/errors.js';
import { newId, now } from '../core/ids.js';
import { parseRef } from '../core/refs.js';
import type { ArtifactStore } from '../storage/artifacts/store.js';
import type { DatasetVersion, MetadataStore } from '../storage/metadata/store.js';
import { csvToParquet, previewRows, receiveUpload } from './ingest.js';

/** Datasets: immutable, versioned uploads, stored as Parquet and described by schema and profile. */
export class DatasetService {
  constructor(
    private readonly store: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly tmpDir: string,
    private readonly maxUploadBytes: number,
  ) {}

  /**
   * Streams an upload into a new version. The same bytes as the newest version give that
   * version back (`created: false`); anything that fails leaves no version and no file.
   */
  async create(
    workspaceId: string,
    name: string,
    body: Readable,
    sourceName: string | null,
  ): Promise<{ dataset: DatasetVersion; created: boolean }> {
    parseRef(name, 'dataset');
    const base = join(this.tmpDir, randomBytes(8).toString('hex'));
    const csv = `${base}.csv`;
    const parquet = `${base}.parquet`;
    try {
      const { sha256, size } = await receiveUpload(body, csv, this.maxUploadBytes);
      const latest = await this.store.getDatasetVersion(workspaceId, name);
      if (latest && latest.contentHash === sha256) return { dataset: latest, created: false };
      const ingest = await csvToParquet(csv, parquet);
      const { key } = await this.artifacts.putFile(parquet);
      const dataset = await this.store.addDatasetVersion({
        id: newId('ds'),
        workspaceId,
        name,
        contentHash: sha256,
        artifact: key,
        sourceName,
        sizeBytes: size,
        rowCount: ingest.rowCount,
        columns: ingest.columns,
        profile: ingest.profile,
        createdAt: now(),
      });
      return { dataset, created: true };
    } finally {
      await rm(csv, { force: true });
      await rm(parquet, { force: true });
    }
  }

  async get(workspaceId: string, ref: string): Promise<DatasetVersion> {
    const { name, version } = parseRef(ref, 'dataset');
    const d = await this.store.getDatasetVersion(workspaceId, name, version);
    if (!d) throw notFound('dataset', ref);
    return d;
  }

  list(workspaceId: string) {
    return this.store.listDatasets(workspaceId);
  }

  versions(workspaceId: string, name: string) {
    return this.store.listDatasetVersions(workspaceId, name);
  }

  async preview(d: DatasetVersion, limit = 10) {
    return previewRows(await this.artifacts.localPath(d.artifact), limit);
  }
}
