import { badRequest } from '../../../core/errors.js';
import { toMatrix, type Frame, type Matrix, type Target } from '../../frame.js';
import type { FitContext, FitProgress } from '../contract.js';
import { weightedSums } from '../kit/input.js';

/** Progress reports per fit, at most: enough for a live curve, few enough not to flood a job log. */
export const MAX_REPORTS = 200;

/** Iterations between progress reports so that a fit of `total` iterations reports at most MAX_REPORTS times. */
export const reportEvery = (total: number) => Math.max(1, Math.ceil(total / MAX_REPORTS));

/** The training matrix, after checking what a linear model needs: rows, numbers, no gaps. */
export function fitMatrix(algorithm: string, X: Frame, y: Target): Matrix {
  const n = y.task === 'regression' ? y.values.length : y.labels.length;
  if (X.nRows === 0) throw badRequest('empty_data', `${algorithm}: no rows to train on`);
  if (n !== X.nRows) throw badRequest('invalid_input', `${algorithm}: ${X.nRows} rows but ${n} targets`);
  if (X.columns.length === 0) throw badRequest('invalid_input', `${algorithm}: no feature columns`);
  const m = numericMatrix(algorithm, X);
  for (let i = 0; i < m.data.length; i++)
    if (!Number.isFinite(m.data[i])) {
      const j = Math.floor(i / m.nRows);
      throw badRequest(
        'invalid_input',
        `${algorithm}: column '${m.names[j]}' has a missing or infinite value in row ${i % m.nRows}; impute it first`,
      );
    }
  if (y.task === 'regression')
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(y.values[i]))
        throw badRequest('invalid_input', `${algorithm}: target is missing or infinite in row ${i}`);
  return m;
}

/** The matrix to predict on, checked against the number of columns the model was fitted on. */
export function predictMatrix(algorithm: string, X: Frame, nFeatures: number): Matrix {
  if (X.columns.length !== nFeatures)
    throw badRequest(
      'invalid_input',
      `${algorithm}: expected ${nFeatures} feature columns, got ${X.columns.length}`,
    );
  return numericMatrix(algorithm, X);
}

function numericMatrix(algorithm: string, X: Frame): Matrix {
  const bad = X.columns.find((c) => c.kind !== 'numeric');
  if (bad)
    throw badRequest(
      'invalid_input',
      `${algorithm}: column '${bad.name}' is not numeric; one-hot encode it first`,
    );
  return toMatrix(X);
}

/**
 * Linear scores for K outputs, row-major n x K: intercept[k] + Σ_j coef[k*d + j] x_j, over
 * the model's columns of X (matched by name) read in place. A missing input counts as its
 * `fill` (by default 0: the training mean after scaling) and an extreme one is clamped
 * (kit/input.ts), so scores stay finite: never Infinity - Infinity = NaN.
 */
export function linearScores(
  algorithm: string,
  X: Frame,
  names: string[],
  coef: Float64Array,
  intercept: Float64Array,
  fill: ArrayLike<number> = new Float64Array(names.length),
): Float64Array {
  const out = weightedSums(algorithm, X, names, fill, coef, names.length, intercept);
  // Inputs are clamped to 1e100, so only absurd weights could overflow: bound the sum anyway.
  for (let i = 0; i < out.length; i++) {
    const z = out[i];
    if (!(Math.abs(z) <= SCORE_MAX)) out[i] = z > 0 ? SCORE_MAX : z < 0 ? -SCORE_MAX : 0;
  }
  return out;
}

const SCORE_MAX = 1e300;

/** Emits progress, swallowing nothing: a throwing listener is the caller's bug to see. */
export function report(ctx: FitContext, p: FitProgress): void {
  ctx.onProgress?.(p);
}
