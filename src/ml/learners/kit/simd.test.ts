import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { Dots } from './simd.js';

describe('Dots', () => {
  it('takes e^x of RBF exponents within 1e-13 of Math.exp, 0 where it would be subnormal, any count', () => {
    const rng = new Rng(1);
    for (const m of [0, 1, 2, 7, 8, 9, 1001]) {
      const dots = Dots.create(new Float64Array(m * 4 + 4), m + 1, 4);
      assert.ok(dots, 'WebAssembly SIMD is available in Node 20');
      const q = new Float64Array(4);
      // The output view holds zeros (dot products with q = 0); the exponents go into it.
      const v = dots.against(q, 0, m);
      const x = Float64Array.from({ length: m }, (_, i) => (i === 0 ? 0 : i === 1 ? -800 : -rng.next() * 60));
      v.set(x);
      dots.expNegOut(m);
      for (let i = 0; i < m; i++) {
        const want = Math.exp(x[i]);
        if (want < 2.3e-308) assert.equal(v[i], 0);
        else assert.ok(Math.abs(v[i] - want) <= 1e-13 * want, `e^${x[i]}: ${v[i]}, Math.exp ${want}`);
      }
    }
  });
});
