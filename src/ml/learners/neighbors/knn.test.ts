import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { numericFrame, type Target } from '../../frame.js';
import { createLearner } from '../index.js';
import { compare, describeComparison } from '../kit/accuracy.js';

function blobs(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const cols = Array.from({ length: d }, () => new Float64Array(n));
  const labels = new Int32Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let j = 0; j < d; j++) cols[j][i] = rng.normal() + (j % 3 === labels[i] ? 1.5 : 0);
    values[i] = cols[0][i] * 2 - cols[1][i];
  }
  const X = numericFrame(
    cols.map((_, j) => `x${j}`),
    cols,
  );
  const cls: Target = { task: 'classification', labels, classes: ['a', 'b', 'c'] };
  const reg: Target = { task: 'regression', values };
  return { X, cls, reg };
}

describe('knn', () => {
  it('finds the same neighbours by KD-tree and by brute force, on one thread or several', async () => {
    const tr = blobs(3000, 6, 1);
    const te = blobs(1500, 6, 2);
    const out: Float64Array[] = [];
    for (const params of [
      { algorithm: 'kd_tree' },
      { algorithm: 'brute', n_jobs: 1 },
      { algorithm: 'brute', n_jobs: 2 },
      { algorithm: 'kd_tree', p: 1 },
    ]) {
      const m = createLearner('knn', 'regression', { ...params, weights: 'distance', n_neighbors: 7 });
      await m.fit(tr.X, tr.reg, { seed: 0 });
      out.push(m.predict(te.X));
    }
    for (let i = 0; i < out[0].length; i++) {
      assert.ok(Math.abs(out[0][i] - out[1][i]) < 1e-9, `row ${i}: ${out[0][i]} vs ${out[1][i]}`);
      assert.ok(Math.abs(out[1][i] - out[2][i]) < 1e-12);
    }
    assert.notDeepEqual(out[3], out[0]);
  });

  it('gives an exact match all the vote under distance weighting', async () => {
    const x = new Float64Array([0, 1, 2, 3, 10]);
    const y: Target = {
      task: 'classification',
      labels: new Int32Array([0, 1, 1, 1, 0]),
      classes: ['a', 'b'],
    };
    const m = createLearner('knn', 'classification', { n_neighbors: 4, weights: 'distance' });
    await m.fit(numericFrame(['x'], [x]), y, { seed: 0 });
    assert.deepEqual(Array.from(m.predictProba!(numericFrame(['x'], [new Float64Array([0])]))), [1, 0]);
    await assert.rejects(
      createLearner('knn', 'classification', { n_neighbors: 6 }).fit(numericFrame(['x'], [x]), y, {
        seed: 0,
      }),
      /n_neighbors is 6/,
    );
  });

  // sms_spam: 500 TF-IDF columns, searched through their sparse deviations (search.ts); one
  // comparison, since each loads and standardizes them again on both sides (6 s).
  for (const dataset of ['iris', 'wine', 'breast_cancer', 'german_credit', 'diabetes', 'sms_spam']) {
    it(`matches scikit-learn on ${dataset}`, async () => {
      const c = [
        ...(await compare({ algorithm: 'knn', dataset })),
        ...(dataset === 'sms_spam'
          ? []
          : await compare({ algorithm: 'knn', dataset, params: { n_neighbors: 9 } })),
      ];
      assert.ok(
        c.every((x) => x.ok),
        describeComparison(c),
      );
    });
  }
});
