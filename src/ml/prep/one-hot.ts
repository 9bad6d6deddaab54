import { indicatorColumn, type Column, type Frame } from '../frame.js';
import { columnIndex, registerStep, replaceColumns, stringValues, type Step, type StepJSON } from './step.js';

/** Categories kept per column by default: an ID or timestamp column must not become 40,000 dense columns. */
export const MAX_CATEGORIES = 200;

/**
 * Replaces each categorical column by one 0/1 column per training category, named
 * `column=category`, categories sorted as strings; they are indicator columns (frame.ts), which
 * hold the rows of their ones and build dense values only for readers that ask. A category
 * unseen in training, or a missing value, gives all zeros (scikit-learn's
 * handle_unknown='ignore'). A column with more than `maxCategories` categories keeps the most
 * frequent ones; the rest encode as unseen.
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
    const code = new Int32Array(n);
    this.columns.forEach((name, k) => {
      const j = columnIndex(X, name);
      // A numeric column where a categorical one was fitted: compare as strings.
      const values = stringValues(X, name);
      const cats = this.categories[k];
      const pos = new Map(cats.map((cat, i) => [cat, i]));
      // Each row's category, then each category's rows: indicator columns hold only their ones.
      const count = new Int32Array(cats.length);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const p = v === null ? undefined : pos.get(v);
        code[i] = p ?? -1;
        if (p !== undefined) count[p]++;
      }
      // All the categories' rows in one array, category by category.
      const start = new Int32Array(cats.length + 1);
      for (let c = 0; c < cats.length; c++) start[c + 1] = start[c] + count[c];
      const rows = new Int32Array(start[cats.length]);
      const next = start.slice(0, cats.length);
      for (let i = 0; i < n; i++) if (code[i] >= 0) rows[next[code[i]]++] = i;
      replace.set(
        j,
        cats.map((cat, c) => indicatorColumn(`${name}=${cat}`, n, rows.subarray(start[c], start[c + 1]))),
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
