import type { Column, Frame } from '../frame.js';
import { countFinite, meanOf, medianSorted, quantileSorted, sortedValues } from './stats.js';
import {
  columnIndex,
  numericValues,
  registerStep,
  replaceColumns,
  type Step,
  type StepJSON,
} from './step.js';

/** A scale within rounding of zero counts as zero and becomes 1, as scikit-learn handles it. */
const usableScale = (s: number) => (Number.isFinite(s) && s >= 10 * Number.EPSILON ? s : 1);

/** (x − center) / scale per column; NaN stays NaN (imputing is another step's job). */
function affine(X: Frame, columns: string[], type: string, centers: number[], scales: number[]): Frame {
  const replace = new Map<number, Column[]>();
  columns.forEach((name, k) => {
    const j = columnIndex(X, name);
    const v = numericValues(X, name, type);
    replace.set(j, [{ name, kind: 'numeric', values: affineColumn(v, centers[k], scales[k]) }]);
  });
  return replace.size ? replaceColumns(X, replace) : X;
}

/**
 * (v − c) / s in a plain loop (TypedArray.map's callback costs several times more per
 * value), in a function of its own: inside the forEach callback, V8 compiled the loop on
 * entry before the code after it had run, and then dropped that code on every call.
 */
function affineColumn(v: Float64Array, c: number, s: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] - c) / s;
  return out;
}

/**
 * Standardizes numeric columns to zero mean and unit variance (population variance, as
 * scikit-learn's StandardScaler). A constant column gets scale 1 so it maps to 0, not NaN.
 * NaN stays NaN (it is the imputer's job), and is ignored when fitting.
 */
export class StandardScaler implements Step {
  readonly type = 'standard_scaler';
  constructor(
    readonly columns: string[],
    public means: number[] = [],
    public scales: number[] = [],
  ) {}

  fit(X: Frame): void {
    this.means = [];
    this.scales = [];
    for (const name of this.columns) {
      const values = numericValues(X, name, this.type);
      // Two passes (the mean, then squared deviations from it), as numpy does: stable for a
      // large mean with a small spread, without Welford's division per value.
      const mean = meanOf(values);
      const n = countFinite(values);
      let m2 = 0;
      for (let i = 0; i < values.length; i++) {
        const d = values[i] - mean;
        if (d === d) m2 += d * d;
      }
      const sd = n ? Math.sqrt(m2 / n) : 0;
      this.means.push(n ? mean : 0);
      // scikit-learn treats a variance within rounding of zero as zero.
      this.scales.push(sd > 0 && Number.isFinite(sd) && sd > 10 * Number.EPSILON * Math.abs(mean) ? sd : 1);
    }
  }

  transform(X: Frame): Frame {
    return affine(X, this.columns, this.type, this.means, this.scales);
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, means: this.means, scales: this.scales };
  }
}

/**
 * Maps each numeric column's training range onto [0, 1] (scikit-learn's MinMaxScaler).
 * Serving values outside the training range land outside [0, 1]; a constant column maps to 0.
 */
export class MinMaxScaler implements Step {
  readonly type = 'minmax_scaler';
  constructor(
    readonly columns: string[],
    public mins: number[] = [],
    public ranges: number[] = [],
  ) {}

  fit(X: Frame): void {
    this.mins = [];
    this.ranges = [];
    for (const name of this.columns) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of numericValues(X, name, this.type)) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      const empty = lo > hi;
      this.mins.push(empty ? 0 : lo);
      this.ranges.push(empty ? 1 : usableScale(hi - lo));
    }
  }

  transform(X: Frame): Frame {
    return affine(X, this.columns, this.type, this.mins, this.ranges);
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, mins: this.mins, ranges: this.ranges };
  }
}

/**
 * Centers on the median and divides by the interquartile range (scikit-learn's RobustScaler
 * with quantile_range (25, 75), percentiles interpolated linearly): outliers barely move the
 * fitted center and scale, unlike the mean and standard deviation.
 */
export class RobustScaler implements Step {
  readonly type = 'robust_scaler';
  constructor(
    readonly columns: string[],
    public centers: number[] = [],
    public scales: number[] = [],
  ) {}

  fit(X: Frame): void {
    this.centers = [];
    this.scales = [];
    for (const name of this.columns) {
      const s = sortedValues(numericValues(X, name, this.type));
      this.centers.push(s.length ? medianSorted(s) : 0);
      this.scales.push(s.length ? usableScale(quantileSorted(s, 0.75) - quantileSorted(s, 0.25)) : 1);
    }
  }

  transform(X: Frame): Frame {
    return affine(X, this.columns, this.type, this.centers, this.scales);
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, centers: this.centers, scales: this.scales };
  }
}

registerStep(
  'standard_scaler',
  (j) => new StandardScaler(j.columns, j.means as number[], j.scales as number[]),
);
registerStep('minmax_scaler', (j) => new MinMaxScaler(j.columns, j.mins as number[], j.ranges as number[]));
registerStep(
  'robust_scaler',
  (j) => new RobustScaler(j.columns, j.centers as number[], j.scales as number[]),
);
