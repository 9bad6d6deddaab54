import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../../core/random.js';
import { argsort, sortFloat64 } from './sort.js';

const rng = new Rng(7);
// Values whose 64 bits differ in every radix digit, in only a few, or not at all.
const cases: [string, () => number][] = [
  ['uniform', () => rng.next() * 10 - 5],
  ['small integers', () => Math.round(rng.next() * 20) - 10],
  [
    'signed zeros and subnormals',
    () => (rng.next() < 0.3 ? -0 : rng.next() < 0.5 ? 0 : -rng.next() * 1e-310),
  ],
  [
    'huge and infinite',
    () => (rng.next() < 0.05 ? -Infinity : rng.next() < 0.05 ? Infinity : (rng.next() - 0.5) * 1e300),
  ],
  ['constant', () => 3.25],
];

describe('radix sorts of doubles', () => {
  for (const [name, gen] of cases)
    it(`sortFloat64 orders ${name} as Float64Array.prototype.sort does (-0 before +0)`, () => {
      // Past 2^16 values: below, sortFloat64 is the built-in sort itself.
      const v = Float64Array.from({ length: 70000 }, gen);
      const want = v.slice().sort();
      const got = sortFloat64(v.slice());
      for (let i = 0; i < v.length; i++)
        assert.ok(Object.is(got[i], want[i]), `at ${i}: ${got[i]} vs ${want[i]}`);
    });

  it('argsort is stable: equal values keep their order', () => {
    const v = Float64Array.from({ length: 3000 }, () => Math.round(rng.next() * 5));
    const order = argsort(v);
    for (let i = 1; i < order.length; i++) {
      const a = order[i - 1];
      const b = order[i];
      assert.ok(v[a] < v[b] || (v[a] === v[b] && a < b), `positions ${i - 1}, ${i}`);
    }
  });

  it('argsort gives the stable order (-0 before +0) on short, long and mostly-one-value columns', () => {
    // The reference: by value, -0 before +0, then by index.
    const reference = (v: Float64Array) =>
      Array.from(v, (_, i) => i).sort((a, b) => {
        const x = v[a];
        const y = v[b];
        if (x !== y) return x < y ? -1 : 1;
        const nx = Object.is(x, -0);
        const ny = Object.is(y, -0);
        return nx !== ny ? (nx ? -1 : 1) : a - b;
      });
    const mostly =
      (common: number, share: number, other: () => number): (() => number) =>
      () =>
        rng.next() < share ? common : other();
    const columns: [string, () => number][] = [
      ...cases,
      ['mostly zero, a few on both sides', mostly(0, 0.9, () => rng.next() * 4 - 2)],
      ['mostly -0, some +0 and values', mostly(-0, 0.6, () => (rng.next() < 0.3 ? 0 : rng.next() - 0.5))],
      ['mostly +0, some -0', mostly(0, 0.7, () => -0)],
      ['mostly a negative value', mostly(-1.5, 0.5, () => Math.round(rng.next() * 6) - 3)],
      // Neighbours whose keys differ from the common one in the low word only.
      ['mostly 1.5, the rest within 1e-9', mostly(1.5, 0.6, () => 1.5 + (rng.next() - 0.5) * 1e-9)],
    ];
    for (const [name, gen] of columns)
      for (const n of [1, 7, 200, 256, 257, 3000]) {
        const v = Float64Array.from({ length: n }, gen);
        assert.deepEqual(Array.from(argsort(v)), reference(v), `${name}, ${n} values`);
      }
  });

  it('sorts a view in place without touching the rest of its buffer', () => {
    const all = Float64Array.from([9, 3, 1, 2, -9]);
    sortFloat64(all.subarray(1, 4));
    assert.deepEqual([...all], [9, 1, 2, 3, -9]);
  });
});
