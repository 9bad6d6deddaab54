import type { Column, Frame } from '../frame.js';
import { columnIndex, registerStep, replaceColumns, type Step, type StepJSON } from './step.js';

/** Fills NaN in numeric columns with the training median (0 for a column with no values). */
export class MedianImputer implements Step {
  readonly type = 'median_imputer';
  constructor(
    readonly columns: string[],
    public fills: number[] = [],
  ) {}

  fit(X: Frame): void {
    this.fills = this.columns.map((name) => {
      const c = X.columns[columnIndex(X, name)];
      if (c.kind !== 'numeric') throw new Error(`median_imputer: column '${name}' is not numeric`);
      const v = c.values.filter((x) => !Number.isNaN(x)).sort();
      if (v.length === 0) return 0;
      const m = v.length >> 1;
      return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
    });
  }

  transform(X: Frame): Frame {
    const replace = new Map<number, Column[]>();
    this.columns.forEach((name, k) => {
      const j = columnIndex(X, name);
      const c = X.columns[j];
      if (c.kind !== 'numeric') throw new Error(`median_imputer: column '${name}' is not numeric`);
      if (!c.values.some(Number.isNaN)) return;
      const fill = this.fills[k];
      replace.set(j, [{ name, kind: 'numeric', values: c.values.map((x) => (Number.isNaN(x) ? fill : x)) }]);
    });
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, fills: this.fills };
  }
}

/**
 * Fills nulls in categorical columns with the training's most frequent value; ties go to the
 * smallest value, as scikit-learn breaks them. A column with no values stays null.
 */
export class MostFrequentImputer implements Step {
  readonly type = 'most_frequent_imputer';
  constructor(
    readonly columns: string[],
    public fills: (string | null)[] = [],
  ) {}

  fit(X: Frame): void {
    this.fills = this.columns.map((name) => {
      const c = X.columns[columnIndex(X, name)];
      if (c.kind !== 'categorical')
        throw new Error(`most_frequent_imputer: column '${name}' is not categorical`);
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
      if (c.kind !== 'categorical')
        throw new Error(`most_frequent_imputer: column '${name}' is not categorical`);
      const fill = this.fills[k];
      if (fill === null || !c.values.includes(null)) return;
      replace.set(j, [{ name, kind: 'categorical', values: c.values.map((v) => v ?? fill) }]);
    });
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, fills: this.fills };
  }
}

registerStep('median_imputer', (j) => new MedianImputer(j.columns, j.fills as number[]));
registerStep(
  'most_frequent_imputer',
  (j) => new MostFrequentImputer(j.columns, j.fills as (string | null)[]),
);
