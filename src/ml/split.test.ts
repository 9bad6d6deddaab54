import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NeutrinoError } from '../core/errors.js';
import { splitIndices } from './split.js';
import type { Target } from './frame.js';

function classTarget(counts: number[]): Target {
  const labels: number[] = [];
  counts.forEach((c, k) => {
    for (let i = 0; i < c; i++) labels.push(k);
  });
  // interleave so that classes are not contiguous
  const shuffled = labels
    .map((l, i) => ({ l, key: (i * 7919) % labels.length }))
    .sort((a, b) => a.key - b.key);
  return {
    task: 'classification',
    labels: Int32Array.from(shuffled.map((s) => s.l)),
    classes: counts.map((_, k) => `c${k}`),
  };
}

describe('splitIndices', () => {
  it('partitions every row exactly once, in the requested sizes', () => {
    const s = splitIndices(1000, { testFraction: 0.2, validationFraction: 0.1, seed: 3 });
    assert.equal(s.test.length, 200);
    assert.equal(s.validation.length, 100);
    assert.equal(s.train.length, 700);
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  it('is seeded: same seed same split, another seed another split', () => {
    const o = { testFraction: 0.25, validationFraction: 0, seed: 1 };
    assert.deepEqual(splitIndices(100, o), splitIndices(100, o));
    assert.notDeepEqual(splitIndices(100, o).test, splitIndices(100, { ...o, seed: 2 }).test);
  });

  it('stratifies classes in proportion', () => {
    const y = classTarget([900, 90, 10]);
    const s = splitIndices(y, { testFraction: 0.2, validationFraction: 0.1, seed: 0 });
    const count = (idx: Int32Array, k: number) =>
      Array.from(idx).filter((i) => (y as { labels: Int32Array }).labels[i] === k).length;
    assert.deepEqual([count(s.test, 0), count(s.test, 1), count(s.test, 2)], [180, 18, 2]);
    assert.deepEqual([count(s.validation, 0), count(s.validation, 1), count(s.validation, 2)], [90, 9, 1]);
    assert.deepEqual([count(s.train, 0), count(s.train, 1), count(s.train, 2)], [630, 63, 7]);
  });

  it('allows no validation and no test part', () => {
    const s = splitIndices(10, { testFraction: 0, validationFraction: 0, seed: 0 });
    assert.equal(s.train.length, 10);
    assert.equal(s.test.length + s.validation.length, 0);
  });

  it('rejects fractions out of range', () => {
    for (const [t, v] of [
      [1, 0],
      [-0.1, 0],
      [0.5, 0.5],
      [0.2, NaN],
    ])
      assert.throws(
        () => splitIndices(10, { testFraction: t, validationFraction: v, seed: 0 }),
        NeutrinoError,
      );
  });
});
