import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import type { Matrix } from '../../frame.js';
import { centeredGram, cholesky, choleskySolve } from './solve.js';

describe('centeredGram', () => {
  it('matches the dense computation with sparse (one-hot) and dense columns mixed', async () => {
    const rng = new Rng(5);
    const n = 50;
    const d = 5;
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      data[i] = rng.normal() * 10 + 1000; // dense, large mean
      data[n + i] = i % 7 === 0 ? 1 : 0; // one-hot
      data[2 * n + i] = i % 3 === 0 ? rng.normal() : 0; // sparse with any values
      data[3 * n + i] = i % 2; // exactly half nonzero
      data[4 * n + i] = i % 7 === 1 ? 1 : 0;
    }
    const X: Matrix = { nRows: n, nCols: d, data, names: ['a', 'b', 'c', 'e', 'f'] };
    const y = Float64Array.from({ length: n }, () => rng.normal());
    for (const fitIntercept of [true, false]) {
      const { G, b, xMean, yMean } = await centeredGram(X, y, fitIntercept);
      for (let j = 0; j < d; j++) {
        for (let k = 0; k < d; k++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += (data[j * n + i] - xMean[j]) * (data[k * n + i] - xMean[k]);
          assert.ok(
            Math.abs(G[j * d + k] - s) < 1e-9 * Math.max(1, Math.abs(s)),
            `G[${j},${k}] ${G[j * d + k]} vs ${s}`,
          );
        }
        let s = 0;
        for (let i = 0; i < n; i++) s += (data[j * n + i] - xMean[j]) * (y[i] - yMean);
        assert.ok(Math.abs(b[j] - s) < 1e-9 * Math.max(1, Math.abs(s)), `b[${j}]`);
      }
    }
  });

  it('cholesky solves a positive definite system and refuses a singular one', () => {
    const G = new Float64Array([4, 2, 2, 3]);
    const L = cholesky(G, 2, 0, true)!;
    const x = choleskySolve(L, 2, new Float64Array([2, 1]));
    assert.ok(Math.abs(4 * x[0] + 2 * x[1] - 2) < 1e-12 && Math.abs(2 * x[0] + 3 * x[1] - 1) < 1e-12);
    assert.equal(cholesky(new Float64Array([1, 1, 1, 1]), 2, 0, true), null);
    assert.ok(cholesky(new Float64Array([1, 1, 1, 1]), 2, 1e-6, false));
  });
});
