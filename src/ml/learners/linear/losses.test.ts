import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import type { Matrix } from '../../frame.js';
import { LogisticKernels } from './logistic-wasm.js';
import { logisticLossGrad, mseLossGrad, type LossGrad } from './losses.js';

function randomMatrix(n: number, d: number, rng: Rng): Matrix {
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { nRows: n, nCols: d, data, names: Array.from({ length: d }, (_, j) => `x${j}`) };
}

/** Central differences against the analytic gradient, in every coordinate. */
function checkGradient(f: (theta: Float64Array) => LossGrad, theta: Float64Array) {
  const { grad } = f(theta);
  const h = 1e-6;
  for (let p = 0; p < theta.length; p++) {
    const up = Float64Array.from(theta);
    const down = Float64Array.from(theta);
    up[p] += h;
    down[p] -= h;
    const numeric = (f(up).loss - f(down).loss) / (2 * h);
    assert.ok(
      Math.abs(numeric - grad[p]) < 1e-6 * Math.max(1, Math.abs(numeric)),
      `coordinate ${p}: ${numeric} vs ${grad[p]}`,
    );
  }
}

const randomTheta = (k: number, rng: Rng) => Float64Array.from({ length: k }, () => rng.normal());

describe('linear losses', () => {
  const rng = new Rng(11);
  const X = randomMatrix(40, 5, rng);

  it('mse gradient matches finite differences, over all rows and a batch', () => {
    const y = Float64Array.from({ length: 40 }, () => rng.normal() * 3);
    const theta = randomTheta(6, rng);
    checkGradient((t) => mseLossGrad(X, y, t), theta);
    const rows = Int32Array.from([3, 7, 7, 20, 39]);
    checkGradient((t) => mseLossGrad(X, y, t, rows), theta);
  });

  it('mse is the mean squared residual', () => {
    const y = new Float64Array(40).fill(1);
    const theta = new Float64Array(6);
    theta[5] = 3; // predicts 3 everywhere: residual 2
    assert.equal(mseLossGrad(X, y, theta).loss, 4);
  });

  it('binary logistic gradient matches finite differences, with and without L2', () => {
    const labels = Int32Array.from({ length: 40 }, () => rng.int(2));
    const theta = randomTheta(6, rng);
    checkGradient((t) => logisticLossGrad(X, labels, 1, t, 0), theta);
    checkGradient((t) => logisticLossGrad(X, labels, 1, t, 0.3), theta);
    checkGradient((t) => logisticLossGrad(X, labels, 1, t, 0.3, Int32Array.from([0, 5, 9])), theta);
  });

  it('multinomial gradient matches finite differences', () => {
    const labels = Int32Array.from({ length: 40 }, () => rng.int(4));
    const theta = randomTheta(4 * 6, rng);
    checkGradient((t) => logisticLossGrad(X, labels, 4, t, 0), theta);
    checkGradient((t) => logisticLossGrad(X, labels, 4, t, 0.05), theta);
  });

  it('logistic loss at zero weights is log K, and the penalty skips intercepts', () => {
    const labels = Int32Array.from({ length: 40 }, (_, i) => i % 3);
    assert.ok(Math.abs(logisticLossGrad(X, labels, 3, new Float64Array(18), 1).loss - Math.log(3)) < 1e-12);
    assert.ok(Math.abs(logisticLossGrad(X, labels, 1, new Float64Array(6), 1).loss - Math.log(2)) < 1e-12);
    const interceptOnly = new Float64Array(6);
    interceptOnly[5] = 2;
    const a = logisticLossGrad(X, labels, 1, interceptOnly, 0).loss;
    const b = logisticLossGrad(X, labels, 1, interceptOnly, 10).loss;
    assert.equal(a, b);
  });

  it('stays finite for huge scores', () => {
    const labels = Int32Array.from({ length: 40 }, (_, i) => i % 2);
    const theta = new Float64Array(6).fill(1e6);
    const r = logisticLossGrad(X, labels, 1, theta, 0);
    assert.ok(Number.isFinite(r.loss) && r.grad.every(Number.isFinite));
    const r3 = logisticLossGrad(X, labels, 3, new Float64Array(18).fill(-1e6), 0);
    assert.ok(Number.isFinite(r3.loss) && r3.grad.every(Number.isFinite));
  });

  it('gives the same loss and gradient with the passes in WebAssembly, up to rounding', () => {
    // Odd and even column counts, rows not a multiple of four (the kernels pad both).
    for (const [n, d] of [
      [41, 5],
      [64, 8],
      [7, 1],
    ]) {
      const M = randomMatrix(n, d, rng);
      for (const K of [1, 3]) {
        const labels = Int32Array.from({ length: n }, () => rng.int(K === 1 ? 2 : K));
        const theta = randomTheta(K * (d + 1), rng);
        const kernels = LogisticKernels.create(M, K, labels);
        assert.ok(kernels, 'WebAssembly runs here');
        for (let round = 0; round < 2; round++) {
          const js = logisticLossGrad(M, labels, K, theta, 0.1);
          const wasm = logisticLossGrad(M, labels, K, theta, 0.1, undefined, kernels);
          const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a));
          assert.ok(close(js.loss, wasm.loss), `n ${n}, d ${d}, K ${K}: loss ${js.loss} vs ${wasm.loss}`);
          js.grad.forEach((g, p) => assert.ok(close(g, wasm.grad[p]), `n ${n}, d ${d}, K ${K}: grad ${p}`));
          // A second call on the same kernels, with weights large enough that some classes'
          // exponentials underflow.
          for (let p = 0; p < theta.length; p++) theta[p] *= 60;
        }
      }
    }
  });
});
