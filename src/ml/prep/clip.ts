import { badRequest } from '../../core/errors.js';
import type { Column, Frame } from '../frame.js';
import { quantileSorted, sortedValues } from './stats.js';
import {
  columnIndex,
  numericValues,
  registerStep,
  replaceColumns,
  type Step,
  type StepJSON,
} from './step.js';

export type ClipMethod = 'iqr' | 'quantile';

export interface ClipOptions {
  /** 'iqr': Tukey's fences [Q1 − k·IQR, Q3 + k·IQR]; 'quantile': [q(lower), q(upper)]. */
  method: ClipMethod;
  /** Fence width for 'iqr' (1.5 is Tukey's). */
  k: number;
  /** Quantiles for 'quantile'. */
  lower: number;
  upper: number;
}

export const CLIP_DEFAULTS: ClipOptions = { method: 'iqr', k: 1.5, lower: 0.01, upper: 0.99 };

/**
 * Clips numeric columns to bounds learned from the training rows, so a few extreme values do
 * not dominate a linear model's fit or a scaler's statistics; serving values are clipped to
 * the same bounds. NaN passes through.
 */
export class OutlierClipper implements Step {
  readonly type = 'clip';
  readonly options: ClipOptions;
  constructor(
    readonly columns: string[],
    options: Partial<ClipOptions> = {},
    public bounds: [number, number][] = [],
  ) {
    this.options = { ...CLIP_DEFAULTS, ...options };
    const o = this.options;
    if (o.method !== 'iqr' && o.method !== 'quantile')
      throw badRequest(
        'invalid_preprocessing',
        `clip: method must be 'iqr' or 'quantile', got '${o.method}'`,
      );
    if (!(o.k >= 0)) throw badRequest('invalid_preprocessing', `clip: k must be at least 0, got ${o.k}`);
    if (!(o.lower >= 0 && o.lower < o.upper && o.upper <= 1))
      throw badRequest(
        'invalid_preprocessing',
        `clip: quantiles need 0 <= lower < upper <= 1, got lower ${o.lower}, upper ${o.upper}`,
      );
  }

  fit(X: Frame): void {
    const o = this.options;
    this.bounds = this.columns.map((name): [number, number] => {
      const s = sortedValues(numericValues(X, name, this.type));
      if (s.length === 0) return [-Infinity, Infinity];
      if (o.method === 'quantile') return [quantileSorted(s, o.lower), quantileSorted(s, o.upper)];
      const q1 = quantileSorted(s, 0.25);
      const q3 = quantileSorted(s, 0.75);
      return [q1 - o.k * (q3 - q1), q3 + o.k * (q3 - q1)];
    });
  }

  transform(X: Frame): Frame {
    const replace = new Map<number, Column[]>();
    this.columns.forEach((name, k) => {
      const j = columnIndex(X, name);
      const [lo, hi] = this.bounds[k];
      const v = numericValues(X, name, this.type);
      const out = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = v[i] < lo ? lo : v[i] > hi ? hi : v[i];
      replace.set(j, [{ name, kind: 'numeric', values: out }]);
    });
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    // JSON has no Infinity: a column without values in training keeps null bounds.
    return {
      type: this.type,
      columns: this.columns,
      options: this.options,
      bounds: this.bounds.map(([a, b]) => [Number.isFinite(a) ? a : null, Number.isFinite(b) ? b : null]),
    };
  }
}

registerStep(
  'clip',
  (j) =>
    new OutlierClipper(
      j.columns,
      j.options as ClipOptions,
      (j.bounds as (number | null)[][]).map(([a, b]) => [a ?? -Infinity, b ?? Infinity]),
    ),
);
