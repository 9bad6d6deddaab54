import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../core/random.js';
import { fillNaN, hasNaN, medianOf, medianSorted, sortedValues } from './stats.js';

describe('order statistics', () => {
  it('medianOf (selection) equals the median of the sorted values, NaN ignored', () => {
    const rng = new Rng(7);
    const shapes: ((i: number) => number)[] = [
      () => rng.next(),
      () => Math.floor(rng.next() * 5), // many ties
      (i) => i, // sorted
      (i) => -i, // reversed
      () => 3, // constant
      () => (rng.next() < 0.3 ? NaN : rng.next() * 100 - 50),
    ];
    for (const shape of shapes)
      for (const n of [1, 2, 3, 10, 101, 1000]) {
        const v = Float64Array.from({ length: n }, (_, i) => shape(i));
        const want = medianSorted(sortedValues(v));
        const before = v.slice();
        assert.equal(medianOf(v), want, `n=${n}`);
        assert.deepEqual(v, before, 'the input is left as it was');
      }
    assert.ok(Number.isNaN(medianOf(new Float64Array([NaN, NaN]))));
    assert.ok(Number.isNaN(medianOf(new Float64Array(0))));
  });

  it('finds and fills NaN', () => {
    const v = new Float64Array([1, NaN, 3]);
    assert.equal(hasNaN(v), true);
    assert.equal(hasNaN(new Float64Array([1, 2])), false);
    assert.deepEqual(Array.from(fillNaN(v, 9)), [1, 9, 3]);
  });
});
