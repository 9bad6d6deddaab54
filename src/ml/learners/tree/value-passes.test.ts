import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { makeBins } from './binning.js';
import type { GrowData } from './grower.js';
import { holdValuePasses, valuePassesFit } from './value-passes.js';

/** A table with values repeated (so thresholds land on ties) and rows in random order. */
function table(n: number, d: number, nClasses: number, seed: number): GrowData {
  const rng = new Rng(seed);
  const columns = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) columns[i] = Math.floor(rng.next() * 50) / 7 - 3;
  const labels = nClasses > 0 ? Int32Array.from({ length: n }, () => rng.int(nClasses)) : undefined;
  const values = nClasses > 0 ? undefined : Float64Array.from({ length: n }, () => rng.normal() * 1e3);
  return { n, d, nClasses, labels, values, bins: makeBins(columns, n, d, null), columns };
}

function nodeRows(n: number, m: number, rng: Rng): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(all);
  return all.slice(0, m);
}

describe('ValuePasses (extra trees on values, WebAssembly)', () => {
  it('is available here, and refuses a table past 2 GB', () => {
    assert.equal(valuePassesFit(1000, 10, 2), true);
    assert.equal(valuePassesFit(1_000_000, 300, 2), false);
  });

  it('gathers a feature with its min and max, and counts and sums as JavaScript does, bit for bit', () => {
    const rng = new Rng(3);
    const data = table(3000, 4, 0, 1);
    const vp = holdValuePasses(data);
    // Node sizes around the 256-row blocks the sums go by.
    for (const m of [1, 5, 255, 256, 257, 1000, 3000]) {
      const rows = nodeRows(data.n, m, rng);
      vp.rows.set(rows);
      vp.gatherTargets(m);
      for (let i = 0; i < m; i++) assert.equal(vp.y[i], data.values![rows[i]]);
      for (let f = 0; f < data.d; f++) {
        vp.gather(f, m);
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < m; i++) {
          const x = data.columns![f * data.n + rows[i]];
          assert.equal(vp.xs[i], x);
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
        assert.equal(vp.out[0], lo);
        assert.equal(vp.out[1], hi);
        const t = lo + rng.next() * (hi - lo);
        vp.countSum(m, t);
        let count = 0;
        let sum = 0;
        for (let b = 0; b < m; b += 256) {
          let s = 0;
          for (let i = b; i < Math.min(m, b + 256); i++) if (vp.xs[i] <= t) s += vp.y[i];
          sum += s;
        }
        for (let i = 0; i < m; i++) if (vp.xs[i] <= t) count++;
        assert.equal(vp.out[2], count);
        assert.equal(vp.out[3], sum, `m ${m}, feature ${f}`);
      }
    }
    vp.release();
  });

  it('adds each row at or below the threshold to its class slot, with weights or without', () => {
    const rng = new Rng(5);
    const data = table(2000, 3, 4, 2);
    const vp = holdValuePasses(data);
    const m = 900;
    const rows = nodeRows(data.n, m, rng);
    vp.rows.set(rows);
    for (let i = 0; i < m; i++) {
      const w = 1 + rng.int(3);
      vp.w[i] = w;
      vp.at[i] = 2 + data.labels![rows[i]];
      vp.y[i] = w;
    }
    vp.gather(1, m);
    const t = (vp.out[0] + vp.out[1]) / 2;
    const slots = new Float64Array(6);
    const weighted = new Float64Array(6);
    let count = 0;
    let weight = 0;
    for (let i = 0; i < m; i++) {
      if (vp.xs[i] > t) continue;
      count++;
      weight += vp.w[i];
      slots[vp.at[i]]++;
      weighted[vp.at[i]] += vp.y[i];
    }
    assert.ok(count > 0 && count < m);
    vp.stats.fill(0);
    vp.countSlots(m, t);
    assert.equal(vp.out[2], count);
    assert.deepEqual([...vp.stats], [...slots]);
    vp.stats.fill(0);
    vp.countWeighted(m, t);
    assert.equal(vp.out[2], count);
    assert.equal(vp.out[3], weight);
    assert.deepEqual([...vp.stats], [...weighted]);
    vp.release();
  });

  it('tiny: every candidate of a small node in one call, drawing thresholds as the grower does', () => {
    for (const nClasses of [0, 2]) {
      const data = table(500, 6, nClasses, 6);
      const vp = holdValuePasses(data);
      const pick = new Rng(9);
      for (let trial = 0; trial < 200; trial++) {
        const m = 1 + pick.int(16);
        const rows = nodeRows(data.n, m, pick);
        const take = 1 + pick.int(data.d);
        const feats = nodeRows(data.d, take, pick);
        // Some nodes hold one repeated row: every feature constant.
        if (trial % 10 === 0) rows.fill(rows[0]);
        vp.rows.set(rows);
        vp.feats.set(feats);
        const seed = 1000 + trial;
        const rng = new Rng(seed);
        vp.tiny(m, take, rng);
        const ref = new Rng(seed);
        const target = (r: number) => (nClasses > 0 ? data.labels![r] : data.values![r]);
        for (let q = 0; q < take; q++) {
          const xs = Array.from(rows, (r) => data.columns![feats[q] * data.n + r]);
          const lo = Math.min(...xs);
          const hi = Math.max(...xs);
          if (hi <= lo + 1e-7) {
            assert.equal(vp.res[3 * q + 1], -1);
            continue;
          }
          let t = lo + ref.next() * (hi - lo);
          if (t >= hi) t = lo;
          let count = 0;
          let sum = 0;
          for (let i = 0; i < m; i++) {
            if (xs[i] > t) continue;
            count++;
            sum += target(rows[i]);
          }
          assert.deepEqual([...vp.res.subarray(3 * q, 3 * q + 3)], [t, count, sum]);
        }
        // The generator goes on where the passes left it.
        assert.equal(rng.next(), ref.next());
      }
      vp.release();
    }
  });

  it('lends one copy of a table to one grower at a time: a second holder gets its own', () => {
    const data = table(100, 2, 2, 4);
    const a = holdValuePasses(data);
    const b = holdValuePasses(data);
    assert.notEqual(a, b);
    a.rows[0] = 7;
    assert.notEqual(b.rows[0], 7);
    a.release();
    b.release();
    // Released, the first copy is lent again (a fit's trees share it).
    assert.equal(holdValuePasses(data), a);
  });
});
