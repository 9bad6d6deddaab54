import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NeutrinoError } from '../core/errors.js';
import { kFold, stratifiedKFold, timeSeriesSplit, type Fold } from './folds.js';

/** Every row is tested exactly once, and never trained on in its own fold. */
function partitions(folds: Fold[], n: number): void {
  const seen = new Int32Array(n);
  for (const f of folds) {
    const test = new Set(f.test);
    assert.equal(f.train.length + f.test.length, n);
    for (const i of f.train) assert.ok(!test.has(i));
    for (const i of f.test) seen[i]++;
    assert.deepEqual(
      Array.from(f.test),
      Array.from(f.test).sort((a, b) => a - b),
    );
  }
  assert.ok(seen.every((c) => c === 1));
}
const bad = (e: unknown) => e instanceof NeutrinoError && e.code === 'invalid_folds';

describe('kFold', () => {
  it('partitions the rows into folds within one row of each other, seeded', () => {
    const folds = kFold(23, 5, 7);
    partitions(folds, 23);
    assert.deepEqual(
      folds.map((f) => f.test.length),
      [5, 5, 5, 4, 4],
    );
    assert.deepEqual(kFold(23, 5, 7), folds);
    assert.notDeepEqual(kFold(23, 5, 8), folds);
    assert.deepEqual(Array.from(kFold(6, 3, 0, false)[1].test), [2, 3]);
  });
  it('refuses impossible fold counts', () => {
    assert.throws(() => kFold(3, 4), bad);
    assert.throws(() => kFold(10, 1), bad);
    assert.throws(() => kFold(10, 2.5), bad);
  });
});

describe('stratifiedKFold', () => {
  it('keeps each class in proportion in every fold', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : i < 95 ? 1 : 2));
    const folds = stratifiedKFold(labels, 5, 1);
    partitions(folds, 100);
    for (const f of folds) {
      const count = (k: number) => Array.from(f.test).filter((i) => labels[i] === k).length;
      assert.deepEqual([count(0), count(1), count(2)], [14, 5, 1]);
    }
    assert.deepEqual(stratifiedKFold(labels, 5, 1), folds);
  });
  it('balances fold sizes when classes do not divide evenly', () => {
    const labels = Int32Array.from({ length: 13 }, (_, i) => i % 3);
    const folds = stratifiedKFold(labels, 4, 0);
    partitions(folds, 13);
    const sizes = folds.map((f) => f.test.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, String(sizes));
  });
});

describe('timeSeriesSplit', () => {
  // /usr/bin/python3 -c "from sklearn.model_selection import TimeSeriesSplit as T; print([(len(a), b.tolist()) for a, b in T(3).split(range(10))]); print([(a.tolist(), b.tolist()) for a, b in T(2, gap=1, test_size=2).split(range(8))])"
  // → [(4, [4, 5]), (6, [6, 7]), (8, [8, 9])]
  // → [([0, 1, 2], [4, 5]), ([0, 1, 2, 3, 4], [6, 7])]
  it('expands the training window and never trains on the future, as scikit-learn', () => {
    const folds = timeSeriesSplit(10, 3);
    assert.deepEqual(
      folds.map((f) => [f.train.length, Array.from(f.test)]),
      [
        [4, [4, 5]],
        [6, [6, 7]],
        [8, [8, 9]],
      ],
    );
    for (const f of folds) assert.ok(Math.max(...f.train) < Math.min(...f.test));
    assert.deepEqual(
      timeSeriesSplit(8, 2, { gap: 1, testSize: 2 }).map((f) => [Array.from(f.train), Array.from(f.test)]),
      [
        [
          [0, 1, 2],
          [4, 5],
        ],
        [
          [0, 1, 2, 3, 4],
          [6, 7],
        ],
      ],
    );
    assert.deepEqual(Array.from(timeSeriesSplit(10, 3, { maxTrainSize: 3 })[2].train), [5, 6, 7]);
    assert.throws(() => timeSeriesSplit(5, 2, { testSize: 3 }), bad);
  });
});
