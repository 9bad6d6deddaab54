import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { numericFrame, type Target } from '../../frame.js';
import { createLearner } from '../index.js';
import { compare, describeComparison } from '../kit/accuracy.js';
import { makeBins } from './binning.js';

const SEEDS = Array.from({ length: 30 }, (_, i) => i);

describe('decision_tree', () => {
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
