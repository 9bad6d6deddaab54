import type { Column, Frame } from '../frame.js';
import { columnIndex, registerStep, replaceColumns, type Step, type StepJSON } from './step.js';

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
      const c = X.columns[columnIndex(X, name)];
      if (c.kind !== 'numeric') throw new Error(`standard_scaler: column '${name}' is not numeric`);
      let n = 0;
      let mean = 0;
      let m2 = 0;
      // Welford: stable for columns with a large mean and a small spread.
      for (const x of c.values) {
        if (Number.isNaN(x)) continue;
        n++;
        const d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
      }
      const sd = n ? Math.sqrt(m2 / n) : 0;
      this.means.push(n ? mean : 0);
      // scikit-learn treats a variance within rounding of zero as zero.
      this.scales.push(sd > 0 && Number.isFinite(sd) && sd > 10 * Number.EPSILON * Math.abs(mean) ? sd : 1);
    }
  }

  transform(X: Frame): Frame {
    const replace = new Map<number, Column[]>();
    this.columns.forEach((name, k) => {
      const j = columnIndex(X, name);
      const c = X.columns[j];
      if (c.kind !== 'numeric') throw new Error(`standard_scaler: column '${name}' is not numeric`);
      const mean = this.means[k];
      const scale = this.scales[k];
      replace.set(j, [{ name, kind: 'numeric', values: c.values.map((x) => (x - mean) / scale) }]);
    });
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, means: this.means, scales: this.scales };
  }
}

registerStep(
  'standard_scaler',
  (j) => new StandardScaler(j.columns, j.means as number[], j.scales as number[]),
);
