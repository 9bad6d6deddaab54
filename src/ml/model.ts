import { badRequest } from '../core/errors.js';
import { isUnsupervisedTask, type Column, type Frame, type ModelTask } from './frame.js';
import type {
  Learner,
  SerializedLearner,
  SerializedUnsupervised,
  UnsupervisedLearner,
} from './learners/contract.js';
import { learnerFromJSON, unsupervisedFromJSON } from './learners/index.js';
import { linearWeights } from './learners/linear/weights.js';
import { pipelineFromJSON, type Pipeline } from './prep/pipeline.js';
import type { StandardScaler } from './prep/scale.js';

export interface FeatureSpec {
  name: string;
  kind: 'numeric' | 'categorical';
}

export const MODEL_FORMAT = 'neutrino.model/v1';

/** A model as plain JSON: what is stored in the registry and loaded by serving. */
export interface ModelDocument {
  format: 'neutrino.model/v1';
  task: ModelTask;
  /** The column predicted; null for clustering and anomaly detection, which predict none. */
  target: string | null;
  algorithm: string;
  features: FeatureSpec[];
  classes: string[] | null;
  pipeline: unknown;
  learner: SerializedLearner | SerializedUnsupervised;
}

export interface PredictResult {
  /**
   * Regression: values; classification: classes; clustering: the cluster index; anomaly
   * detection: -1 for an anomaly, 1 for a normal row.
   */
  predictions: (number | string)[];
  /**
   * Clustering: the distance to the row's cluster centre (in the preprocessed space).
   * Anomaly detection: the anomaly score, in (0, 1], higher for more abnormal rows.
   */
  scores?: number[];
  /** Classification: per row, one probability per class in `classes` order. */
  probabilities?: number[][];
  classes?: string[];
}

const invalidModel = (why: string) =>
  badRequest('invalid_model', `not a usable ${MODEL_FORMAT} document: ${why}`);
const invalidRows = (why: string) => badRequest('invalid_rows', why);

/**
 * The deployable unit: the feature schema a caller must supply, the preprocessing fitted at
 * training, and the fitted learner. Raw rows in, predictions in the target's own terms out.
 */
export class Model {
  constructor(
    readonly task: ModelTask,
    readonly target: string | null,
    readonly algorithm: string,
    readonly features: FeatureSpec[],
    readonly classes: string[] | null,
    readonly pipeline: Pipeline,
    readonly learner: Learner | UnsupervisedLearner,
  ) {}

  /** Clustering or anomaly detection: fitted on the features alone. */
  get unsupervised(): boolean {
    return isUnsupervisedTask(this.task);
  }

  static fromDocument(doc: ModelDocument): Model {
    const d = doc as Partial<ModelDocument> | null;
    if (!d || typeof d !== 'object') throw invalidModel('not an object');
    if (d.format !== MODEL_FORMAT) throw invalidModel(`format is '${String(d.format)}'`);
    if (d.task !== 'regression' && d.task !== 'classification' && !isUnsupervisedTask(String(d.task)))
      throw invalidModel(`task is '${String(d.task)}'`);
    const task = d.task as ModelTask;
    const unsupervised = isUnsupervisedTask(task);
    if (typeof d.algorithm !== 'string') throw invalidModel('algorithm missing');
    if (unsupervised ? d.target !== null && d.target !== undefined : typeof d.target !== 'string')
      throw invalidModel(unsupervised ? `a ${d.task} model predicts no target` : 'target missing');
    if (
      !Array.isArray(d.features) ||
      !d.features.every(
        (f) => f && typeof f.name === 'string' && (f.kind === 'numeric' || f.kind === 'categorical'),
      )
    )
      throw invalidModel('features must be a list of {name, kind}');
    if (
      d.task === 'classification' &&
      !(Array.isArray(d.classes) && d.classes.every((c) => typeof c === 'string'))
    )
      throw invalidModel('a classifier needs its classes');
    if (!d.learner || typeof d.learner !== 'object') throw invalidModel('learner missing');
    if (d.learner.algorithm !== d.algorithm)
      throw invalidModel(`learner is '${d.learner.algorithm}', not '${d.algorithm}'`);
    if (unsupervised && d.learner.task !== task)
      throw invalidModel(`learner does ${String(d.learner.task)}, not ${task}`);
    return new Model(
      task,
      unsupervised ? null : d.target!,
      d.algorithm,
      d.features.map((f) => ({ name: f.name, kind: f.kind })),
      d.task === 'classification' ? d.classes!.slice() : null,
      pipelineFromJSON(d.pipeline),
      unsupervised
        ? unsupervisedFromJSON(d.learner as SerializedUnsupervised)
        : learnerFromJSON(d.learner as SerializedLearner),
    );
  }

