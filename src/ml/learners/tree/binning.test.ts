import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeBins } from './binning.js';

/** Column j's codes, lowest and highest values per bin, and dominant bin. */
function column(data: number[][], maxBins: number | null, j: number) {
  const n = data[0].length;
  const b = makeBins(Float64Array.from(data.flat()), n, data.length, maxBins);
  const codes = Array.from({ length: n }, (_, i) => b.codes[i * b.rowStride + j * b.colStride]);
  const range = [b.offset[j], b.offset[j + 1]];
  return { codes, lo: [...b.lo.slice(...range)], hi: [...b.hi.slice(...range)], mode: b.mode[j] };
}

describe('tree bins', () => {
  it('gives a few-valued column a bin per value, ascending, -0 standing for zero when present', () => {
    const c = column([[1, 0, 0, -0, 2, 0, 1]], 255, 0);
    assert.deepEqual(c.codes, [1, 0, 0, 0, 2, 0, 1]);
    assert.ok(Object.is(c.lo[0], -0));
    assert.deepEqual(c.lo.slice(1), [1, 2]);
    assert.deepEqual(c.hi.slice(1), [1, 2]);
    assert.equal(c.mode, 0);
  });

  it('bins a few-valued column as it bins the same values among many (the sorted path)', () => {
    // Column 0 repeats 7 values; column 1 starts with the same rows, then has a distinct
    // value in every row (beyond the few-value limit, so it sorts).
    const few = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    const rows = 40;
    const a = Array.from({ length: rows }, (_, i) => few[i % few.length]);
    const b = Array.from({ length: rows }, (_, i) => (i < few.length ? a[i] : 100 + i));
    const fast = column([a, b], 255, 0);
    const sorted = column([a, b], 255, 1);
    const distinct = [...new Set(a)].sort((x, y) => x - y);
    assert.deepEqual(fast.lo, distinct);
    assert.deepEqual(
      fast.codes.slice(0, few.length),
      a.slice(0, few.length).map((v) => distinct.indexOf(v)),
    );
    // In the sorted column the first rows' values are the smallest, in the same order.
    const firstSorted = [...new Set(b.slice(0, few.length))].sort((x, y) => x - y);
    assert.deepEqual(
      sorted.codes.slice(0, few.length),
      b.slice(0, few.length).map((v) => firstSorted.indexOf(v)),
    );
    assert.equal(sorted.lo.length, new Set(b).size);
  });

  it('leaves columns with a NaN, or more values than bins, to the sorted path', () => {
    const withNaN = column([[0, 1, NaN, 1, 0]], 255, 0);
    assert.deepEqual(withNaN.lo.slice(0, 2), [0, 1]);
    assert.equal(withNaN.codes[2], 2, 'NaN sorts after the numbers');
    const capped = column([[0, 1, 2, 3, 0, 1, 2, 3]], 2, 0);
    assert.equal(capped.lo.length, 2);
    assert.deepEqual(capped.codes, [0, 0, 1, 1, 0, 0, 1, 1]);
  });
});
