import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, NeutrinoError } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import { numericFrame, type Frame, type Target } from '../../frame.js';
import type { FitProgress } from '../contract.js';
import { resolveParams } from '../params.js';
import { LinearRegression, linearRegression } from './linear-regression.js';

const make = (raw: Record<string, unknown> = {}) =>
  linearRegression.create(
    'regression',
    resolveParams('linear_regression', linearRegression.params, raw),
  ) as LinearRegression;

/** y = 1 + 2 a - 3 b (+ noise). */
function data(n: number, noise: number, seed: number): { X: Frame; y: Target } {
  const rng = new Rng(seed);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = rng.normal();
    b[i] = rng.normal() + 0.5 * a[i];
    v[i] = 1 + 2 * a[i] - 3 * b[i] + noise * rng.normal();
  }
  return { X: numericFrame(['a', 'b'], [a, b]), y: { task: 'regression', values: v } };
}

const near = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('linear_regression', () => {
  it('closed form recovers exact coefficients', async () => {
    const { X, y } = data(50, 0, 1);
    const m = make();
    await m.fit(X, y, { seed: 0 });
    near(m.coef![0], 2, 1e-10);
    near(m.coef![1], -3, 1e-10);
    near(m.intercept, 1, 1e-10);
    const s = m.toJSON().state as { names: string[] };
    assert.deepEqual(s.names, ['a', 'b']);
  });

  it('gd and sgd reach the least-squares solution', async () => {
    const { X, y } = data(400, 0.1, 2);
    const exact = make();
    await exact.fit(X, y, { seed: 0 });
    for (const solver of ['gd', 'sgd']) {
      const m = make({
        solver,
        epochs: solver === 'gd' ? 2000 : 200,
        learning_rate: solver === 'gd' ? 0.1 : 0.01,
      });
      await m.fit(X, y, { seed: 3 });
      near(m.coef![0], exact.coef![0], 0.02);
      near(m.coef![1], exact.coef![1], 0.02);
      near(m.intercept, exact.intercept, 0.02);
    }
  });

  it('fits collinear and constant columns without blowing up', async () => {
    const { X, y } = data(60, 0, 4);
    const a = X.columns[0].values as Float64Array;
    const wide = numericFrame(
      ['a', 'b', 'a2', 'k'],
      [a, X.columns[1].values as Float64Array, a.slice(), new Float64Array(60).fill(5)],
    );
    const m = make();
    await m.fit(wide, y, { seed: 0 });
    const pred = m.predict(wide);
    const yv = (y as { values: Float64Array }).values;
    pred.forEach((p, i) => near(p, yv[i], 1e-6));
    near(m.coef![0] + m.coef![2], 2, 1e-6);
    assert.ok(Math.abs(m.coef![3]) < 1e-6);
  });

  it('without an intercept fits through the origin', async () => {
    const X = numericFrame(['a'], [new Float64Array([1, 2, 3])]);
    const m = make({ fit_intercept: false });
    await m.fit(X, { task: 'regression', values: new Float64Array([2, 4, 7]) }, { seed: 0 });
    near(m.intercept, 0, 0);
    near(m.coef![0], (2 + 8 + 21) / 14, 1e-12);
  });

  it('reports progress a bounded number of times, with validation loss', async () => {
    const { X, y } = data(300, 0.1, 5);
    const v = data(100, 0.1, 6);
    for (const params of [
      {},
      { solver: 'gd', epochs: 1000 },
      { solver: 'sgd', epochs: 30, learning_rate: 0.05 },
    ]) {
      const seen: FitProgress[] = [];
      await make(params).fit(X, y, { seed: 0, onProgress: (p) => seen.push(p), validation: v });
      assert.ok(seen.length >= 1 && seen.length <= 200, `${seen.length} reports`);
      assert.equal(seen[seen.length - 1].fraction, 1);
      assert.ok(seen.every((p) => p.loss! >= 0 && p.validationLoss! >= 0));
      assert.ok(seen[seen.length - 1].validationLoss! < 0.05);
    }
  });

  it('cancels gradient descent mid-fit', async () => {
    const { X, y } = data(5000, 0.1, 7);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t0 = Date.now();
    await assert.rejects(
      make({ solver: 'sgd', epochs: 100000 }).fit(X, y, { seed: 0, signal: ac.signal }),
      CancelledError,
    );
    assert.ok(Date.now() - t0 < 1000);
  });

  it('says so when the learning rate makes it diverge', async () => {
    const { X, y } = data(100, 0.1, 8);
    await assert.rejects(
      make({ solver: 'gd', learning_rate: 10, epochs: 200 }).fit(X, y, { seed: 0 }),
      (e: unknown) => {
        return e instanceof NeutrinoError && e.code === 'diverged';
      },
    );
  });

  it('rejects missing values and a classification target', async () => {
    const { X, y } = data(10, 0, 9);
    (X.columns[1].values as Float64Array)[4] = NaN;
    await assert.rejects(make().fit(X, y, { seed: 0 }), /'b'.*row 4/);
    const c: Target = { task: 'classification', labels: new Int32Array(10), classes: ['a', 'b'] };
    await assert.rejects(make().fit(data(10, 0, 9).X, c, { seed: 0 }), NeutrinoError);
  });
});
