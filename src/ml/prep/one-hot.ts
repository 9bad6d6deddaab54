import type { Column, Frame } from '../frame.js';
import { columnIndex, registerStep, replaceColumns, stringValues, type Step, type StepJSON } from './step.js';

/** Categories kept per column by default: an ID or timestamp column must not become 40,000 dense columns. */
export const MAX_CATEGORIES = 200;

/**
 * Replaces each categorical column by one 0/1 column per training category, named
 * `column=category`, categories sorted as strings. A category unseen in training, or a
 * missing value, gives all zeros (scikit-learn's handle_unknown='ignore'). A column with more
 * than `maxCategories` categories keeps the most frequent ones; the rest encode as unseen.
 */
export class OneHotEncoder implements Step {
  readonly type = 'one_hot';
  constructor(
    readonly columns: string[],
    public categories: string[][] = [],
    readonly maxCategories = MAX_CATEGORIES,
  ) {}

  fit(X: Frame): void {
    this.categories = this.columns.map((name) => {
      // A numeric column is encoded by its values' string forms, as transform reads it.
      const counts = new Map<string, number>();
      for (const v of stringValues(X, name)) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
      let cats = [...counts.keys()];
      if (cats.length > this.maxCategories)
        cats = cats
          .sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : a > b ? 1 : 0))
          .slice(0, this.maxCategories);
      return cats.sort();
    });
  }

  transform(X: Frame): Frame {
    const n = X.nRows;
    const replace = new Map<number, Column[]>();
    this.columns.forEach((name, k) => {
      const j = columnIndex(X, name);
      // A numeric column where a categorical one was fitted: compare as strings.
      const values = stringValues(X, name);
      const cats = this.categories[k];
      const pos = new Map(cats.map((cat, i) => [cat, i]));
      const out = cats.map(() => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const p = v === null ? undefined : pos.get(v);
        if (p !== undefined) out[p][i] = 1;
      }
      replace.set(
        j,
        cats.map((cat, i): Column => ({ name: `${name}=${cat}`, kind: 'numeric', values: out[i] })),
      );
    });
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return {
      type: this.type,
      columns: this.columns,
      categories: this.categories,
      maxCategories: this.maxCategories,
    };
  }
}

registerStep(
  'one_hot',
  (j) =>
    new OneHotEncoder(j.columns, j.categories as string[][], (j.maxCategories as number) ?? MAX_CATEGORIES),
);
