import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, NeutrinoError } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import { numericFrame, type Frame, type Target } from '../../frame.js';
import type { FitProgress } from '../contract.js';
import { LogisticRegression, logisticRegression } from './logistic-regression.js';
import { resolveParams } from '../params.js';

const make = (raw: Record<string, unknown> = {}) =>
  logisticRegression.create(
    'classification',
    resolveParams('logistic_regression', logisticRegression.params, raw),
  ) as LogisticRegression;

// A small fixed problem whose scikit-learn 1.2 solutions (tol 1e-12) are known.
const i30 = Array.from({ length: 30 }, (_, i) => i);
const X: Frame = numericFrame(
  ['a', 'b'],
  [Float64Array.from(i30, (i) => Math.sin(i)), Float64Array.from(i30, (i) => Math.cos(2 * i))],
);
const binary: Target = {
  task: 'classification',
  labels: Int32Array.from([
    1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0,
  ]),
  classes: ['no', 'yes'],
};
const three: Target = {
  task: 'classification',
  labels: Int32Array.from([
    1, 0, 2, 2, 0, 0, 1, 2, 2, 2, 1, 0, 1, 2, 2, 2, 1, 0, 0, 2, 2, 0, 1, 0, 0, 1, 0, 2, 2, 1,
  ]),
  classes: ['a', 'b', 'c'],
};

function near(actual: ArrayLike<number>, expected: number[], tol: number) {
  assert.equal(actual.length, expected.length);
  for (let k = 0; k < expected.length; k++)
    assert.ok(Math.abs(actual[k] - expected[k]) < tol, `[${k}] ${actual[k]} vs ${expected[k]}`);
}

describe('logistic_regression', () => {
  it("finds scikit-learn's binary optimum for C = 1 and C = 0.1", async () => {
    const m = make();
    await m.fit(X, binary, { seed: 0 });
    near(m.coef!, [1.821710994694618, 0.6686043447039878], 1e-5);
    near(m.intercept!, [-0.40016003324321786], 1e-5);
    const s = make({ C: 0.1 });
    await s.fit(X, binary, { seed: 0 });
    near(s.coef!, [0.5095990480599641, 0.14787371551325135], 1e-5);
    near(s.intercept!, [-0.1663348424386861], 1e-5);
  });

  it("finds scikit-learn's multinomial optimum", async () => {
    const m = make();
    await m.fit(X, three, { seed: 0 });
    near(
      m.coef!,
      [
        -0.560742181847389, -1.3045933340685456, -0.9371019218077461, 1.1933984242104654, 1.4978441036551353,
        0.11119490985808014,
      ],
      1e-5,
    );
    near(m.intercept!, [0.20989261755398222, -0.3914161514436251, 0.18152353388964282], 1e-5);
    const p = m.predictProba(X);
    for (let i = 0; i < 30; i++) assert.ok(Math.abs(p[3 * i] + p[3 * i + 1] + p[3 * i + 2] - 1) < 1e-12);
  });

  it('sgd approaches the same optimum', async () => {
    const m = make({ solver: 'sgd', learning_rate: 0.05, epochs: 2000, batch_size: 10 });
    await m.fit(X, binary, { seed: 1 });
    near(m.coef!, [1.821710994694618, 0.6686043447039878], 0.1);
  });

  it('without a penalty fits harder; without an intercept keeps it at zero', async () => {
    const free = make({ penalty: 'none' });
    await free.fit(X, binary, { seed: 0 });
    assert.ok(Math.abs(free.coef![0]) > 1.821710994694618);
    const noB = make({ fit_intercept: false });
    await noB.fit(X, three, { seed: 0 });
    assert.deepEqual(Array.from(noB.intercept!), [0, 0, 0]);
  });

  it('reports progress a bounded number of times, with validation loss', async () => {
    const rng = new Rng(2);
    const n = 2000;
    const cols = [new Float64Array(n), new Float64Array(n)];
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      cols[0][i] = rng.normal();
      cols[1][i] = rng.normal();
      labels[i] = cols[0][i] + cols[1][i] + rng.normal() > 0 ? 1 : 0;
    }
    const F = numericFrame(['a', 'b'], cols);
    const y: Target = { task: 'classification', labels, classes: ['0', '1'] };
    for (const params of [{}, { solver: 'sgd', epochs: 500 }]) {
      const seen: FitProgress[] = [];
      await make(params).fit(F, y, { seed: 0, onProgress: (p) => seen.push(p), validation: { X: F, y } });
      assert.ok(seen.length >= 1 && seen.length <= 201, `${seen.length} reports`);
      const last = seen[seen.length - 1];
      assert.equal(last.fraction, 1);
      assert.ok(last.loss! > 0 && last.validationLoss! > 0);
    }
  });

  it('cancels sgd mid-fit', async () => {
    const n = 5000;
    const F = numericFrame(['a'], [Float64Array.from({ length: n }, (_, i) => i % 7)]);
    const y: Target = {
      task: 'classification',
      labels: Int32Array.from({ length: n }, (_, i) => i % 2),
      classes: ['0', '1'],
    };
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t0 = Date.now();
    await assert.rejects(
      make({ solver: 'sgd', epochs: 100000 }).fit(F, y, { seed: 0, signal: ac.signal }),
      CancelledError,
    );
    assert.ok(Date.now() - t0 < 1000);
  });

  it('rejects one class, missing values and non-numeric columns', async () => {
    const one: Target = { task: 'classification', labels: new Int32Array(30), classes: ['x'] };
    await assert.rejects(make().fit(X, one, { seed: 0 }), NeutrinoError);
    const gap = numericFrame(['a'], [Float64Array.from(i30, (i) => (i === 3 ? NaN : i))]);
    await assert.rejects(make().fit(gap, binary, { seed: 0 }), /row 3/);
    const text: Frame = { nRows: 30, columns: [{ name: 'c', kind: 'categorical', values: i30.map(String) }] };
    await assert.rejects(make().fit(text, binary, { seed: 0 }), /one-hot/);
  });
});
