import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { numericFrame, type Target } from '../../frame.js';
import { createLearner } from '../index.js';
import { compare, describeComparison } from '../kit/accuracy.js';

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

  for (const dataset of ['iris', 'wine', 'breast_cancer', 'german_credit', 'diabetes']) {
    it(`matches scikit-learn LinearSVC / LinearSVR on ${dataset}`, async () => {
      const c = [
        ...(await compare({ algorithm: 'linear_svm', dataset })),
        ...(await compare({ algorithm: 'linear_svm', dataset, params: { C: 0.05 } })),
      ];
      assert.ok(
        c.every((x) => x.ok),
        describeComparison(c),
      );
    });
  }
});
