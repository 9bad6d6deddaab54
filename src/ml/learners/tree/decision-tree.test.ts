import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { numericFrame, type Target } from '../../frame.js';
import { createLearner } from '../index.js';
import { compare, describeComparison } from '../kit/accuracy.js';
import { makeBins } from './binning.js';

const SEEDS = Array.from({ length: 30 }, (_, i) => i);

describe('decision_tree', () => {
  it('skips only features that are constant in the node itself: distinct rows end in pure leaves', async () => {
    // Sparse binary columns (as one-hot encoding makes) become constant deep in one subtree
    // but not in its siblings; a sibling that skipped such a column would stop at an impure
    // leaf. With every row distinct and no depth limit, every training row is classified right.
    const rng = new Rng(11);
    const n = 400;
    const d = 14;
    const seen = new Set<string>();
    const cols = Array.from({ length: d }, () => new Float64Array(n));
    const labels = new Int32Array(n);
    for (let i = 0; i < n;) {
      const row = Array.from({ length: d }, (_, j) => (rng.next() < (j < 4 ? 0.5 : 0.15) ? 1 : 0));
      const key = row.join('');
      if (seen.has(key)) continue;
      seen.add(key);
      row.forEach((v, j) => (cols[j][i] = v));
      labels[i] = rng.next() < 0.5 ? 1 : 0;
      i++;
    }
    const X = numericFrame(
      cols.map((_, j) => `c${j}`),
      cols,
    );
    for (const seed of [0, 1, 2]) {
      const m = createLearner('decision_tree', 'classification');
      await m.fit(X, { task: 'classification', labels, classes: ['0', '1'] }, { seed });
      const p = m.predict(X);
      const wrong = labels.reduce((s, l, i) => s + (p[i] === l ? 0 : 1), 0);
      assert.equal(wrong, 0, `seed ${seed}: ${wrong} training rows misclassified`);
    }
  });

  it('places thresholds halfway between neighbouring values and respects min_samples_leaf and max_depth', async () => {
    const x = new Float64Array([1, 2, 3, 10, 11, 12]);
    const y: Target = {
      task: 'classification',
      labels: new Int32Array([0, 0, 0, 1, 1, 1]),
      classes: ['a', 'b'],
    };
    const m = createLearner('decision_tree', 'classification');
    await m.fit(numericFrame(['x'], [x]), y, { seed: 0 });
    const st = m.toJSON().state as { trees: { nTrees: number } };
    assert.equal(st.trees.nTrees, 1);
    const p = m.predict(numericFrame(['x'], [new Float64Array([6.5, 6.51, -100, 100])]));
    assert.deepEqual(Array.from(p), [0, 1, 0, 1]);

    const rng = new Rng(3);
    const n = 500;
    const a = Float64Array.from({ length: n }, () => rng.normal());
    const b = Float64Array.from({ length: n }, () => rng.normal());
    const v = Float64Array.from(a, (ai, i) => ai * ai + b[i]);
    const deep = createLearner('decision_tree', 'regression', { min_samples_leaf: 30, max_depth: 3 });
    await deep.fit(numericFrame(['a', 'b'], [a, b]), { task: 'regression', values: v }, { seed: 0 });
    const leaves = new Map<number, number>();
    for (const q of deep.predict(numericFrame(['a', 'b'], [a, b]))) leaves.set(q, (leaves.get(q) ?? 0) + 1);
    assert.ok(leaves.size <= 8, `${leaves.size} leaves at depth 3`);
    for (const c of leaves.values()) assert.ok(c >= 30, `a leaf holds ${c} rows`);
    const imp = deep.featureImportance!()!;
    assert.ok(Math.abs(imp.values[0] + imp.values[1] - 1) < 1e-12);
  });

  it('bins large data into quantiles and still learns', async () => {
    const rng = new Rng(5);
    const n = 30000;
    const a = Float64Array.from({ length: n }, () => rng.normal());
    const labels = Int32Array.from(a, (v) => (v + rng.normal() * 0.1 > 0.3 ? 1 : 0));
    const bins = makeBins(a, n, 1, 255);
    assert.equal(bins.offset[1], 255);
    const m = createLearner('decision_tree', 'classification', { max_depth: 4 });
    await m.fit(
      numericFrame(['a'], [a]),
      { task: 'classification', labels, classes: ['0', '1'] },
      { seed: 0 },
    );
    const p = m.predict(numericFrame(['a'], [a]));
    let ok = 0;
    for (let i = 0; i < n; i++) if (p[i] === labels[i]) ok++;
    assert.ok(ok / n > 0.95, `accuracy ${ok / n}`);
  });

  // Ties between equally good splits are broken by a random feature order, so one seed's
  // score on a 30-row test set is partly luck: compare means over thirty seeds on both sides.
  for (const dataset of ['iris', 'wine', 'breast_cancer', 'german_credit', 'diabetes']) {
    it(`matches scikit-learn on ${dataset}`, async () => {
      const c = await compare({ algorithm: 'decision_tree', dataset, seeds: SEEDS });
      assert.ok(
        c.every((x) => x.ok),
        describeComparison(c),
      );
    });
  }
});
