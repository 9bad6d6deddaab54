import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NeutrinoError } from '../../../core/errors.js';
import { indicatorColumn, numericFrame } from '../../frame.js';
import { Rng } from '../../../core/random.js';
import { weightedSums } from './input.js';

describe('weightedSums', () => {
  // More rows than a block (1,024), so sums and indicators carry across blocks.
  const n = 2500;
  const rng = new Rng(3);
  const a = Float64Array.from({ length: n }, () => rng.normal());
  const b = Float64Array.from({ length: n }, () => rng.normal());
  // Missing, infinite and overflowing inputs among ordinary ones.
  a[7] = NaN;
  a[1500] = Infinity;
  b[2000] = -Infinity;
  b[9] = 1e300;
  const ones = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 === 3);
  const X = numericFrame(['a', 'b'], [a, b]);
  X.columns.push(indicatorColumn('flag', n, ones));
  const names = ['flag', 'a', 'b'];
  const fill = [0, 0.25, -0.5];
  // Two outputs, weights stride 4 (a fourth, unused value per output, as linear SVM's intercept).
  const w = Float64Array.from([0.5, 2, -1, 99, -3, 0, 0.125, 99]);
  const base = [1, -2];

  it('adds every column times its weight to the base, row by row, missing inputs as their fill and extremes clamped', () => {
    const out = weightedSums('test', X, names, fill, w, 4, base);
    const read = (x: number, f: number) => (Number.isNaN(x) ? f : Math.max(-1e100, Math.min(1e100, x)));
    const isOne = new Uint8Array(n);
    for (const i of ones) isOne[i] = 1;
    for (let i = 0; i < n; i++)
      for (let k = 0; k < 2; k++) {
        let z = base[k];
        const cols = [isOne[i], read(a[i], fill[1]), read(b[i], fill[2])];
        for (let j = 0; j < 3; j++) if (w[k * 4 + j] !== 0) z += w[k * 4 + j] * cols[j];
        assert.equal(out[i * 2 + k], z, `row ${i}, output ${k}`);
      }
    assert.equal(
      out[7 * 2 + 1],
      base[1] - 3 * isOne[7] + 0.125 * b[7],
      'a missing value adds nothing where its weight is 0',
    );
  });

  it('names the columns a model needs that the rows lack', () => {
    assert.throws(
      () => weightedSums('test', numericFrame(['a'], [a]), names, fill, w, 4, base),
      (e: unknown) => e instanceof NeutrinoError && e.code === 'feature_mismatch' && /'flag'/.test(e.message),
    );
  });
});
