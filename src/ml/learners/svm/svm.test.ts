import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { numericFrame, type Target } from '../../frame.js';
import { createLearner } from '../index.js';
import { compare, describeComparison } from '../kit/accuracy.js';
import { DATASETS, prepare, splitDataset } from '../kit/peer.js';
import { learnerSpec } from '../index.js';
import { couple, sigmoidTrain } from './platt.js';
import { Kernel } from './kernel.js';
import { Rng } from '../../../core/random.js';

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

  for (const [dataset, params] of [
    ['diabetes', { C: 100 }],
    ['breast_cancer', { probability: false, C: 1000 }],
  ] as const) {
    // Both fits run long enough to shrink (every 1,000 steps or n, whichever is fewer).
    it(`shrinks the active set without changing the model (${dataset})`, async () => {
      const ds = DATASETS[dataset];
      const data = await prepare(await splitDataset(ds, 0), ds, learnerSpec('svm').input);
      const fit = async (shrinking: boolean) => {
        const m = createLearner('svm', ds.task, { ...params, tol: 1e-6, shrinking });
        await m.fit(data.Xtr, data.ytr, { seed: 0 });
        return ds.task === 'classification' ? m.predictProba!(data.Xte) : m.predict(data.Xte);
      };
      const [on, off] = [await fit(true), await fit(false)];
      let spread = 0;
      for (const v of off) spread = Math.max(spread, Math.abs(v));
      for (let i = 0; i < on.length; i++)
        assert.ok(
          Math.abs(on[i] - off[i]) <= 1e-4 * spread,
          `row ${i}: ${on[i]} with shrinking, ${off[i]} without`,
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

describe('svm kernel', () => {
  it('gives the same values with mostly-zero columns kept apart (one-hot) as the plain dot product', () => {
    const rng = new Rng(3);
    const n = 300;
    const d = 36; // 6 dense columns, then 30 one-hot columns in three groups of ten
    const X = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 6; j++) X[i * d + j] = rng.normal();
      for (let g = 0; g < 3; g++) X[i * d + 6 + g * 10 + rng.int(10)] = 1;
    }
    for (const kernel of ['rbf', 'linear', 'poly'] as const) {
      const k = new Kernel({ kernel, gamma: 0.1, degree: 3, coef0: 1 }, X, n, d);
      assert.ok((k as unknown as { tail: unknown }).tail, 'the one-hot columns are kept apart');
      const rows = Int32Array.from({ length: n }, (_, i) => (i * 7) % n);
      const all = Int32Array.from({ length: n }, (_, i) => i);
      const col = new Float64Array(n);
      const q = new Float64Array(n);
      for (const a of [0, 17, 299]) {
        k.column(a, rows, col);
        k.against(X.subarray(a * d, (a + 1) * d), all, q);
        for (let t = 0; t < n; t++) {
          const want = k.at(a, rows[t]);
          assert.ok(Math.abs(col[t] - want) <= 1e-12 * (1 + Math.abs(want)), `${kernel} column(${a})[${t}]`);
          const want2 = k.at(a, t);
          assert.ok(Math.abs(q[t] - want2) <= 1e-12 * (1 + Math.abs(want2)), `${kernel} against(${a})[${t}]`);
        }
      }
    }
  });
});
