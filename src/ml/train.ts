import { performance } from 'node:perf_hooks';
import { badRequest, CancelledError } from '../core/errors.js';
import {
  takeRows,
  takeTarget,
  type Column,
  type Frame,
  type ModelTask,
  type Target,
  type Task,
  type UnsupervisedTask,
} from './frame.js';
import type { FitProgress, LearnerSpec, UnsupervisedLearnerSpec } from './learners/contract.js';
import { silhouette } from './learners/cluster/kmeans.js';
import { algorithmSpec, createLearner, isUnsupervised, learnerSpec } from './learners/index.js';
import {
  adjustedRandIndex,
  anomalyMetrics,
  clusterSizes,
  evaluate,
  purity,
  type Metrics,
} from './metrics/index.js';
import { Model, type FeatureSpec } from './model.js';
import { droppedColumns, parsePreprocessing, type ResolvedSpec } from './prep/spec.js';
import { fitPreprocessing, type PreprocessingPlan } from './prep/transformer.js';
import { splitIndices } from './split.js';

export interface TrainOptions {
  data: Frame;
  /**
   * The column to predict. Unsupervised algorithms (clustering, anomaly detection) take none;
   * given one, it is left out of the features and only scores the result (see trainUnsupervised).
   */
  target?: string | null;
  algorithm: string;
  params?: Record<string, unknown>;
  seed?: number;
  /** Share of `data` held out for the test metrics (default 0.2); unused when testData is given. */
  testFraction?: number;
  /** Share of `data` held out for validation during fitting (default 0.1, 0 for unsupervised; 0 for none). */
  validationFraction?: number;
  /** A separate test set: then no test split is carved from `data`. */
  testData?: Frame;
  /**
   * Preprocessing choices as plain JSON (see prep/spec.ts); left out, each column gets the
   * defaults for its profiled type and the learner's needs.
   */
  preprocessing?: unknown;
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
}

export interface TrainResult {
  model: Model;
  task: ModelTask;
  /** On the test rows. */
  metrics: Metrics;
  validationMetrics: Metrics | null;
  timings: { fit_s: number; evaluate_s: number };
  rows: { train: number; validation: number; test: number };
  /** What preprocessing each column got. */
  preprocessing: PreprocessingPlan;
}

