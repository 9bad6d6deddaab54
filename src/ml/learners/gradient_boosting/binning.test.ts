import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import {
  Locator,
  SKETCH_SAMPLE,
  below,
  binNumeric,
  binOf,
  fitBins,
  fitNumeric,
  sampleRows,
  valueBins,
} from './binning.js';

describe('gradient_boosting binning', () => {
  it('locates values among boundaries exactly as a binary search does', () => {
    const rng = new Rng(1);
    for (const spread of [1, 1e-9, 1e9]) {
      const t = Float64Array.from(
        new Set(
          Array.from(
            { length: 300 },
            () => Math.round(rng.normal() * 50) * spread + (rng.next() < 0.1 ? 1e6 * spread : 0),
          ),
        ),
      ).sort();
      const cuts = Float64Array.from([...t, Infinity]);
      const loc = new Locator(cuts);
      const probes = [
        ...t,
        ...Array.from({ length: 2000 }, () => rng.normal() * 80 * spread),
        -Infinity,
        Infinity,
        1e300,
        -1e300,
      ];
      for (const x of probes) assert.equal(loc.find(x) + 1, binOf(cuts, x), `x=${x}`);
    }
  });

  it('gives each distinct value its own bin when there are few', () => {
    const n = 5000;
    const v = Float64Array.from({ length: n }, (_, i) => [3, 1, 2, 7, NaN][i % 5]);
    const out = new Uint8Array(n);
    const cuts = fitNumeric(v, 255, null, out, new Uint16Array(n));
    assert.equal(cuts.length, 4);
    assert.deepEqual(Array.from(out.subarray(0, 5)), [3, 1, 2, 4, 0]);
  });

  it('makes about equal bins of continuous values from a sample, and bins them as binNumeric does', () => {
    const rng = new Rng(2);
    const n = 100_000;
    const v = Float64Array.from({ length: n }, () => (rng.next() < 0.02 ? NaN : Math.exp(rng.normal() * 2)));
    const out = new Uint8Array(n);
    const cuts = fitNumeric(v, 255, sampleRows(n, SKETCH_SAMPLE, new Rng(0)), out, new Uint16Array(n));
    assert.equal(cuts.length, 255);
    const again = new Uint8Array(n);
    binNumeric(v, cuts, again);
    assert.deepEqual(again, out);
    const counts = new Array(256).fill(0);
    for (const b of out) counts[b]++;
    const sizes = counts.slice(1).sort((a, b) => a - b);
    assert.ok(
      sizes[0] > 0.4 * (n / 255) && sizes[254] < 2.5 * (n / 255),
      `bin sizes ${sizes[0]}..${sizes[254]}`,
    );
  });

  it('starts a bin at a heavy value, which shares it only with larger values (as XGBoost)', () => {
    const n = 10_000;
    const rng = new Rng(3);
    const v = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 0 : rng.normal()));
    const out = new Uint8Array(n);
    fitNumeric(v, 16, null, out, new Uint16Array(n));
    const zeroBin = out[1];
    for (let i = 0; i < n; i++) if (v[i] < 0) assert.ok(out[i] < zeroBin, `${v[i]} shares the bin of 0`);
  });

  it('steps to the next double below, as 64-bit integer arithmetic on the bits does', () => {
    const rng = new Rng(3);
    const f = new Float64Array(1);
    const i = new BigInt64Array(f.buffer);
    const reference = (b: number) => {
      f[0] = b;
      i[0] += b > 0 ? -1n : 1n;
      return f[0];
    };
    // Low words of all zeros and all ones (a carry into the high word), subnormals, extremes.
    const cases = [
      1,
      -1,
      2,
      -2,
      0.5,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
    ];
    cases.push(2 ** -1022, -(2 ** -1022), 4294967296, -4294967296, 1 + 2 ** -20, -(1 + 2 ** -20));
    for (let k = 0; k < 2000; k++) cases.push((rng.next() - 0.5) * 10 ** Math.round(rng.next() * 40 - 20));
    for (const b of cases) assert.ok(Object.is(below(b), reference(b)), `below(${b})`);
    assert.equal(below(0), -Number.MIN_VALUE);
    assert.ok(below(3) < 3 && below(-3) < -3);
  });

  it("places cuts just below training values, so a split sends x < v left (XGBoost's rule)", () => {
    const n = 1000;
    const v = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 10 : 0));
    const cuts = fitNumeric(v, 256, null, new Uint8Array(n), new Uint16Array(n));
    assert.equal(cuts.length, 2);
    assert.equal(binOf(cuts, 9.999999), 1);
    assert.equal(binOf(cuts, 10), 2);
    assert.equal(binOf(cuts, 0), 1);
  });

  it("picks XGBoost's quantile ranks among many distinct values", () => {
    // 1000 distinct values, 10 bins: bins start at ranks 1 + k * 998 / 10 (k = 1..9).
    const n = 1000;
    const v = Float64Array.from({ length: n }, (_, i) => i);
    const out = new Uint8Array(n);
    const cuts = fitNumeric(v, 10, null, out, new Uint16Array(n));
    assert.equal(cuts.length, 10);
    const starts: number[] = [];
    for (let i = 1; i < n; i++) if (out[i] !== out[i - 1]) starts.push(i);
    assert.deepEqual(
      starts,
      Array.from({ length: 9 }, (_, k) => Math.floor(1 + ((k + 1) * 998) / 10)),
    );
  });

  it('orders categories by frequency and sends missing ones to bin 0', async () => {
    const values = ['b', 'a', 'b', null, 'c', 'b', 'a'];
    const out = new Uint8Array(values.length);
    const bins = await fitBins(
      { nRows: values.length, columns: [{ name: 'c', kind: 'categorical', values }] },
      256,
      new Rng(0),
      out,
    );
    assert.equal(valueBins(bins[0]), 3);
    assert.deepEqual(Array.from(out), [1, 2, 1, 0, 3, 1, 2]);
  });
});
