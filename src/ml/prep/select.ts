import { badRequest } from '../../core/errors.js';
import type { Frame, Target } from '../frame.js';
import { varianceOf } from './stats.js';
import { columnIndex, registerStep, type Step, type StepJSON } from './step.js';

/** Keeps the named columns of a frame, in its order; the others are dropped. */
function keepOnly(X: Frame, keep: string[]): Frame {
  const set = new Set(keep);
  for (const name of keep) columnIndex(X, name);
  return { nRows: X.nRows, columns: X.columns.filter((c) => set.has(c.name)) };
}

/**
 * Drops numeric columns whose training variance is at most `threshold` (scikit-learn's
 * VarianceThreshold; the default 0 drops constant columns). Categorical columns are kept.
 */
export class VarianceThreshold implements Step {
  readonly type = 'variance_threshold';
  constructor(
    readonly columns: string[],
    readonly threshold = 0,
    public keep: string[] = [],
    public variances: number[] = [],
  ) {
    if (!(threshold >= 0))
      throw badRequest(
        'invalid_preprocessing',
        `variance_threshold: threshold must be at least 0, got ${threshold}`,
      );
  }

  fit(X: Frame): void {
    this.variances = [];
    this.keep = this.columns.filter((name) => {
      const c = X.columns[columnIndex(X, name)];
      if (c.kind !== 'numeric') return true;
      const v = varianceOf(c.values);
      this.variances.push(Number.isNaN(v) ? 0 : v);
      return v > this.threshold;
    });
    if (this.keep.length === 0)
      throw badRequest(
        'invalid_preprocessing',
        `variance_threshold: no column has a variance above ${this.threshold}, so none would be left`,
      );
  }

  transform(X: Frame): Frame {
    return keepOnly(X, this.keep);
  }

  toJSON(): StepJSON {
    return {
      type: this.type,
      columns: this.columns,
      threshold: this.threshold,
      keep: this.keep,
      variances: this.variances,
    };
  }
}

/** Bins for a continuous variable; few enough that each holds rows to estimate from. */
const BINS = 10;
/** A variable with at most this many distinct values is taken as discrete, one bin per value. */
const MAX_DISCRETE = 32;

/** Each value's bin (NaN and null in a bin of their own) and the number of bins used. */
function discretize(values: ArrayLike<number> | (string | null)[]): { bin: Int32Array; bins: number } {
  const n = values.length;
  const bin = new Int32Array(n);
  const asKey = (v: number | string | null) =>
    v === null || (typeof v === 'number' && Number.isNaN(v)) ? null : v;
  const distinct = new Map<number | string | null, number>();
  let discrete = true;
  for (let i = 0; i < n; i++) {
    const k = asKey(values[i] as number | string | null);
    if (!distinct.has(k)) {
      distinct.set(k, distinct.size);
      if (distinct.size > MAX_DISCRETE && typeof k === 'number') {
        discrete = false;
        break;
      }
    }
  }
  if (discrete) {
    const ids = new Map<number | string | null, number>();
    for (let i = 0; i < n; i++) {
      const k = asKey(values[i] as number | string | null);
      let id = ids.get(k);
      if (id === undefined) ids.set(k, (id = ids.size));
      bin[i] = id;
    }
    return { bin, bins: ids.size };
  }
  // Equal-frequency cuts at the training quantiles; a value goes to the first bin whose cut
  // it does not exceed, so tied values share a bin.
  const v = values as ArrayLike<number>;
  const sorted = Float64Array.from(v)
    .filter((x) => !Number.isNaN(x))
    .sort();
  const cuts: number[] = [];
  for (let b = 1; b < BINS; b++) {
    const c = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / BINS))];
    if (cuts.length === 0 || c > cuts[cuts.length - 1]) cuts.push(c);
  }
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (Number.isNaN(x)) {
      bin[i] = cuts.length + 1;
      continue;
    }
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x <= cuts[mid]) hi = mid;
      else lo = mid + 1;
    }
    bin[i] = lo;
  }
  return { bin, bins: cuts.length + 2 };
}

/**
 * Mutual information (nats) between two binned variables, less the Miller-Madow bias
 * (B_x − 1)(B_y − 1) / 2n so that a variable with many bins is not favoured by chance; at least 0.
 */
export function binnedMutualInfo(x: Int32Array, bx: number, y: Int32Array, by: number): number {
  const n = x.length;
  if (n === 0) return 0;
  const joint = new Float64Array(bx * by);
  const px = new Float64Array(bx);
  const py = new Float64Array(by);
  for (let i = 0; i < n; i++) {
    joint[x[i] * by + y[i]]++;
    px[x[i]]++;
    py[y[i]]++;
  }
  let mi = 0;
  for (let a = 0; a < bx; a++)
    for (let b = 0; b < by; b++) {
      const c = joint[a * by + b];
      if (c > 0) mi += (c / n) * Math.log((c * n) / (px[a] * py[b]));
    }
  const used = (p: Float64Array) => p.reduce((s, c) => s + (c > 0 ? 1 : 0), 0);
  return Math.max(0, mi - ((used(px) - 1) * (used(py) - 1)) / (2 * n));
}

/**
 * Keeps the k columns sharing the most information with the target, for classification and
 * regression alike. Mutual information is estimated on histograms (continuous variables in
 * ten equal-frequency bins, discrete ones by value, the bias corrected), not by
 * scikit-learn's nearest-neighbour estimator: the ranking is what matters here, and it is
 * deterministic. The kept columns stay in their order; ties favour the earlier column.
 */
export class MutualInfoSelector implements Step {
  readonly type = 'mutual_info';
  constructor(
    readonly columns: string[],
    readonly k = 10,
    public keep: string[] = [],
    public scores: number[] = [],
  ) {
    if (!Number.isInteger(k) || k < 1)
      throw badRequest('invalid_preprocessing', `mutual_info: k must be a positive integer, got ${k}`);
  }

  fit(X: Frame, y?: Target): void {
    if (!y) throw badRequest('invalid_preprocessing', 'mutual_info needs the target to fit');
    const t = y.task === 'classification' ? { bin: y.labels, bins: y.classes.length } : discretize(y.values);
    const yBin = Int32Array.from(t.bin);
    this.scores = this.columns.map((name) => {
      const d = discretize(X.columns[columnIndex(X, name)].values);
      return binnedMutualInfo(d.bin, d.bins, yBin, t.bins);
    });
    const top = new Set(
      this.columns
        .map((name, j) => ({ name, j, s: this.scores[j] }))
        .sort((a, b) => b.s - a.s || a.j - b.j)
        .slice(0, this.k)
        .map((e) => e.name),
    );
    this.keep = this.columns.filter((c) => top.has(c));
  }

  transform(X: Frame): Frame {
    return keepOnly(X, this.keep);
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, k: this.k, keep: this.keep, scores: this.scores };
  }
}

registerStep(
  'variance_threshold',
  (j) => new VarianceThreshold(j.columns, j.threshold as number, j.keep as string[], j.variances as number[]),
);
registerStep(
  'mutual_info',
  (j) => new MutualInfoSelector(j.columns, j.k as number, j.keep as string[], j.scores as number[]),
);