/** Refuses a test set that lacks any of `names`, naming all it lacks. */
function requireColumns(data: Frame, names: string[]): void {
  const missing = names.filter((n) => !data.columns.some((c) => c.name === n));
  if (missing.length)
    throw badRequest(
      'missing_column',
      `the test data lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    );
}

/** Fewer usable rows than this cannot make a train/test split worth reporting. */
export const MIN_ROWS = 10;

/**
 * Trains and evaluates one model: infers the task, splits (seeded, stratified), fits the
 * preprocessing (the user's spec, else defaults from the columns' profile and the learner's
 * needs) on the training rows only, fits the learner with the validation rows at hand, and
 * scores the test rows.
 */
export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  if (o.signal?.aborted) throw new CancelledError('cancelled by request');
  const seed = o.seed ?? 0;
  const algo = algorithmSpec(o.algorithm);
  const testFraction = o.testData ? 0 : (o.testFraction ?? 0.2);
  const validationFraction = o.validationFraction ?? (isUnsupervised(algo) ? 0 : 0.1);
  for (const [name, f] of [
    ['testFraction', testFraction],
    ['validationFraction', validationFraction],
  ] as const)
    if (typeof f !== 'number' || !Number.isFinite(f) || f < 0 || f >= 1)
      throw badRequest('invalid_fraction', `${name} must be at least 0 and below 1, got ${String(f)}`);
  if (testFraction + validationFraction >= 0.95)
    throw badRequest('invalid_fraction', `testFraction + validationFraction leave too few rows to train on`);
  if (isUnsupervised(algo)) return trainUnsupervised({ ...o, seed, testFraction, validationFraction }, algo);
  const target = requireTarget(o.algorithm, o.target);

  const { task, spec, prep, features, data, classes, y } = prepareData({ ...o, target });
  // The learner is created early so that unknown parameters fail before any work.
  const learner = createLearner(o.algorithm, task, o.params ?? {});

  let test: { X: Frame; y: Target } | null = null;
  if (o.testData) {
    requireColumns(o.testData, [target, ...features.map((f) => f.name)]);
    const tcol = o.testData.columns.find((c) => c.name === target)!;
    const t = labelled(o.testData, tcol, features);
    if (t.X.nRows === 0)
      throw badRequest('too_few_rows', `the test data has no rows with a value for '${target}'`);
    if (classes) {
      const unseen = [...new Set(asStrings(t.labels))].filter((c) => !classes.includes(c));
      if (unseen.length)
        throw badRequest(
          'unknown_class',
          `the test data has classes the training data lacks: ${unseen.slice(0, 10).join(', ')}`,
        );
    }
    test = { X: t.X, y: toTarget(t.labels, classes) };
  }

  const parts = splitIndices(y, { testFraction, validationFraction, seed });
  if (!test) test = { X: takeRows(data.X, parts.test), y: takeTarget(y, parts.test) };
  const trainX = takeRows(data.X, parts.train);
  const trainY = takeTarget(y, parts.train);
  if (trainY.task === 'classification' && new Set(trainY.labels).size < 2)
    throw badRequest('one_class', `the training split of '${target}' has a single class; use more data`);

  const t0 = performance.now();
  const {
    pipeline,
    Xt: trainXt,
    plan,
  } = fitPreprocessing(trainX, trainY, { needs: spec.input, preprocessing: prep, seed });
  const validation =
    parts.validation.length > 0
      ? { X: pipeline.transform(takeRows(data.X, parts.validation)), y: takeTarget(y, parts.validation) }
      : undefined;
  // The rows as fitted, not re-transformed: target encoding gave them out-of-fold values.
  await learner.fit(trainXt, trainY, {
    seed,
    signal: o.signal,
    onProgress: o.onProgress,
    validation,
  });
  const fit_s = (performance.now() - t0) / 1000;

  const model = new Model(task, target, o.algorithm, features, classes, pipeline, learner);
  // Scores rows in the model's input space: the test rows transformed now, the validation
  // rows as they were already transformed for the fit.
  const score = (part: { X: Frame; y: Target; transformed?: boolean }): Metrics => {
    const Xt = part.transformed ? part.X : pipeline.transform(part.X);
    return evaluate(
      part.y,
      learner.predict(Xt),
      task === 'classification' ? learner.predictProba?.(Xt) : undefined,
    );
  };
  const validationPart = validation ? { ...validation, transformed: true } : null;
  return scoreAndReport(model, plan, fit_s, parts, score, test, validationPart);
}

/** Scores the test rows (and the validation rows, when any) and reports a training's outcome. */
function scoreAndReport<P extends { X: Frame }>(
  model: Model,
  plan: PreprocessingPlan,
  fit_s: number,
  parts: { train: Int32Array; validation: Int32Array },
  score: (part: P) => Metrics,
  test: P,
  validation: P | null,
): TrainResult {
  const t1 = performance.now();
  const metrics = test.X.nRows > 0 ? score(test) : {};
  const evaluate_s = (performance.now() - t1) / 1000;
  const validationMetrics = validation && validation.X.nRows > 0 ? score(validation) : null;
  return {
    model,
    task: model.task,
    metrics,
    validationMetrics,
    timings: { fit_s, evaluate_s },
    rows: { train: parts.train.length, validation: parts.validation.length, test: test.X.nRows },
    preprocessing: plan,
  };
}

/** The labelled rows of a training request, checked: what trainModel and crossValidate share. */
export interface PreparedData {
  task: Task;
  spec: LearnerSpec;
  prep: ResolvedSpec;
  features: FeatureSpec[];
  targetCol: Column;
  /** The feature columns of the rows with a target. */
  data: { X: Frame; labels: Float64Array | string[] };
  classes: string[] | null;
  y: Target;
}

/** The task a target of this kind makes for this algorithm: a category, or a classifier-only algorithm, classifies. */
export function inferTask(targetKind: Column['kind'], spec: LearnerSpec): Task {
  return targetKind === 'categorical' || !spec.tasks.includes('regression') ? 'classification' : 'regression';
}

/**
 * Infers the task from the target and the algorithm, checks the preprocessing spec, the
 * parameters and the rows, and keeps the rows that have a target, every mistake a 400.
 */
export function prepareData(o: {
  data: Frame;
  target: string;
  algorithm: string;
  params?: Record<string, unknown>;
  preprocessing?: unknown;
}): PreparedData {
  const targetCol = o.data.columns.find((c) => c.name === o.target);
  if (!targetCol)
    throw badRequest(
      'unknown_column',
      `no column '${o.target}' to predict (columns: ${o.data.columns.map((c) => c.name).join(', ')})`,
    );
  const spec = learnerSpec(o.algorithm);
  const task = inferTask(targetCol.kind, spec);
  const prep = parsePreprocessing(o.preprocessing);
  if (o.target in prep.columns)
    throw badRequest(
      'invalid_preprocessing',
      `preprocessing: '${o.target}' is the target; preprocessing applies to the features only`,
    );
  const unknownCols = Object.keys(prep.columns).filter((n) => !o.data.columns.some((c) => c.name === n));
  if (unknownCols.length)
    throw badRequest(
      'unknown_column',
      `preprocessing names column${unknownCols.length > 1 ? 's' : ''} ${unknownCols.join(', ')}, which the data lacks`,
    );
  // A dropped column is no feature: serving does not ask for it.
  const dropped = new Set(droppedColumns(prep));
  const featureCols = o.data.columns.filter((c) => c.name !== o.target && !dropped.has(c.name));
  if (featureCols.length === 0)
    throw badRequest('no_features', `there are no feature columns besides the target '${o.target}'`);
  const features: FeatureSpec[] = featureCols.map((c) => ({ name: c.name, kind: c.kind }));
  // Unknown parameters fail here, before any work.
  createLearner(o.algorithm, task, o.params ?? {});

  const data = labelled(o.data, targetCol, features);
  if (data.X.nRows < MIN_ROWS)
    throw badRequest(
      'too_few_rows',
      `only ${data.X.nRows} rows have a value for '${o.target}'; need at least ${MIN_ROWS}`,
    );
  const classes = task === 'classification' ? [...new Set(asStrings(data.labels))].sort() : null;
  if (classes && classes.length < 2)
    throw badRequest(
      'one_class',
      `'${o.target}' has a single class ('${classes[0]}'); classification needs two or more`,
    );
  // A classifier on a numeric target with mostly distinct values is almost surely a mistake.
  if (classes && targetCol.kind === 'numeric' && classes.length > 20 && classes.length > data.X.nRows / 2)
    throw badRequest(
      'too_many_classes',
      `'${o.target}' has ${classes.length} distinct values in ${data.X.nRows} rows; ${o.algorithm} classifies, so use a regression algorithm`,
    );
  const y = toTarget(data.labels, classes);
  return { task, spec, prep, features, targetCol, data, classes, y };
}

/** The feature columns of the rows whose target is present, with the target as numbers (regression) or label strings. */
function labelled(
  frame: Frame,
  targetCol: Column,
  features: FeatureSpec[],
): { X: Frame; labels: Float64Array | string[] } {
  const keep: number[] = [];
  for (let i = 0; i < frame.nRows; i++) {
    const v = targetCol.values[i];
    if (v !== null && !(typeof v === 'number' && Number.isNaN(v))) keep.push(i);
  }
  const names = new Set(features.map((f) => f.name));
  const X = takeRows({ nRows: frame.nRows, columns: frame.columns.filter((c) => names.has(c.name)) }, keep);
  const labels =
    targetCol.kind === 'numeric'
      ? Float64Array.from(keep, (i) => targetCol.values[i])
      : keep.map((i) => targetCol.values[i] as string);
  return { X, labels };
}

/** A numeric target's labels are its values' string forms: 0 → '0'. */
const asStrings = (labels: Float64Array | string[]) =>
  labels instanceof Float64Array ? Array.from(labels, String) : labels;

/** Regression values, or labels as indices into the sorted classes. */
function toTarget(labels: Float64Array | string[], classes: string[] | null): Target {
  if (!classes) {
    if (labels instanceof Float64Array) return { task: 'regression', values: labels };
    // A test file whose reader typed the target as text.
    const values = Float64Array.from(labels, (s) => Number(s));
    const bad = labels.findIndex((s, i) => s.trim() === '' || !Number.isFinite(values[i]));
    if (bad >= 0)
      throw badRequest('invalid_column_type', `the target should be numeric, found '${labels[bad]}'`);
    return { task: 'regression', values };
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  return {
    task: 'classification',
    labels: Int32Array.from(asStrings(labels), (s) => index.get(s)!),
    classes,
  };
}

/** A supervised algorithm's target, or a 400 that says why it is needed. */
export function requireTarget(algorithm: string, target: string | null | undefined): string {
  if (typeof target === 'string' && target !== '') return target;
  const spec = learnerSpec(algorithm);
  throw badRequest(
    'missing_target',
    `${algorithm} is supervised (${spec.tasks.join(', ')}): give the column to predict as the target; only unsupervised algorithms (clustering, anomaly detection) train without one`,
  );
}

/** Rows of the silhouette's sample: its cost grows with the square of this. */
const SILHOUETTE_SAMPLE = 2000;

/** An unsupervised training request, checked: the features and, when a target is named, the known labels to score against. */
export interface PreparedUnsupervised {
  task: UnsupervisedTask;
  spec: UnsupervisedLearnerSpec;
  prep: ResolvedSpec;
  features: FeatureSpec[];
  /** The feature columns of the rows used (all rows, or those with a label when one is named). */
  X: Frame;
  /**
   * The known labels of those rows, when a target is named: clustering, an index into
   * `classes`; anomaly detection, 1 for the anomaly class, 0 for the normal one.
   */
  truth: Int32Array | null;
  classes: string[] | null;
  /** Anomaly detection with a label: the label value taken as the anomaly (the rarer one). */
  anomalyClass: string | null;
}

/**
 * Checks an unsupervised request. Without a target every row is used. With one (the rule for
 * every unsupervised algorithm): the column is left out of the features, never seen by the
 * preprocessing or the learner, rows without it are dropped, and it only scores the result:
 * clustering against its classes (adjusted Rand index, purity); anomaly detection against a
 * two-valued label whose rarer value marks the anomalies (ROC AUC and average precision of
 * the anomaly score, precision and recall of the flags).
 */
export function prepareUnsupervised(o: {
  data: Frame;
  target?: string | null;
  algorithm: string;
  params?: Record<string, unknown>;
  preprocessing?: unknown;
}): PreparedUnsupervised {
  const spec = algorithmSpec(o.algorithm);
  if (!isUnsupervised(spec)) throw new Error(`${o.algorithm} is supervised`);
  const task = spec.tasks[0];
  const target = o.target ?? null;
  const targetCol = target === null ? null : o.data.columns.find((c) => c.name === target);
  if (targetCol === undefined)
    throw badRequest(
      'unknown_column',
      `no column '${target}' to score against (columns: ${o.data.columns.map((c) => c.name).join(', ')})`,
    );
  const prep = parsePreprocessing(o.preprocessing);
  if (target !== null && target in prep.columns)
    throw badRequest(
      'invalid_preprocessing',
      `preprocessing: '${target}' is the evaluation label; preprocessing applies to the features only`,
    );
  const unknownCols = Object.keys(prep.columns).filter((n) => !o.data.columns.some((c) => c.name === n));
  if (unknownCols.length)
    throw badRequest(
      'unknown_column',
      `preprocessing names column${unknownCols.length > 1 ? 's' : ''} ${unknownCols.join(', ')}, which the data lacks`,
    );
  const dropped = new Set(droppedColumns(prep));
  const featureCols = o.data.columns.filter((c) => c.name !== target && !dropped.has(c.name));
  if (featureCols.length === 0)
    throw badRequest(
      'no_features',
      target === null ? 'there are no feature columns' : `there are no feature columns besides '${target}'`,
    );
  const features: FeatureSpec[] = featureCols.map((c) => ({ name: c.name, kind: c.kind }));
  // Unknown or out-of-range parameters fail here, before any work.
  spec.create(o.params ?? {});

  let X: Frame;
  let truth: Int32Array | null = null;
  let classes: string[] | null = null;
  let anomalyClass: string | null = null;
  if (!targetCol) {
    const names = new Set(features.map((f) => f.name));
    X = { nRows: o.data.nRows, columns: o.data.columns.filter((c) => names.has(c.name)) };
  } else {
    const l = labelled(o.data, targetCol, features);
    X = l.X;
    const labels = asStrings(l.labels);
    classes = [...new Set(labels)].sort();
    const index = new Map(classes.map((c, k) => [c, k]));
    truth = Int32Array.from(labels, (s) => index.get(s)!);
    if (task === 'anomaly_detection') {
      if (classes.length !== 2)
        throw badRequest(
          'invalid_target',
          `${o.algorithm} scores against a label with two values (normal and anomaly); '${target}' has ${classes.length}`,
        );
      const counts = [0, 0];
      for (const t of truth) counts[t]++;
      // The rarer value is the anomaly; on a tie, the later in sorted order ('1' over '0').
      const a = counts[0] < counts[1] ? 0 : 1;
      anomalyClass = classes[a];
      truth = truth.map((t) => (t === a ? 1 : 0));
    }
  }
  if (X.nRows < MIN_ROWS)
    throw badRequest(
      'too_few_rows',
      target === null
        ? `only ${X.nRows} rows; need at least ${MIN_ROWS}`
        : `only ${X.nRows} rows have a value for '${target}'; need at least ${MIN_ROWS}`,
    );
  return { task, spec, prep, features, X, truth, classes, anomalyClass };
}

/**
 * Trains a clustering or anomaly-detection model: the same seeded split (stratified by the
 * label when one is named), the same profile-driven preprocessing fitted on the training
 * rows (without a target: no target encoding), the learner fitted on the features alone,
 * and the test rows scored (metrics in unsupervisedMetrics).
 */
async function trainUnsupervised(
  o: TrainOptions & { seed: number; testFraction: number; validationFraction: number },
  spec: UnsupervisedLearnerSpec,
): Promise<TrainResult> {
  const { task, prep, features, X, truth, classes, anomalyClass } = prepareUnsupervised(o);
  const learner = spec.create(o.params ?? {});
  const seed = o.seed;

  let test: { X: Frame; truth: Int32Array | null } | null = null;
  if (o.testData) {
    const target = o.target ?? null;
    requireColumns(o.testData, [...(target === null ? [] : [target]), ...features.map((f) => f.name)]);
    const tcol = target === null ? null : o.testData.columns.find((c) => c.name === target)!;
    if (!tcol) test = { X: o.testData, truth: null };
    else {
      const t = labelled(o.testData, tcol, features);
      const labels = asStrings(t.labels);
      if (anomalyClass !== null) {
        const unseen = [...new Set(labels)].filter((c) => !classes!.includes(c));
        if (unseen.length)
          throw badRequest(
            'unknown_class',
            `the test data's '${target}' has values the training data lacks: ${unseen.slice(0, 10).join(', ')}`,
          );
        test = { X: t.X, truth: Int32Array.from(labels, (s) => (s === anomalyClass ? 1 : 0)) };
      } else {
        // Clustering scores a partition: the test labels need not match the training ones.
        const idx = new Map<string, number>();
        test = {
          X: t.X,
          truth: Int32Array.from(labels, (s) => idx.get(s) ?? idx.set(s, idx.size).get(s)!),
        };
      }
    }
  }

  const strata: Target | number = truth
    ? { task: 'classification', labels: truth, classes: classes ?? ['normal', 'anomaly'] }
    : X.nRows;
  const parts = splitIndices(strata, {
    testFraction: o.testFraction,
    validationFraction: o.validationFraction,
    seed,
  });
  const pick = (idx: Int32Array) => ({
    X: takeRows(X, idx),
    truth: truth ? Int32Array.from(idx, (i) => truth[i]) : null,
  });
  if (!test) test = pick(parts.test);
  const trainX = takeRows(X, parts.train);

  const t0 = performance.now();
  // No target reaches the preprocessing: a named label is for scoring only.
  const {
    pipeline,
    Xt: trainXt,
    plan,
  } = fitPreprocessing(trainX, undefined, { needs: spec.input, preprocessing: prep, seed });
  await learner.fit(trainXt, { seed, signal: o.signal, onProgress: o.onProgress });
  const fit_s = (performance.now() - t0) / 1000;

  const model = new Model(task, null, o.algorithm, features, null, pipeline, learner);
  const score = (part: { X: Frame; truth: Int32Array | null }): Metrics => {
    const Xt = pipeline.transform(part.X);
    return unsupervisedMetrics(task, Xt, learner.predict(Xt), learner.score(Xt), part.truth, {
      k: task === 'clustering' ? (learner.params.n_clusters as number) : 0,
      seed,
    });
  };
  const validation = parts.validation.length > 0 ? pick(parts.validation) : null;
  return scoreAndReport(model, plan, fit_s, parts, score, test, validation);
}

