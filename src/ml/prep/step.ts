import { badRequest } from '../../core/errors.js';
import type { Column, Frame, Target } from '../frame.js';

/** A step's plain-JSON form: its type name, the columns it acts on, and what it learned. */
export interface StepJSON {
  type: string;
  columns: string[];
  [key: string]: unknown;
}

/**
 * One preprocessing step of a column transformer: it acts on the named columns and passes
 * every other column through untouched. Steps are fitted on training rows only, then
 * replayed on any frame; each one serializes itself so a model carries its preprocessing.
 */
export interface Step {
  readonly type: string;
  readonly columns: string[];
  /** Learns what it needs from training rows; `y` is there for target-aware steps. */
  fit(X: Frame, y?: Target): void;
  transform(X: Frame): Frame;
  /**
   * Fits and returns the training rows' transform, where that differs from `transform` of the
   * same rows: a target encoder gives training rows out-of-fold values so that no row sees
   * its own target. Steps without it are fitted, then transformed.
   */
  fitTransform?(X: Frame, y?: Target): Frame;
  toJSON(): StepJSON;
}

const registry = new Map<string, (json: StepJSON) => Step>();

/** Makes a step type loadable from JSON; each step module registers itself. */
export function registerStep(type: string, fromJSON: (json: StepJSON) => Step): void {
  registry.set(type, fromJSON);
}

export function stepFromJSON(json: StepJSON): Step {
  const make = registry.get(json?.type);
  if (!make)
    throw badRequest(
      'invalid_pipeline',
      `unknown preprocessing step '${String(json?.type)}' (known: ${[...registry.keys()].join(', ')})`,
    );
  return make(json);
}

/** The frame's column named `name`; a step applied to a frame without it is a programming error. */
export function columnIndex(X: Frame, name: string): number {
  const j = X.columns.findIndex((c) => c.name === name);
  if (j < 0) throw badRequest('missing_column', `column '${name}' is missing`);
  return j;
}

/** A copy of the frame with some columns replaced (by index); the rest are shared, not copied. */
export function replaceColumns(X: Frame, replace: Map<number, Column[]>): Frame {
  const columns: Column[] = [];
  X.columns.forEach((c, j) => {
    const r = replace.get(j);
    if (r) columns.push(...r);
    else columns.push(c);
  });
  return { nRows: X.nRows, columns };
}

/** The values of a numeric column the step acts on; a categorical one is a user error. */
export function numericValues(X: Frame, name: string, step: string): Float64Array {
  const c = X.columns[columnIndex(X, name)];
  if (c.kind !== 'numeric')
    throw badRequest(
      'invalid_preprocessing',
      `${step} needs numeric columns, but '${name}' is categorical; encode it first (one_hot, ordinal, target_encode)`,
    );
  return c.values;
}

/** A column's values as strings (numbers in their string form, NaN as null), for encoders. */
export function stringValues(X: Frame, name: string): (string | null)[] {
  const c = X.columns[columnIndex(X, name)];
  if (c.kind === 'categorical') return c.values;
  return Array.from(c.values, (x) => (Number.isNaN(x) ? null : String(x)));
}

/** The values of a categorical (text) column; numbers are a user error for text and date steps. */
export function textValues(X: Frame, name: string, step: string): (string | null)[] {
  const c = X.columns[columnIndex(X, name)];
  if (c.kind !== 'categorical')
    throw badRequest('invalid_preprocessing', `${step} needs a text column, but '${name}' is numeric`);
  return c.values;
}

/** Fits then transforms, or the step's own fitTransform where it has one. */
export function fitTransformStep(s: Step, X: Frame, y?: Target): Frame {
  if (s.fitTransform) return s.fitTransform(X, y);
  s.fit(X, y);
  return s.transform(X);
}
