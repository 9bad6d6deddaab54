/**
 * The column-typed frame every part of ml speaks: numeric columns as Float64Array with NaN
 * for missing, categorical columns as strings with null for missing. Laid out by column
 * because learners scan features one at a time.
 */
export type ColumnKind = 'numeric' | 'categorical';

export interface NumericColumn {
  name: string;
  kind: 'numeric';
  values: Float64Array;
  /**
   * Set on an indicator column (indicatorColumn): the rows, ascending, where it is 1; it is 0
   * everywhere else, and `values` is built only when something reads it.
   */
  readonly ones?: Int32Array;
}

export interface CategoricalColumn {
  name: string;
  kind: 'categorical';
  values: (string | null)[];
}

export type Column = NumericColumn | CategoricalColumn;

export interface Frame {
  nRows: number;
  columns: Column[];
}

/** What a supervised learner predicts: a number, or one of the target's classes. */
export type Task = 'regression' | 'classification';

/** What an unsupervised learner does: group rows (cluster index), or flag outliers (-1 / 1). */
export type UnsupervisedTask = 'clustering' | 'anomaly_detection';

/** Every kind of model Neutrino trains, registers and serves. */
export type ModelTask = Task | UnsupervisedTask;

export const UNSUPERVISED_TASKS: readonly UnsupervisedTask[] = ['clustering', 'anomaly_detection'];

export const isUnsupervisedTask = (t: string): t is UnsupervisedTask =>
  (UNSUPERVISED_TASKS as readonly string[]).includes(t);

/** Targets: regression values, or class indices into `classes` (sorted as strings). */
export type Target =
  | { task: 'regression'; values: Float64Array }
  | { task: 'classification'; labels: Int32Array; classes: string[] };

export function column(frame: Frame, name: string): Column {
  const c = frame.columns.find((col) => col.name === name);
  if (!c) throw new Error(`no column '${name}'`);
  return c;
}

/** Rows `idx` of a frame, as a new frame. */
export function takeRows(frame: Frame, idx: ArrayLike<number>): Frame {
  const n = idx.length;
  return {
    nRows: n,
    columns: frame.columns.map((c): Column => {
      if (c.kind === 'numeric') {
        const v = new Float64Array(n);
        for (let i = 0; i < n; i++) v[i] = c.values[idx[i]];
        return { name: c.name, kind: 'numeric', values: v };
      }
      const v = new Array<string | null>(n);
      for (let i = 0; i < n; i++) v[i] = c.values[idx[i]];
      return { name: c.name, kind: 'categorical', values: v };
    }),
  };
}

export function takeTarget(y: Target, idx: ArrayLike<number>): Target {
  const n = idx.length;
  if (y.task === 'regression') {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = y.values[idx[i]];
    return { task: 'regression', values: v };
  }
  const l = new Int32Array(n);
  for (let i = 0; i < n; i++) l[i] = y.labels[idx[i]];
  return { task: 'classification', labels: l, classes: y.classes };
}

/** A frame of numeric columns only, as one column-major matrix (column j at [j*n, (j+1)*n)). */
export interface Matrix {
  nRows: number;
  nCols: number;
  data: Float64Array;
  names: string[];
}

/**
 * A 0/1 column that is 1 at rows `ones` (ascending), as one-hot encoding makes them. Its dense
 * `values` are built on first read and kept; readers that know `ones` (toMatrix, kit/input.ts)
 * never build them, since a one-hot frame is mostly zeros and fresh memory is not free: on this
 * 2-core VM, metro_traffic's 57 indicators of 9,641 test rows took 10-13 ms to allocate, while
 * ridge's whole prediction over them took 2 ms. Structured clones and spreads read `values`,
 * so they get the dense column (and no `ones`, which is not enumerable).
 */
export function indicatorColumn(name: string, nRows: number, ones: Int32Array): NumericColumn {
  const c = { name, kind: 'numeric' } as NumericColumn;
  Object.defineProperty(c, 'ones', { value: ones, enumerable: false });
  Object.defineProperty(c, 'values', {
    enumerable: true,
    configurable: true,
    get(): Float64Array {
      const values = new Float64Array(nRows);
      putOnes(values, ones, 0, 1);
      Object.defineProperty(c, 'values', {
        value: values,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return values;
    },
  });
  return c;
}

/** Writes an indicator's ones at out[at + row * step]; its zeros must already be there (fresh arrays). */
export function putOnes(out: Float64Array, ones: Int32Array, at: number, step: number): void {
  for (let t = 0; t < ones.length; t++) out[at + ones[t] * step] = 1;
}

export function toMatrix(frame: Frame): Matrix {
  const n = frame.nRows;
  const data = new Float64Array(n * frame.columns.length);
  frame.columns.forEach((c, j) => {
    if (c.kind !== 'numeric') throw new Error(`column '${c.name}' is not numeric; encode it first`);
    if (c.ones) putOnes(data, c.ones, j * n, 1);
    else data.set(c.values, j * n);
  });
  return { nRows: n, nCols: frame.columns.length, data, names: frame.columns.map((c) => c.name) };
}

export function numericFrame(names: string[], cols: Float64Array[]): Frame {
  return {
    nRows: cols.length ? cols[0].length : 0,
    columns: names.map((name, j) => ({ name, kind: 'numeric', values: cols[j] })),
  };
}
