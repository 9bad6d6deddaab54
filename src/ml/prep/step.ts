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