  toDocument(): ModelDocument {
    return {
      format: MODEL_FORMAT,
      task: this.task,
      target: this.target,
      algorithm: this.algorithm,
      features: this.features.map((f) => ({ ...f })),
      classes: this.classes ? this.classes.slice() : null,
      pipeline: this.pipeline.toJSON(),
      learner: this.learner.toJSON(),
    };
  }

  /**
   * Rows as JSON objects → a frame in the feature schema. Every feature must be present
   * (null means missing); numeric features take numbers, categorical ones strings (numbers
   * are taken as their string form); other keys are ignored.
   */
  rowsToFrame(rows: unknown): Frame {
    if (!Array.isArray(rows) || rows.length === 0)
      throw invalidRows('rows must be a non-empty array of objects');
    const n = rows.length;
    const columns: Column[] = this.features.map((f) =>
      f.kind === 'numeric'
        ? { name: f.name, kind: 'numeric', values: new Float64Array(n) }
        : { name: f.name, kind: 'categorical', values: new Array<string | null>(n) },
    );
    rows.forEach((row: unknown, i) => {
      if (row === null || typeof row !== 'object' || Array.isArray(row))
        throw invalidRows(`row ${i} must be an object of feature values`);
      const r = row as Record<string, unknown>;
      this.features.forEach((f, j) => {
        const v = r[f.name];
        if (v === undefined)
          throw invalidRows(`row ${i}: feature '${f.name}' is missing (use null for a missing value)`);
        const col = columns[j];
        if (col.kind === 'numeric') {
          if (v === null) col.values[i] = NaN;
          else if (typeof v === 'number' && Number.isFinite(v)) col.values[i] = v;
          else
            throw invalidRows(
              `row ${i}: feature '${f.name}' must be a finite number or null, got ${describe(v)}`,
            );
        } else {
          if (v === null) col.values[i] = null;
          else if (typeof v === 'string') col.values[i] = v;
          else if (typeof v === 'number' && Number.isFinite(v)) col.values[i] = String(v);
          else
            throw invalidRows(`row ${i}: feature '${f.name}' must be a string or null, got ${describe(v)}`);
        }
      });
    });
    return { nRows: n, columns };
  }

  predictRows(rows: unknown): PredictResult {
    return this.predictFrame(this.rowsToFrame(rows));
  }

  /** Predictions for a raw frame (the feature columns, by name; other columns are ignored). */
  predictFrame(X: Frame): PredictResult {
    const Xt = this.pipeline.transform(X);
    const pred = this.learner.predict(Xt);
    if (this.unsupervised)
      return {
        predictions: Array.from(pred),
        scores: Array.from((this.learner as UnsupervisedLearner).score(Xt)),
      };
    if (this.task === 'regression') return { predictions: Array.from(pred) };
    const classes = this.classes!;
    const out: PredictResult = { predictions: Array.from(pred, (k) => classes[k]), classes: classes.slice() };
    const learner = this.learner as Learner;
    if (learner.predictProba) {
      const p = learner.predictProba(Xt);
      const K = classes.length;
      out.probabilities = Array.from({ length: X.nRows }, (_, i) =>
        Array.from(p.subarray(i * K, (i + 1) * K)),
      );
    }
    return out;
  }

  /**
   * For a linear model over numeric features only: intercept and weights in the units of the
   * raw features, undoing standardization (w / scale, intercept - Σ w mean / scale). For a
   * binary classifier, on the log-odds of the second class. Null otherwise.
   */
  linearCoefficients(): { intercept: number; weights: Record<string, number> } | null {
    if (this.unsupervised || !this.features.every((f) => f.kind === 'numeric')) return null;
    const lw = linearWeights(this.learner as Learner);
    if (!lw) return null;
    const scaler = this.pipeline.step<StandardScaler>('standard_scaler');
    let intercept = lw.intercept;
    const weights: Record<string, number> = {};
    lw.names.forEach((name, j) => {
      const k = scaler ? scaler.columns.indexOf(name) : -1;
      const scale = k >= 0 ? scaler!.scales[k] : 1;
      const mean = k >= 0 ? scaler!.means[k] : 0;
      weights[name] = lw.coef[j] / scale;
      intercept -= (lw.coef[j] * mean) / scale;
    });
    return { intercept, weights };
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `string '${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v;
}
