import type { Column, Frame } from '../frame.js';
import { columnIndex, registerStep, replaceColumns, stringValues, type Step, type StepJSON } from './step.js';

/**
 * Replaces each categorical column by one numeric column of category codes: the training
 * categories sorted as strings get 0, 1, 2, ... (scikit-learn's OrdinalEncoder). A category
 * unseen in training becomes `unknown`: -1 by default, so a tree can still split it off and
 * no NaN reaches a learner; NaN when asked for ('nan'), for learners that take missing values.
 * A missing value (null) stays missing: NaN, for an imputer or the learner to handle.
 */
export class OrdinalEncoder implements Step {
  readonly type = 'ordinal';
  constructor(
    readonly columns: string[],
    public categories: string[][] = [],
    readonly unknown: number = -1,
  ) {}

  fit(X: Frame): void {
    this.categories = this.columns.map((name) => {
      const seen = new Set<string>();
      for (const v of stringValues(X, name)) if (v !== null) seen.add(v);
      return [...seen].sort();
    });
  }

  transform(X: Frame): Frame {
    const replace = new Map<number, Column[]>();
    this.columns.forEach((name, k) => {
      const j = columnIndex(X, name);
      const values = stringValues(X, name);
      const code = new Map(this.categories[k].map((c, i) => [c, i]));
      const out = new Float64Array(X.nRows);
      for (let i = 0; i < X.nRows; i++) {
        const v = values[i];
        out[i] = v === null ? NaN : (code.get(v) ?? this.unknown);
      }
      replace.set(j, [{ name, kind: 'numeric', values: out }]);
    });
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return {
      type: this.type,
      columns: this.columns,
      categories: this.categories,
      // JSON has no NaN.
      unknown: Number.isNaN(this.unknown) ? 'nan' : this.unknown,
    };
  }
}

registerStep(
  'ordinal',
  (j) =>
    new OrdinalEncoder(
      j.columns,
      j.categories as string[][],
      j.unknown === 'nan' ? NaN : ((j.unknown as number | undefined) ?? -1),
    ),
);
