import { badRequest, conflict, notFound } from '../core/errors.js';
import { newId, now } from '../core/ids.js';
import { parseRef } from '../core/refs.js';
import type { DatasetService } from '../data/datasets.js';
import { CV_STRATEGIES, type CvStrategy } from '../ml/cv.js';
import type { UnsupervisedLearnerSpec } from '../ml/learners/contract.js';
import { algorithmSpec, isUnsupervised, learnerSpec } from '../ml/learners/index.js';
import { resolveParams } from '../ml/learners/params.js';
import { parseDateTime } from '../ml/prep/datetime.js';
import { parsePreprocessing } from '../ml/prep/spec.js';
import { inferTask, requireTarget } from '../ml/train.js';
import type { DatasetVersion, Job, MetadataStore } from '../storage/metadata/store.js';
import type { CvSpec, TrainSpec } from './messages.js';
import type { JobRunner } from './runner.js';

export interface TrainRequest {
  dataset: string;
  testDataset?: string;
  /**
   * The column to predict: required for supervised algorithms. Unsupervised ones (clustering,
   * anomaly detection) take none; given one, it is no feature and only scores the result.
   */
  target?: string | null;
  algorithm: string;
  params?: Record<string, unknown>;
  model: string;
  seed?: number;
  testFraction?: number;
  validationFraction?: number;
  /** A preprocessing spec (ml/prep/spec.ts): checked here, applied by the worker. */
  preprocessing?: Record<string, unknown> | null;
}

/** What training and cross-validation both take: the data, the target and the recipe. */
interface Recipe {
  dataset: string;
  target: string;
  algorithm: string;
  params?: Record<string, unknown>;
  preprocessing?: Record<string, unknown> | null;
}

export interface CvRequest extends Recipe {
  /** Number of folds (default 5). */
  folds?: number;
  /** Default: stratified for classification, kfold for regression. */
  strategy?: CvStrategy;
  /** time_series (required there): the numeric or date-time column that orders the rows. */
  orderBy?: string;
  /** time_series: rows left out between each fold's training and test rows (default 0). */
  gap?: number;
  seed?: number;
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

  /**
   * Checks what training and cross-validation share: the dataset version (pinned now, so the
   * job reads exactly it), the target, the algorithm and its parameters, and the preprocessing.
   */
  private async checkRecipe(workspaceId: string, r: Recipe) {
    const ds = await this.datasets.get(workspaceId, r.dataset);
    const columns = ds.columns.map((c) => c.name);
    const targetCol = ds.columns.find((c) => c.name === r.target);
    if (!targetCol)
      throw badRequest(
        'unknown_column',
        `dataset ${ds.name}@${ds.version} has no column '${r.target}' (columns: ${columns.join(', ')})`,
      );
    const spec = learnerSpec(r.algorithm);
    const params = resolveParams(r.algorithm, spec.params, r.params ?? {});
    const rawParams = Object.fromEntries(Object.keys(r.params ?? {}).map((k) => [k, params[k]]));
    const task = inferTask(targetCol.kind, spec);
    if (!spec.tasks.includes(task))
      throw badRequest(
        'unsupported_task',
        `${r.algorithm} does not do ${task} (it does ${spec.tasks.join(', ')}), and '${r.target}' is ${targetCol.kind}`,
      );
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
    return { ds, columns, rawParams, task };
  }

