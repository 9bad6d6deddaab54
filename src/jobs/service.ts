import { badRequest, conflict, notFound } from '../core/errors.js';
import { newId, now } from '../core/ids.js';
import { parseRef } from '../core/refs.js';
import type { DatasetService } from '../data/datasets.js';
import { learnerSpec } from '../ml/learners/index.js';
import { resolveParams } from '../ml/learners/params.js';
import { parsePreprocessing } from '../ml/prep/spec.js';
import type { Job, MetadataStore } from '../storage/metadata/store.js';
import type { TrainSpec } from './messages.js';
import type { JobRunner } from './runner.js';

export interface TrainRequest {
  dataset: string;
  testDataset?: string;
  target: string;
  algorithm: string;
  params?: Record<string, unknown>;
  model: string;
  seed?: number;
  testFraction?: number;
  validationFraction?: number;
  /** A preprocessing spec (ml/prep/spec.ts): checked here, applied by the worker. */
  preprocessing?: Record<string, unknown> | null;
}

/**
 * Jobs as users see them. A request is checked here, before it is queued, so that a wrong
 * dataset, column, algorithm or parameter is a 4xx now rather than a failed job later.
 */
export class JobService {
  constructor(
    private readonly store: MetadataStore,
    private readonly datasets: DatasetService,
    private readonly runner: JobRunner,
  ) {}

  async submitTraining(workspaceId: string, r: TrainRequest): Promise<Job> {
    const ds = await this.datasets.get(workspaceId, r.dataset);
    const columns = ds.columns.map((c) => c.name);
    if (!columns.includes(r.target))
      throw badRequest(
        'unknown_column',
        `dataset ${ds.name}@${ds.version} has no column '${r.target}' (columns: ${columns.join(', ')})`,
      );
    const spec = learnerSpec(r.algorithm);
    const params = resolveParams(r.algorithm, spec.params, r.params ?? {});
    const rawParams = Object.fromEntries(Object.keys(r.params ?? {}).map((k) => [k, params[k]]));
    let test: Awaited<ReturnType<DatasetService['get']>> | null = null;
    if (r.testDataset) {
      test = await this.datasets.get(workspaceId, r.testDataset);
      const missing = columns.filter((c) => !test!.columns.some((t) => t.name === c));
      if (missing.length)
        throw badRequest(
          'schema_mismatch',
          `test dataset ${test.name}@${test.version} lacks columns ${missing.join(', ')}`,
        );
    }
    const testFraction = r.testFraction ?? 0.2;
    const validationFraction = r.validationFraction ?? 0.1;
    if (!(testFraction > 0 && testFraction < 0.9) && !test)
      throw badRequest('invalid_split', 'test fraction must be between 0 and 0.9');
    if (!(validationFraction >= 0 && validationFraction < 0.9))
      throw badRequest('invalid_split', 'validation fraction must be at least 0 and below 0.9');
    if (r.preprocessing !== undefined && r.preprocessing !== null) {
      const prep = parsePreprocessing(r.preprocessing);
      if (r.target in prep.columns)
        throw badRequest(
          'invalid_preprocessing',
          `preprocessing: '${r.target}' is the target; preprocessing applies to the features only`,
        );
      const unknown = Object.keys(prep.columns).filter((c) => !columns.includes(c));
      if (unknown.length)
        throw badRequest(
          'unknown_column',
          `preprocessing names ${unknown.join(', ')}, which dataset ${ds.name}@${ds.version} lacks (columns: ${columns.join(', ')})`,
        );
    }
    parseRef(r.model, 'model');
    const trainSpec: TrainSpec = {
      dataset: { name: ds.name, version: ds.version },
      testDataset: test ? { name: test.name, version: test.version } : null,
      target: r.target,
      algorithm: r.algorithm,
      params: rawParams,
      seed: r.seed ?? 0,
      testFraction,
      validationFraction,
      model: r.model,
      preprocessing: r.preprocessing ?? null,
    };
    const job: Job = {
      id: newId('job'),
      workspaceId,
      kind: 'train',
      status: 'queued',
      spec: trainSpec as unknown as Record<string, unknown>,
      result: null,
      error: null,
      progress: null,
      cancelRequested: false,
      attempts: 0,
      createdAt: now(),
      startedAt: null,
      finishedAt: null,
    };
    await this.store.createJob(job);
    await this.store.appendJobLog(
      job.id,
      `queued: train ${r.algorithm} on ${ds.name}@${ds.version} -> model ${r.model}`,
    );
    this.runner.poke();
    return job;
  }

  async get(workspaceId: string, id: string): Promise<Job> {
    const j = await this.store.getJob(workspaceId, id);
    if (!j) throw notFound('job', id);
    return j;
  }

  list(workspaceId: string, limit?: number) {
    return this.store.listJobs(workspaceId, limit);
  }

  async logs(workspaceId: string, id: string, after = 0) {
    await this.get(workspaceId, id);
    return this.store.getJobLogs(id, after);
  }

  async cancel(workspaceId: string, id: string): Promise<Job> {
    const j = await this.get(workspaceId, id);
    if (j.status === 'succeeded' || j.status === 'failed' || j.status === 'cancelled')
      throw conflict(
        'job_finished',
        `job ${id} has already ${j.status === 'cancelled' ? 'been cancelled' : j.status}`,
      );
    await this.store.updateJob(id, { cancelRequested: true });
    if (j.status === 'queued') {
      await this.store.updateJob(id, { status: 'cancelled', finishedAt: now() });
      await this.store.appendJobLog(id, 'cancelled before it started');
    } else {
      this.runner.cancelRunning(id);
      await this.store.appendJobLog(id, 'cancel requested');
    }
    return this.get(workspaceId, id);
  }
}
