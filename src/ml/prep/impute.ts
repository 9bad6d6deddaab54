import { badRequest } from '../../core/errors.js';
import type { Column, Frame } from '../frame.js';
import { fillNaN, hasNaN, meanOf, medianOf } from './stats.js';
import {
  columnIndex,
  numericValues,
  registerStep,
  replaceColumns,
  stringValues,
  type Step,
  type StepJSON,
} from './step.js';

/** Replaces NaN in numeric columns by one learned fill per column. */
abstract class NumericFill implements Step {
  abstract readonly type: string;
  constructor(
    readonly columns: string[],
    public fills: number[] = [],
  ) {}

  protected abstract fillFor(values: Float64Array): number;

  fit(X: Frame): void {
    this.fills = this.columns.map((name) => {
      const f = this.fillFor(numericValues(X, name, this.type));
      // A column with no values at all in training: 0, so the learner still gets numbers.
      return Number.isNaN(f) ? 0 : f;
    });
  }

  transform(X: Frame): Frame {
    const replace = new Map<number, Column[]>();
    this.columns.forEach((name, k) => {
      const j = columnIndex(X, name);
      const v = numericValues(X, name, this.type);
      if (hasNaN(v)) replace.set(j, [{ name, kind: 'numeric', values: fillNaN(v, this.fills[k]) }]);
    });
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, fills: this.fills };
  }
}

/** Fills NaN in numeric columns with the training median (0 for a column with no values). */
export class MedianImputer extends NumericFill {
  readonly type = 'median_imputer';
  protected fillFor(v: Float64Array): number {
    return medianOf(v);
  }
}

/** Fills NaN in numeric columns with the training mean (0 for a column with no values). */
export class MeanImputer extends NumericFill {
  readonly type = 'mean_imputer';
  protected fillFor(v: Float64Array): number {
    return meanOf(v);
  }
}

/**
 * Fills nulls in categorical columns with the training's most frequent value; ties go to the
 * smallest value, as scikit-learn breaks them. A column with no values stays null. Numeric
 * columns are filled with their most frequent number (ties: the smallest) the same way.
 */
export class MostFrequentImputer implements Step {
  readonly type = 'most_frequent_imputer';
  constructor(
    readonly columns: string[],
    public fills: (string | number | null)[] = [],
  ) {}

  fit(X: Frame): void {
    this.fills = this.columns.map((name) => {
      const c = X.columns[columnIndex(X, name)];
      if (c.kind === 'numeric') {
        const counts = new Map<number, number>();
        for (const v of c.values) if (!Number.isNaN(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
        let best: number | null = null;
        let bestCount = 0;
        for (const [v, n] of counts)
          if (n > bestCount || (n === bestCount && best !== null && v < best)) [best, bestCount] = [v, n];
        return best;
      }
      const counts = new Map<string, number>();
      for (const v of c.values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
      let best: string | null = null;
      let bestCount = 0;
      for (const [v, n] of counts)
        if (n > bestCount || (n === bestCount && best !== null && v < best)) [best, bestCount] = [v, n];
      return best;
    });
  }

  transform(X: Frame): Frame {
    const replace = new Map<number, Column[]>();
    this.columns.forEach((name, k) => {
      const j = columnIndex(X, name);
      const c = X.columns[j];
      const fill = this.fills[k];
      if (fill === null) return;
      if (c.kind === 'numeric') {
        if (!hasNaN(c.values)) return;
        const f = Number(fill);
        replace.set(j, [{ name, kind: 'numeric', values: fillNaN(c.values, f) }]);
      } else {
        if (!c.values.includes(null)) return;
        const f = String(fill);
        replace.set(j, [{ name, kind: 'categorical', values: c.values.map((v) => v ?? f) }]);
      }
    });
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, fills: this.fills };
  }
}

/**
 * Fills missing values with a constant: `value` when given (a number for numeric columns, a
 * string for categorical ones), else 0 for numbers and 'missing' for categories. It learns
 * nothing, so training and serving agree trivially.
 */
export class ConstantImputer implements Step {
  readonly type = 'constant_imputer';
  constructor(
    readonly columns: string[],
    readonly value: string | number | null = null,
  ) {}

  fit(X: Frame): void {
    for (const name of this.columns) {
      const c = X.columns[columnIndex(X, name)];
      if (c.kind === 'numeric' && this.value !== null && typeof this.value !== 'number')
        throw badRequest(
          'invalid_preprocessing',
          `constant_impute: column '${name}' is numeric, so its fill value must be a number, got '${this.value}'`,
        );
    }
  }

  transform(X: Frame): Frame {
    const replace = new Map<number, Column[]>();
    for (const name of this.columns) {
      const j = columnIndex(X, name);
      const c = X.columns[j];
      if (c.kind === 'numeric') {
        const f = typeof this.value === 'number' ? this.value : 0;
        if (hasNaN(c.values)) replace.set(j, [{ name, kind: 'numeric', values: fillNaN(c.values, f) }]);
      } else {
        const f = this.value === null ? 'missing' : String(this.value);
        if (c.values.includes(null))
          replace.set(j, [{ name, kind: 'categorical', values: c.values.map((v) => v ?? f) }]);
      }
    }
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, value: this.value };
  }
}

/**
 * Adds a 0/1 column `name.missing` right after each column that had missing values in
 * training (scikit-learn's add_indicator, features='missing-only'): a learner can then use
 * the fact that a value was absent, which imputation alone hides. Runs before the imputer.
 */
export class MissingIndicator implements Step {
  readonly type = 'missing_indicator';
  constructor(
    readonly columns: string[],
    public flagged: string[] = [],
  ) {}

  fit(X: Frame): void {
    this.flagged = this.columns.filter((name) => stringValues(X, name).includes(null));
  }

  transform(X: Frame): Frame {
    const replace = new Map<number, Column[]>();
    for (const name of this.flagged) {
      const j = columnIndex(X, name);
      const c = X.columns[j];
      const ind = new Float64Array(X.nRows);
      if (c.kind === 'numeric') c.values.forEach((x, i) => (ind[i] = Number.isNaN(x) ? 1 : 0));
      else c.values.forEach((x, i) => (ind[i] = x === null ? 1 : 0));
      replace.set(j, [c, { name: `${name}.missing`, kind: 'numeric', values: ind }]);
    }
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, flagged: this.flagged };
  }
}

registerStep('median_imputer', (j) => new MedianImputer(j.columns, j.fills as number[]));
registerStep('mean_imputer', (j) => new MeanImputer(j.columns, j.fills as number[]));
registerStep(
  'most_frequent_imputer',
  (j) => new MostFrequentImputer(j.columns, j.fills as (string | number | null)[]),
);
registerStep(
  'constant_imputer',
  (j) => new ConstantImputer(j.columns, (j.value as string | number | null | undefined) ?? null),
);
registerStep('missing_indicator', (j) => new MissingIndicator(j.columns, j.flagged as string[]));
