import { badRequest } from '../../core/errors.js';
import type { Column, ColumnKind, Frame, Target } from '../frame.js';
import type { InputNeeds } from '../learners/contract.js';
import { MedianImputer, MostFrequentImputer } from './impute.js';
import { OneHotEncoder } from './one-hot.js';
import { StandardScaler } from './scale.js';
import { stepFromJSON, type Step, type StepJSON } from './step.js';
// Every step type registers itself for pipelineFromJSON, so a served model finds them all.
import './steps.js';

export interface InputColumn {
  name: string;
  kind: ColumnKind;
}

export interface PipelineJSON {
  format: 'neutrino.pipeline/v1';
  /** The columns the pipeline reads, in order, with the kind it was fitted on. */
  input: InputColumn[];
  steps: StepJSON[];
  /** The column names it produces, in order. */
  output: string[];
}

/**
 * A fitted column transformer: a fixed input schema and an ordered list of steps. It reads
 * its input columns by name (extra columns, such as the target, are ignored) and replays the
 * steps, so the same preprocessing runs at training, evaluation and serving.
 */
export class Pipeline {
  constructor(
    readonly input: InputColumn[],
    readonly steps: Step[],
    readonly output: string[],
  ) {}

  transform(X: Frame): Frame {
    let out = conform(X, this.input);
    for (const s of this.steps) out = s.transform(out);
    return out;
  }

  /** The first step of a type, for callers that need what it learned (e.g. undoing scaling). */
  step<T extends Step = Step>(type: string): T | undefined {
    return this.steps.find((s) => s.type === type) as T | undefined;
  }

  toJSON(): PipelineJSON {
    return {
      format: 'neutrino.pipeline/v1',
      input: this.input,
      steps: this.steps.map((s) => s.toJSON()),
      output: this.output,
    };
  }
}

/**
 * Fits the preprocessing a learner asks for on training rows: median imputation of numeric
 * columns and most-frequent imputation of categorical ones (impute), standard scaling of the
 * numeric columns (scale), one-hot encoding of the categorical ones (oneHot). One-hot columns
 * are not scaled, as in the scikit-learn peers.
 */
export function fitPipeline(X: Frame, needs: InputNeeds, y?: Target): Pipeline {
  return fitTransformPipeline(X, needs, y).pipeline;
}

/** fitPipeline, with the training rows as the fit transformed them (no second transform). */
export function fitTransformPipeline(
  X: Frame,
  needs: InputNeeds,
  y?: Target,
): { pipeline: Pipeline; Xt: Frame } {
  const input = X.columns.map((c) => ({ name: c.name, kind: c.kind }));
  const numeric = input.filter((c) => c.kind === 'numeric').map((c) => c.name);
  const categorical = input.filter((c) => c.kind === 'categorical').map((c) => c.name);
  const steps: Step[] = [];
  if (needs.impute) {
    if (numeric.length) steps.push(new MedianImputer(numeric));
    if (categorical.length) steps.push(new MostFrequentImputer(categorical));
  }
  if (needs.scale && numeric.length) steps.push(new StandardScaler(numeric));
  if (needs.oneHot && categorical.length) steps.push(new OneHotEncoder(categorical));
  return fitTransformSteps(X, steps, y);
}

/** Fits a given list of steps in order, each on the previous one's output. */
export function fitSteps(X: Frame, steps: Step[], y?: Target): Pipeline {
  return fitTransformSteps(X, steps, y).pipeline;
}

/** fitSteps, with the training rows as the fit transformed them. */
export function fitTransformSteps(X: Frame, steps: Step[], y?: Target): { pipeline: Pipeline; Xt: Frame } {
  const input = X.columns.map((c) => ({ name: c.name, kind: c.kind }));
  let cur = X;
  for (const s of steps) {
    s.fit(cur, y);
    cur = s.transform(cur);
  }
  const pipeline = new Pipeline(
    input,
    steps,
    cur.columns.map((c) => c.name),
  );
  return { pipeline, Xt: cur };
}

export function pipelineFromJSON(json: unknown): Pipeline {
  const j = json as PipelineJSON;
  if (
    !j ||
    typeof j !== 'object' ||
    j.format !== 'neutrino.pipeline/v1' ||
    !Array.isArray(j.input) ||
    !Array.isArray(j.steps)
  )
    throw badRequest('invalid_pipeline', 'not a neutrino.pipeline/v1 document');
  return new Pipeline(
    j.input.map((c) => ({ name: c.name, kind: c.kind })),
    j.steps.map(stepFromJSON),
    Array.isArray(j.output) ? j.output : [],
  );
}

/**
 * The pipeline's input columns, in its order and kinds. A file read separately (a test set)
 * can type a column differently: numbers in a categorical column become strings, and a
 * text column of numbers becomes numeric; anything else is a user error.
 */
export function conform(X: Frame, input: InputColumn[]): Frame {
  const byName = new Map(X.columns.map((c) => [c.name, c]));
  const missing = input.filter((c) => !byName.has(c.name)).map((c) => c.name);
  if (missing.length)
    throw badRequest(
      'missing_column',
      `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`,
    );
  const columns = input.map((want): Column => {
    const c = byName.get(want.name)!;
    if (c.kind === want.kind) return c;
    if (want.kind === 'categorical') {
      const v = Array.from(c.values as Float64Array, (x) => (Number.isNaN(x) ? null : String(x)));
      return { name: c.name, kind: 'categorical', values: v };
    }
    const v = new Float64Array(X.nRows);
    (c.values as (string | null)[]).forEach((s, i) => {
      const t = s === null ? '' : s.trim();
      const x = t === '' ? NaN : Number(t);
      if (t !== '' && !Number.isFinite(x))
        throw badRequest(
          'invalid_column_type',
          `column '${c.name}' should be numeric, found '${s}' in row ${i}`,
        );
      v[i] = x;
    });
    return { name: c.name, kind: 'numeric', values: v };
  });
  return { nRows: X.nRows, columns };
}
