import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { indicatorColumn, numericFrame, type Target } from '../../frame.js';
import { createLearner } from '../index.js';
import { compare, describeComparison } from '../kit/accuracy.js';
import { idleWorkers } from '../kit/workers.js';
import { Ticker } from '../../../core/abort.js';
import { SvcEpochs } from './dual-wasm.js';
import { RowMatrix, svcDual } from './linear-svm.js';

describe('linear_svm', () => {
  it('gives calibrated probabilities when asked, one-hot decisions otherwise', async () => {
    const rng = new Rng(4);
    const n = 600;
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const labels = Int32Array.from(x, (v) => (v + 0.8 * rng.normal() > 0 ? 1 : 0));
    const y: Target = { task: 'classification', labels, classes: ['no', 'yes'] };
    const X = numericFrame(['x'], [x]);
    const hard = createLearner('linear_svm', 'classification');
    await hard.fit(X, y, { seed: 0 });
    const soft = createLearner('linear_svm', 'classification', { probability: true });
    await soft.fit(X, y, { seed: 0 });
    const at = numericFrame(['x'], [new Float64Array([-2, -0.2, 0.2, 2])]);
    assert.deepEqual(Array.from(hard.predictProba!(at)), [1, 0, 1, 0, 0, 1, 0, 1]);
    const p = soft.predictProba!(at);
    assert.ok(p[1] < 0.2 && p[7] > 0.8 && p[3] > p[1] && p[5] > p[3] && p[5] < p[7], Array.from(p).join(' '));
  });

  it('runs the same dual epochs in WebAssembly as in JavaScript, bit for bit', async () => {
    // Rows of 6 features plus a bias: dense rows take one path, rows with zeros the other.
    const rng = new Rng(9);
    const n = 500;
    const d = 6;
    const cols = Array.from({ length: d }, () => new Float64Array(n));
    const y = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < d; j++) {
        const v = i % 3 === 0 && j % 2 === 1 ? 0 : rng.normal();
        cols[j][i] = v;
        z += v * (j - 2);
      }
      y[i] = z + rng.normal() > 0 ? 1 : -1;
    }
    const columns = cols.map((values, j) => ({ name: `x${j}`, kind: 'numeric' as const, values }));
    const M = RowMatrix.fromColumns(columns, n, 1);
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const o = { C: 1, tol: 1e-4, maxIter: 200 };
    const run = (compiled: boolean) => svcDual(M, rows, y, o, new Rng(1), new Ticker(), compiled);
    assert.ok(SvcEpochs.of(M), 'WebAssembly runs here');
    const wasm = await run(true);
    const js = await run(false);
    assert.deepEqual(Array.from(wasm), Array.from(js));
    // The matrix's WebAssembly copy serves the next solve afresh.
    assert.deepEqual(Array.from(await run(true)), Array.from(wasm));
    assert.ok(
      wasm.some((v) => Math.abs(v) > 0.1),
      'it learned something',
    );
  });

  it("builds its rows from columns: each row's nonzeros in column order, indicators by their ones, the bias last", () => {
    const n = 7;
    const dense = Float64Array.from([0, 1.5, 0, -2, 0, 0, 3]);
    const ones = Int32Array.from([1, 4, 6]);
    const columns = [
      { name: 'x', kind: 'numeric' as const, values: dense },
      indicatorColumn('is_a', n, ones),
      { name: 'z', kind: 'numeric' as const, values: new Float64Array(n) },
    ];
    for (const bias of [0, 2]) {
      const M = RowMatrix.fromColumns(columns, n, bias);
      assert.equal(M.dd, 4);
      // The same rows, read off the dense table one cell at a time.
      const ptr = [0];
      const idx: number[] = [];
      const val: number[] = [];
      for (let i = 0; i < n; i++) {
        const row = [dense[i], ones.includes(i) ? 1 : 0, 0, bias];
        row.forEach((v, j) => {
          if (v !== 0) {
            idx.push(j);
            val.push(v);
          }
        });
        ptr.push(idx.length);
      }
      assert.deepEqual(Array.from(M.ptr), ptr, `bias ${bias}`);
      assert.deepEqual(Array.from(M.idx), idx, `bias ${bias}`);
      assert.deepEqual(Array.from(M.val), val, `bias ${bias}`);
    }
  });

  it('fits the same one-vs-rest classifiers on one thread or several', async () => {
    const rng = new Rng(5);
    const n = 3000;
    const d = 40;
    const cols = Array.from({ length: d }, () => new Float64Array(n));
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 5;
      for (let j = 0; j < d; j++) cols[j][i] = rng.normal() + (j % 5 === labels[i] ? 1 : 0);
    }
    const X = numericFrame(
      cols.map((_, j) => `x${j}`),
      cols,
    );
    const y: Target = { task: 'classification', labels, classes: ['a', 'b', 'c', 'd', 'e'] };
    const fit = async (n_jobs: number) => {
      const m = createLearner('linear_svm', 'classification', { n_jobs });
      await m.fit(X, y, { seed: 3 });
      return m.toJSON().state;
    };
    const one = await fit(1);
    assert.equal(idleWorkers(new URL('./linear-svm.js', import.meta.url).href, 'linear-worker'), 0);
    const two = await fit(2);
    // The threads ran (their workers wait idle for the next fit) and gave the same weights.
    assert.ok(idleWorkers(new URL('./linear-svm.js', import.meta.url).href, 'linear-worker') > 0);
    assert.deepEqual(two, one);
  });

  // digits: ten classes, their classifiers on threads.
  for (const dataset of ['iris', 'wine', 'breast_cancer', 'german_credit', 'diabetes', 'digits']) {
    it(`matches scikit-learn LinearSVC / LinearSVR on ${dataset}`, async () => {
      const c = [
        ...(await compare({ algorithm: 'linear_svm', dataset })),
        ...(dataset === 'digits'
          ? []
          : await compare({ algorithm: 'linear_svm', dataset, params: { C: 0.05 } })),
      ];
      assert.ok(
        c.every((x) => x.ok),
        describeComparison(c),
      );
    });
  }
});