/**
 * The metrics of an unsupervised model on rows `Xt` (preprocessed). Clustering: inertia (the
 * sum of squared distances to the nearest centre, in the preprocessed space), silhouette (on
 * a seeded sample of at most 2000 rows, left out with fewer than two clusters), cluster_sizes,
 * and against known labels adjusted_rand and purity. Anomaly detection: anomaly_rate, and
 * against known labels (1 = anomaly) label_rate, roc_auc and pr_auc of the anomaly score,
 * precision, recall and f1 of the flags.
 */
export function unsupervisedMetrics(
  task: UnsupervisedTask,
  Xt: Frame,
  pred: Float64Array,
  score: Float64Array,
  truth: Int32Array | null,
  o: { k: number; seed: number },
): Metrics {
  if (task === 'anomaly_detection') return anomalyMetrics(pred, score, truth ?? undefined);
  let inertia = 0;
  for (const s of score) inertia += s * s;
  const out: Metrics = { inertia };
  if (new Set(pred).size >= 2 && pred.length >= 3)
    out.silhouette = silhouette(Xt, pred, SILHOUETTE_SAMPLE, o.seed);
  out.cluster_sizes = clusterSizes(pred, o.k);
  if (truth) {
    out.adjusted_rand = adjustedRandIndex(truth, pred);
    out.purity = purity(truth, pred);
  }
  return out;
}