  private async enqueue(
    workspaceId: string,
    kind: Job['kind'],
    spec: TrainSpec | CvSpec,
    log: string,
  ): Promise<Job> {
    const job: Job = {
      id: newId('job'),
      workspaceId,
      kind,
      status: 'queued',
      spec: spec as unknown as Record<string, unknown>,
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
    await this.store.appendJobLog(job.id, `queued: ${log}`);
    this.runner.poke();
    return job;
  }

  /**
   * Checks an unsupervised training request: the dataset version, the target when one is
   * named (an evaluation label: it must exist, and for anomaly detection have two values), the
   * parameters and the preprocessing.
   */
  private async checkUnsupervised(workspaceId: string, r: TrainRequest, spec: UnsupervisedLearnerSpec) {
    const ds = await this.datasets.get(workspaceId, r.dataset);
    const columns = ds.columns.map((c) => c.name);
    const target = r.target ?? null;
    if (target !== null) {
      if (!columns.includes(target))
        throw badRequest(
          'unknown_column',
          `dataset ${ds.name}@${ds.version} has no column '${target}' to score ${r.algorithm} against (columns: ${columns.join(', ')})`,
        );
      const distinct = profileOf(ds, target)?.distinct;
      if (spec.tasks[0] === 'anomaly_detection' && typeof distinct === 'number' && distinct !== 2)
        throw badRequest(
          'invalid_target',
          `${r.algorithm} scores against a label with two values (normal and anomaly); '${target}' has ${distinct}`,
        );
    }
    const params = resolveParams(r.algorithm, spec.params, r.params ?? {});
    const rawParams = Object.fromEntries(Object.keys(r.params ?? {}).map((k) => [k, params[k]]));
    if (r.preprocessing !== undefined && r.preprocessing !== null) {
      const prep = parsePreprocessing(r.preprocessing);
      if (target !== null && target in prep.columns)
        throw badRequest(
          'invalid_preprocessing',
          `preprocessing: '${target}' is the evaluation label; preprocessing applies to the features only`,
        );
      const unknown = Object.keys(prep.columns).filter((c) => !columns.includes(c));
      if (unknown.length)
        throw badRequest(
          'unknown_column',
          `preprocessing names ${unknown.join(', ')}, which dataset ${ds.name}@${ds.version} lacks (columns: ${columns.join(', ')})`,
        );
    }
    return { ds, columns, rawParams, params };
  }

  async submitTraining(workspaceId: string, r: TrainRequest): Promise<Job> {
    const algo = algorithmSpec(r.algorithm);
    const unsupervised = isUnsupervised(algo);
    const { ds, columns, rawParams, ...checked } = unsupervised
      ? await this.checkUnsupervised(workspaceId, r, algo)
      : await this.checkRecipe(workspaceId, { ...r, target: requireTarget(r.algorithm, r.target) });
    let test: DatasetVersion | null = null;
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
    // Unsupervised learners have no use for validation rows unless asked.
    const validationFraction = r.validationFraction ?? (unsupervised ? 0 : 0.1);
    if (!(testFraction > 0 && testFraction < 0.9) && !test)
      throw badRequest('invalid_split', 'test fraction must be between 0 and 0.9');
    if (!(validationFraction >= 0 && validationFraction < 0.9))
      throw badRequest('invalid_split', 'validation fraction must be at least 0 and below 0.9');
    // More clusters than training rows cannot be fitted: say so now rather than fail the job.
    const k = 'params' in checked ? checked.params.n_clusters : undefined;
    if (typeof k === 'number') {
      const trainRows = Math.floor(ds.rowCount * (1 - (test ? 0 : testFraction) - validationFraction));
      if (k > trainRows)
        throw badRequest(
          'invalid_parameter',
          `${r.algorithm}: n_clusters is ${k} but only about ${trainRows} of the ${ds.rowCount} rows of ${ds.name}@${ds.version} are for training`,
        );
    }
    parseRef(r.model, 'model');
    const trainSpec: TrainSpec = {
      dataset: { name: ds.name, version: ds.version },
      testDataset: test ? { name: test.name, version: test.version } : null,
      target: r.target ?? null,
      algorithm: r.algorithm,
      params: rawParams,
      seed: r.seed ?? 0,
      testFraction,
      validationFraction,
      model: r.model,
      preprocessing: r.preprocessing ?? null,
    };
    return this.enqueue(
      workspaceId,
      'train',
      trainSpec,
      `train ${r.algorithm} on ${ds.name}@${ds.version} -> model ${r.model}`,
    );
  }

  /**
   * Queues a cross-validation job. Everything a worker would trip on is checked first: the
   * recipe as for training, the number of folds against the rows that have a target, the
   * strategy against the task, and for time-series folds the column that orders the rows.
   */
  async submitCrossValidation(workspaceId: string, r: CvRequest): Promise<Job> {
    const { ds, task, rawParams } = await this.checkRecipe(workspaceId, r);
    const folds = r.folds ?? 5;
    const strategy = r.strategy ?? (task === 'classification' ? 'stratified' : 'kfold');
    const gap = r.gap ?? 0;
    if (!CV_STRATEGIES.includes(strategy))
      throw badRequest(
        'invalid_folds',
        `strategy must be one of ${CV_STRATEGIES.join(', ')}, got '${String(strategy)}'`,
      );
    if (!Number.isInteger(folds) || folds < 2)
      throw badRequest('invalid_folds', `folds must be an integer of at least 2, got ${String(folds)}`);
    const rows = labelledRows(ds, r.target);
    if (folds > rows)
      throw badRequest(
        'invalid_folds',
        `cannot make ${folds} folds from ${rows} rows (the rows of ${ds.name}@${ds.version} with a value for '${r.target}')`,
      );
    if (strategy === 'stratified' && task !== 'classification')
      throw badRequest(
        'invalid_folds',
        `stratified folds need a classification target; '${r.target}' is numeric, so use kfold or time_series`,
      );
    if (strategy !== 'time_series') {
      if (r.orderBy !== undefined || r.gap !== undefined)
        throw badRequest('invalid_folds', 'order_by and gap apply to time_series folds only');
    } else {
      if (!Number.isInteger(gap) || gap < 0)
        throw badRequest('invalid_folds', `gap must be a non-negative integer, got ${String(gap)}`);
      const testSize = Math.floor(rows / (folds + 1));
      if (testSize < 1 || rows - gap - testSize * folds <= 0)
        throw badRequest(
          'invalid_folds',
          `${rows} rows are too few for ${folds} time-series folds with a gap of ${gap}`,
        );
      checkOrderColumn(ds, r.orderBy, r.target);
    }
    const cvSpec: CvSpec = {
      dataset: { name: ds.name, version: ds.version },
      target: r.target,
      algorithm: r.algorithm,
      params: rawParams,
      seed: r.seed ?? 0,
      folds,
      strategy,
      orderBy: strategy === 'time_series' ? r.orderBy! : null,
      gap,
      preprocessing: r.preprocessing ?? null,
    };
    return this.enqueue(
      workspaceId,
      'cv',
      cvSpec,
      `cross-validate ${r.algorithm} on ${ds.name}@${ds.version}, ${folds} ${strategy} folds`,
    );
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

interface ProfileEntry {
  name?: string;
  distinct?: number;
  min?: string | null;
  max?: string | null;
  nullFraction?: number;
}

const profileOf = (ds: DatasetVersion, column: string): ProfileEntry | undefined =>
  Array.isArray(ds.profile) ? (ds.profile as ProfileEntry[]).find((p) => p?.name === column) : undefined;

/** Rows whose target is present, from the dataset's profile: the rows the folds cut. */
function labelledRows(ds: DatasetVersion, target: string): number {
  const missing = profileOf(ds, target)?.nullFraction ?? 0;
  return Math.round(ds.rowCount * (1 - missing));
}

/** Time-series folds need a column that gives every row its time: numbers, or ISO-like date-times. */
function checkOrderColumn(ds: DatasetVersion, orderBy: string | undefined, target: string): void {
  if (orderBy === undefined)
    throw badRequest(
      'invalid_order',
      'time_series folds need order_by: the numeric or date-time column that orders the rows in time',
    );
  const col = ds.columns.find((c) => c.name === orderBy);
  if (!col)
    throw badRequest(
      'unknown_column',
      `dataset ${ds.name}@${ds.version} has no column '${orderBy}' to order the rows by (columns: ${ds.columns.map((c) => c.name).join(', ')})`,
    );
  if (orderBy === target)
    throw badRequest('invalid_order', `'${orderBy}' is the target; order the rows by another column`);
  const p = profileOf(ds, orderBy);
  const isTime =
    col.kind === 'numeric' ||
    /^(DATE|TIMESTAMP)/.test(col.type) ||
    (typeof p?.min === 'string' &&
      typeof p?.max === 'string' &&
      !!parseDateTime(p.min) &&
      !!parseDateTime(p.max));
  if (!isTime)
    throw badRequest(
      'invalid_order',
      `'${orderBy}' is ${col.type}, not numbers or date-times; time_series folds need a column that orders the rows in time`,
    );
  if (p?.nullFraction)
    throw badRequest(
      'invalid_order',
      `'${orderBy}' has missing values; time_series folds need every row's time`,
    );
}
