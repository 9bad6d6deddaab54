import { badRequest } from '../../core/errors.js';
import type { Column, Frame, Target } from '../frame.js';
import { kFold, stratifiedKFold } from '../folds.js';
import { columnIndex, registerStep, replaceColumns, stringValues, type Step, type StepJSON } from './step.js';

/** 'auto': empirical-Bayes shrinkage by the category's own variance; a number m: an m-estimate. */
export type Smoothing = 'auto' | number;

export interface TargetEncoderOptions {
  /** Folds for the out-of-fold training encodings. */
  folds: number;
  smoothing: Smoothing;
  seed: number;
}

export const TARGET_ENCODER_DEFAULTS: TargetEncoderOptions = { folds: 5, smoothing: 'auto', seed: 0 };

/** Missing values form a category of their own; this key cannot collide with a real string. */
const MISSING = '\u0000missing';

/**
 * What the encoder regresses on: the value (regression), the positive class's indicator
 * (binary), or one indicator per class (multiclass), as columns of a rows x outputs matrix.
 */
function targetColumns(y: Target): { outputs: string[]; values: Float64Array[] } {
  if (y.task === 'regression') return { outputs: [''], values: [y.values] };
  const K = y.classes.length;
  const ks = K === 2 ? [1] : Array.from({ length: K }, (_, k) => k);
  return {
    outputs: K === 2 ? [''] : ks.map((k) => y.classes[k]),
    values: ks.map((k) => Float64Array.from(y.labels, (l) => (l === k ? 1 : 0))),
  };
}

interface Encoding {
  categories: string[];
  /** Row-major categories x outputs. */
  values: number[];
  /** Per output: the value of an unseen category. */
  prior: number[];
}

/** Encodings of one column from the rows `rows` (all rows when null). */
function fitEncoding(
  cats: string[],
  targets: Float64Array[],
  rows: Int32Array | null,
  smoothing: Smoothing,
): Encoding {
  const index = new Map<string, number>();
  const ids: number[] = [];
  const n = rows ? rows.length : cats.length;
  for (let r = 0; r < n; r++) {
    const v = cats[rows ? rows[r] : r];
    let id = index.get(v);
    if (id === undefined) index.set(v, (id = index.size));
    ids.push(id);
  }
  const C = index.size;
  const O = targets.length;
  const values = new Array<number>(C * O).fill(0);
  const prior: number[] = [];
  const count = new Float64Array(C);
  for (const id of ids) count[id]++;
  for (let o = 0; o < O; o++) {
    const t = targets[o];
    const sum = new Float64Array(C);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const v = t[rows ? rows[r] : r];
      sum[ids[r]] += v;
      total += v;
    }
    const mean = n ? total / n : 0;
    prior.push(mean);
    if (smoothing === 'auto') {
      // Shrink each category mean toward the prior by how noisy it is relative to the spread
      // of the target: λ = n_c·var(y) / (n_c·var(y) + var_c(y)).
      let varY = 0;
      for (let r = 0; r < n; r++) varY += (t[rows ? rows[r] : r] - mean) ** 2;
      varY = n ? varY / n : 0;
      const ss = new Float64Array(C);
      for (let r = 0; r < n; r++) {
        const id = ids[r];
        ss[id] += (t[rows ? rows[r] : r] - sum[id] / count[id]) ** 2;
      }
      for (let c = 0; c < C; c++) {
        const m = sum[c] / count[c];
        const within = ss[c] / count[c];
        const den = varY * count[c] + within;
        const lambda = den > 0 ? (varY * count[c]) / den : NaN;
        values[c * O + o] = Number.isNaN(lambda) ? mean : lambda * m + (1 - lambda) * mean;
      }
    } else {
      for (let c = 0; c < C; c++) values[c * O + o] = (sum[c] + smoothing * mean) / (count[c] + smoothing);
    }
  }
  return { categories: [...index.keys()], values, prior };
}

/**
 * Target encoding: each category becomes the mean of the target over its training rows,
 * shrunk toward the overall mean (the prior) where the category is rare or noisy. Regression
 * encodes the mean value, binary classification the positive class's rate (one column, the
 * same name), multiclass one rate per class (columns `name.class`). Unseen categories get
 * the prior; a missing value is a category of its own.
 *
 * The encoding learned from all training rows serves new rows; the training rows themselves
 * are encoded out-of-fold (k folds, shuffled with the seed, stratified for classification):
 * each row's value comes from the other folds only, so no row sees its own target and a
 * learner cannot overfit to the encoding.
 */
