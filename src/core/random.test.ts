import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './random.js';

/** mulberry32 as published, on an unsigned state: the draws Rng must reproduce bit for bit. */
function reference(seed: number): () => number {
  let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Rng', () => {
  it('draws the same sequence as mulberry32 on an unsigned state, for any seed', () => {
    for (const seed of [0, 1, 42, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 40 + 3, 7.9]) {
      const r = new Rng(seed);
      const ref = reference(seed);
      for (let i = 0; i < 10_000; i++) assert.equal(r.next(), ref(), `seed ${seed}, draw ${i}`);
    }
  });

  it('draws in [0, 1), integers in [0, n), and differs between seeds', () => {
    const a = new Rng(1);
    const b = new Rng(2);
    let same = 0;
    for (let i = 0; i < 1000; i++) {
      const x = a.next();
      assert.ok(x >= 0 && x < 1);
      const k = a.int(7);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
      if (x === b.next()) same++;
      b.next();
    }
    assert.ok(same < 5);
  });
});
