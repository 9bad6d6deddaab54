import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { numericFrame, type Target } from '../../frame.js';
import { createLearner } from '../index.js';
import { compare, describeComparison } from '../kit/accuracy.js';
import { couple, sigmoidTrain } from './platt.js';

// Platt scaling cross-validates on a random split, so probabilities (and the argmax the peer
// scores) move a little with the seed on both sides: compare means over a few seeds.
const SEEDS = [0, 1, 2, 3, 4];

describe('svm', () => {
  it('puts the boundary of a linear kernel halfway between two separable groups', async () => {
    const x = new Float64Array([-3, -2, -1, 1, 2, 3]);
    const y: Target = {
      task: 'classification',
      labels: new Int32Array([0, 0, 0, 1, 1, 1]),
      classes: ['a', 'b'],
    };
    const m = createLearner('svm', 'classification', { kernel: 'linear', C: 100, probability: false });
    await m.fit(numericFrame(['x'], [x]), y, { seed: 0 });
    assert.deepEqual(Array.from(m.predict(numericFrame(['x'], [new Float64Array([-0.01, 0.01])]))), [0, 1]);
  });

  it('fits Platt sigmoids that increase with the decision value, and couples pairwise probabilities', () => {
    const f = new Float64Array([-3, -2, -1, -0.5, 0.5, 1, 2, 3]);
    const s = new Int8Array([-1, -1, -1, 1, -1, 1, 1, 1]);
    const { A, B } = sigmoidTrain(f, s);
    assert.ok(A < 0 && Math.abs(B) < 1);
    // Consistent pairwise probabilities from p = (0.5, 0.3, 0.2) are recovered.
    const p = [0.5, 0.3, 0.2];
    const r = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (i !== j) r[i * 3 + j] = p[i] / (p[i] + p[j]);
    const out = new Float64Array(3);
    couple(r, 3, out);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(out[i] - p[i]) < 1e-3, `${out[i]} vs ${p[i]}`);
  });

  for (const dataset of ['iris', 'wine', 'breast_cancer', 'german_credit']) {
    it(`matches scikit-learn SVC on ${dataset}`, async () => {
      const c = [
        ...(await compare({ algorithm: 'svm', dataset, seeds: SEEDS })),
        ...(await compare({ algorithm: 'svm', dataset, params: { kernel: 'poly', C: 10 }, seeds: SEEDS })),
      ];
      assert.ok(
        c.every((x) => x.ok),
        describeComparison(c),
      );
    });
  }

  it('matches scikit-learn SVR on diabetes', async () => {
    const c = [
      ...(await compare({ algorithm: 'svm', dataset: 'diabetes' })),
      ...(await compare({ algorithm: 'svm', dataset: 'diabetes', params: { C: 100 } })),
      ...(await compare({ algorithm: 'svm', dataset: 'diabetes', params: { kernel: 'poly', C: 10 } })),
    ];
    assert.ok(
      c.every((x) => x.ok),
      describeComparison(c),
    );
  });
});