export class TargetEncoder implements Step {
  readonly type = 'target_encoder';
  readonly options: TargetEncoderOptions;
  constructor(
    readonly columns: string[],
    options: Partial<TargetEncoderOptions> = {},
    public outputs: string[] = [],
    public encodings: Encoding[] = [],
  ) {
    this.options = { ...TARGET_ENCODER_DEFAULTS, ...options };
    const { folds, smoothing } = this.options;
    if (!Number.isInteger(folds) || folds < 2)
      throw badRequest(
        'invalid_preprocessing',
        `target_encode: folds must be an integer of at least 2, got ${folds}`,
      );
    if (
      smoothing !== 'auto' &&
      !(typeof smoothing === 'number' && smoothing >= 0 && Number.isFinite(smoothing))
    )
      throw badRequest(
        'invalid_preprocessing',
        `target_encode: smoothing must be 'auto' or a number of at least 0, got ${String(smoothing)}`,
      );
  }

  private keys(X: Frame, name: string): string[] {
    return stringValues(X, name).map((v) => v ?? MISSING);
  }

  private needTarget(y: Target | undefined): Target {
    if (!y) throw badRequest('invalid_preprocessing', 'target_encode needs the target to fit');
    return y;
  }

  fit(X: Frame, y?: Target): void {
    const t = targetColumns(this.needTarget(y));
    this.outputs = t.outputs;
    this.encodings = this.columns.map((name) =>
      fitEncoding(this.keys(X, name), t.values, null, this.options.smoothing),
    );
  }

  fitTransform(X: Frame, y?: Target): Frame {
    const target = this.needTarget(y);
    this.fit(X, target);
    const n = X.nRows;
    const k = Math.min(this.options.folds, n);
    if (k < 2) return this.transform(X);
    const folds =
      target.task === 'classification'
        ? stratifiedKFold(target.labels, k, this.options.seed)
        : kFold(n, k, this.options.seed);
    const t = targetColumns(target);
    const O = this.outputs.length;
    const replace = new Map<number, Column[]>();
    this.columns.forEach((name) => {
      const keys = this.keys(X, name);
      const out = Array.from({ length: O }, () => new Float64Array(n));
      for (const f of folds) {
        const enc = fitEncoding(keys, t.values, f.train, this.options.smoothing);
        this.apply(enc, keys, f.test, out);
      }
      replace.set(columnIndex(X, name), this.columnsFor(name, out));
    });
    return replaceColumns(X, replace);
  }

  /** Writes rows `rows` (all when null) of `keys` encoded by `enc` into `out`. */
  private apply(enc: Encoding, keys: string[], rows: Int32Array | null, out: Float64Array[]): void {
    const O = out.length;
    const index = new Map(enc.categories.map((c, i) => [c, i]));
    const n = rows ? rows.length : keys.length;
    for (let r = 0; r < n; r++) {
      const i = rows ? rows[r] : r;
      const c = index.get(keys[i]);
      for (let o = 0; o < O; o++) out[o][i] = c === undefined ? enc.prior[o] : enc.values[c * O + o];
    }
  }

  private columnsFor(name: string, out: Float64Array[]): Column[] {
    return this.outputs.map((o, k): Column => ({
      name: o === '' ? name : `${name}.${o}`,
      kind: 'numeric',
      values: out[k],
    }));
  }

  transform(X: Frame): Frame {
    const replace = new Map<number, Column[]>();
    this.columns.forEach((name, k) => {
      const keys = this.keys(X, name);
      const out = this.outputs.map(() => new Float64Array(X.nRows));
      this.apply(this.encodings[k], keys, null, out);
      replace.set(columnIndex(X, name), this.columnsFor(name, out));
    });
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return {
      type: this.type,
      columns: this.columns,
      options: this.options,
      outputs: this.outputs,
      encodings: this.encodings,
    };
  }
}

registerStep(
  'target_encoder',
  (j) =>
    new TargetEncoder(
      j.columns,
      j.options as TargetEncoderOptions,
      j.outputs as string[],
      j.encodings as Encoding[],
    ),
);
