import type { Matrix } from '../../frame.js';
import type { LogisticKernels } from './logistic-wasm.js';

/**
 * The objectives the linear learners minimize, with their gradients, over all rows or a
 * subset (`rows`, for mini-batches). Exported so tests can check each gradient against
 * finite differences.
 */

export interface LossGrad {
  loss: number;
  /** Gradient with respect to the weights, then the intercepts (the same layout as the parameters). */
  grad: Float64Array;
}

/**
 * Mean squared error of y ≈ X w + b. Parameters: w (d), then b (1).
 * Gradient: (2/m) Σ r_i [x_i, 1] with r = prediction - y.
 */
export function mseLossGrad(X: Matrix, y: Float64Array, theta: Float64Array, rows?: Int32Array): LossGrad {
  const n = X.nRows;
  const d = X.nCols;
  const m = rows ? rows.length : n;
  const r = new Float64Array(m);
  const b = theta[d];
  for (let t = 0; t < m; t++) r[t] = b - y[rows ? rows[t] : t];
  for (let j = 0; j < d; j++) {
    const w = theta[j];
    if (w === 0) continue;
    const off = j * n;
    if (rows) for (let t = 0; t < m; t++) r[t] += w * X.data[off + rows[t]];
    else for (let t = 0; t < m; t++) r[t] += w * X.data[off + t];
  }
  const grad = new Float64Array(d + 1);
  let loss = 0;
  let gb = 0;
  for (let t = 0; t < m; t++) {
    loss += r[t] * r[t];
    gb += r[t];
  }
  for (let j = 0; j < d; j++) {
    const off = j * n;
    let g = 0;
    if (rows) for (let t = 0; t < m; t++) g += r[t] * X.data[off + rows[t]];
    else for (let t = 0; t < m; t++) g += r[t] * X.data[off + t];
    grad[j] = (2 * g) / m;
  }
  grad[d] = (2 * gb) / m;
  return { loss: loss / m, grad };
}

/**
 * Cross-entropy for K' linear outputs: K' = 1 is binary logistic (sigmoid of one score,
 * labels 0/1), K' = K ≥ 3 is multinomial (softmax over K scores). Parameters: W row-major
 * K' x d, then the K' intercepts. Objective: mean loss + (l2 / 2) ||W||², intercepts not
 * penalized; with l2 = 1 / (C n) this is scikit-learn's C Σ loss + ||W||² / 2, divided by C n.
 */
export function logisticLossGrad(
  X: Matrix,
  labels: Int32Array,
  outputs: number,
  theta: Float64Array,
  l2: number,
  rows?: Int32Array,
  /** The passes over all rows in WebAssembly (LogisticKernels.create(X, outputs, labels)), where at hand. */
  kernels?: LogisticKernels | null,
): LossGrad {
  const n = X.nRows;
  const d = X.nCols;
  const K = outputs;
  const m = rows ? rows.length : n;
  const fast = kernels && !rows ? kernels : null;
  let z: Float64Array;
  if (fast) z = fast.scores(theta);
  else {
    z = new Float64Array(m * K);
    for (let t = 0; t < m; t++) for (let k = 0; k < K; k++) z[t * K + k] = theta[K * d + k];
    for (let j = 0; j < d; j++) {
      const off = j * n;
      for (let k = 0; k < K; k++) {
        const w = theta[k * d + j];
        if (w === 0) continue;
        if (rows) for (let t = 0; t < m; t++) z[t * K + k] += w * X.data[off + rows[t]];
        else for (let t = 0; t < m; t++) z[t * K + k] += w * X.data[off + t];
      }
    }
  }
  // z becomes the residual p - y in place.
  let loss = 0;
  if (K === 1) {
    for (let t = 0; t < m; t++) {
      const s = z[t];
      const yi = labels[rows ? rows[t] : t] === 1 ? 1 : 0;
      loss += softplus(s) - yi * s;
      z[t] = sigmoid(s) - yi;
    }
  } else if (fast) loss = fast.softmax();
  else {
    for (let t = 0; t < m; t++) {
      const yi = labels[rows ? rows[t] : t];
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, z[t * K + k]);
      loss += max - z[t * K + yi];
      // One exponential per class: e^(z - max), then p = e / Σe.
      let sum = 0;
      for (let k = 0; k < K; k++) sum += z[t * K + k] = Math.exp(z[t * K + k] - max);
      loss += Math.log(sum);
      for (let k = 0; k < K; k++) z[t * K + k] = z[t * K + k] / sum - (k === yi ? 1 : 0);
    }
  }
  const grad = new Float64Array(K * (d + 1));
  if (fast) {
    const G = fast.gradient();
    const dp = fast.dp;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) grad[k * d + j] = G[k * dp + j] / m;
  } else
    for (let j = 0; j < d; j++) {
      const off = j * n;
      for (let k = 0; k < K; k++) {
        let g = 0;
        if (rows) for (let t = 0; t < m; t++) g += z[t * K + k] * X.data[off + rows[t]];
        else for (let t = 0; t < m; t++) g += z[t * K + k] * X.data[off + t];
        grad[k * d + j] = g / m;
      }
    }
  for (let k = 0; k < K; k++) {
    let g = 0;
    for (let t = 0; t < m; t++) g += z[t * K + k];
    grad[K * d + k] = g / m;
  }
  let reg = 0;
  if (l2 > 0)
    for (let p = 0; p < K * d; p++) {
      reg += theta[p] * theta[p];
      grad[p] += l2 * theta[p];
    }
  return { loss: loss / m + 0.5 * l2 * reg, grad };
}

/** log(1 + e^s) without overflow. */
export function softplus(s: number): number {
  return s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
}

export function sigmoid(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}
