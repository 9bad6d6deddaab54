import { performance } from 'node:perf_hooks';
import { badRequest, CancelledError } from '../core/errors.js';
import { takeRows, takeTarget, type Column, type Frame, type Target, type Task } from './frame.js';
import type { FitProgress, LearnerSpec } from './learners/contract.js';
import { createLearner, learnerSpec } from './learners/index.js';
import { evaluate, type Metrics } from './metrics/index.js';
import { Model, type FeatureSpec } from './model.js';
import { droppedColumns, parsePreprocessing, type ResolvedSpec } from './prep/spec.js';
import { fitPreprocessing, type PreprocessingPlan } from './prep/transformer.js';
import { splitIndices } from './split.js';

export interface TrainOptions {
  data: Frame;
  target: string;
  algorithm: string;
  params?: Record<string, unknown>;
  seed?: number;
  /** Share of `data` held out for the test metrics (default 0.2); unused when testData is given. */
  testFraction?: number;
  /** Share of `data` held out for validation during fitting (default 0.1; 0 for none). */
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
  task: Task;
  /** On the test rows. */
  metrics: Metrics;
  validationMetrics: Metrics | null;
  timings: { fit_s: number; evaluate_s: number };
  rows: { train: number; validation: number; test: number };
  /** What preprocessing each column got. */
  preprocessing: PreprocessingPlan;
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
  const testFraction = o.testData ? 0 : (o.testFraction ?? 0.2);
  const validationFraction = o.validationFraction ?? 0.1;
  for (const [name, f] of [
    ['testFraction', testFraction],
    ['validationFraction', validationFraction],
  ] as const)
    if (typeof f !== 'number' || !Number.isFinite(f) || f < 0 || f >= 1)
      throw badRequest('invalid_fraction', `${name} must be at least 0 and below 1, got ${String(f)}`);
  if (testFraction + validationFraction >= 0.95)
    throw badRequest('invalid_fraction', `testFraction + validationFraction leave too few rows to train on`);

  const { task, spec, prep, features, data, classes, y } = prepareData(o);
  // The learner is created early so that unknown parameters fail before any work.
  const learner = createLearner(o.algorithm, task, o.params ?? {});

  let test: { X: Frame; y: Target } | null = null;
  if (o.testData) {
    const tcol = o.testData.columns.find((c) => c.name === o.target);
    const missing = features
      .filter((f) => !o.testData!.columns.some((c) => c.name === f.name))
      .map((f) => f.name);
    if (!tcol) missing.unshift(o.target);
    if (missing.length)
      throw badRequest(
        'missing_column',
        `the test data lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      );
    const t = labelled(o.testData, tcol!, features);
    if (t.X.nRows === 0)
      throw badRequest('too_few_rows', `the test data has no rows with a value for '${o.target}'`);
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
    throw badRequest('one_class', `the training split of '${o.target}' has a single class; use more data`);

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

  const model = new Model(task, o.target, o.algorithm, features, classes, pipeline, learner);
  const t1 = performance.now();
  const score = (X: Frame, yy: Target): Metrics => {
    if (X.nRows === 0) return {};
    const Xt = pipeline.transform(X);
    return evaluate(
      yy,
      learner.predict(Xt),
      task === 'classification' ? learner.predictProba?.(Xt) : undefined,
    );
  };
  const metrics = score(test.X, test.y);
  const evaluate_s = (performance.now() - t1) / 1000;
  const validationMetrics = validation ? score(takeRows(data.X, parts.validation), validation.y) : null;

  return {
    model,
    task,
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
