import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { searchRange, sparseDeviations } from './search.js';

/**
 * The reference for Euclidean brute force: every point in order, distance |q|² + |x|² - 2 q·x
 * in f64 with q·x summed as the WebAssembly kernel sums it (four running sums over columns
 * j mod 4, (s0 + s2) + (s1 + s3), then the remaining columns), below 0 read as 0, kept when
 * below the current k-th, ties keeping the earlier point. Neither the f32 first pass nor the
 * search through sparse deviations may change a single result.
 */
function reference(points: Float64Array, n: number, d: number, q: Float64Array, k: number) {
  const bd = new Float64Array(k).fill(Infinity);
  const bi = new Int32Array(k).fill(-1);
  let filled = 0;
  let qn = 0;
  for (let j = 0; j < d; j++) qn += q[j] * q[j];
  for (let i = 0; i < n; i++) {
    let xn = 0;
    for (let j = 0; j < d; j++) xn += points[i * d + j] * points[i * d + j];
    const s4 = [0, 0, 0, 0];
    const d4 = d & ~3;
    let j = 0;
    for (; j < d4; j++) s4[j & 3] += q[j] * points[i * d + j];
    let dot = s4[0] + s4[2] + (s4[1] + s4[3]);
    for (; j < d; j++) dot += q[j] * points[i * d + j];
    const s = Math.max(0, qn + xn - 2 * dot);
    if (!(s < (filled < k ? Infinity : bd[k - 1]))) continue;
    let z = filled < k ? filled++ : k - 1;
    while (z > 0 && bd[z - 1] > s) {
      bd[z] = bd[z - 1];
      bi[z] = bi[z - 1];
      z--;
    }
    bd[z] = s;
    bi[z] = i;
  }
  return { idx: bi, dist: Array.from(bd, Math.sqrt) };
}

let key = 1_000_000;

function check(
  n: number,
  d: number,
  m: number,
  k: number,
  value: (rng: Rng) => number,
  queryValue: (rng: Rng) => number = value,
): void {
  const rng = new Rng(n + d + k);
  const points = new Float64Array(n * d).map(() => value(rng));
  const queries = new Float64Array(m * d).map(() => queryValue(rng));
  const rowOf = Int32Array.from({ length: n }, (_, i) => i);
  // Dense, then through sparse deviations (whether or not they would pay).
  for (const sparse of [null, sparseDeviations(points, n, d, 0)]) {
    const outIdx = new Int32Array(m * k);
    const outDist = new Float64Array(m * k);
    const args = {
      points,
      rowOf,
      n,
      d,
      tree: null,
      sparse,
      queries,
      from: 0,
      to: m,
      k,
      p: 2,
      key: ++key,
      outIdx,
      outDist,
    };
    searchRange(args);
    const path = sparse ? 'sparse' : 'dense';
    for (let r = 0; r < m; r++) {
      const ref = reference(points, n, d, queries.subarray(r * d, (r + 1) * d), k);
      const idx = Array.from(outIdx.subarray(r * k, (r + 1) * k));
      assert.deepEqual(idx, Array.from(ref.idx), `${path}, query ${r}`);
      assert.deepEqual(Array.from(outDist.subarray(r * k, (r + 1) * k)), ref.dist, `${path}, query ${r}`);
    }
  }
}

/** Text-like coordinates: a column's baseline in most rows (a standardized zero), now and then a spike. */
const textLike =
  (rate: number, spike = 8) =>
  (rng: Rng) =>
    rng.next() < rate ? spike * rng.next() : -0.125;

describe('Euclidean brute force', () => {
  it('gives exactly the f64 search: neighbours, distances and ties', () => {
    check(3001, 30, 70, 5, (rng) => rng.normal());
    check(2000, 7, 50, 3, (rng) => rng.normal() * 1e-3 + 100);
    // Many exact ties: small integers.
    check(2500, 13, 60, 9, (rng) => Math.floor(rng.next() * 3));
    check(1200, 4, 40, 5, (rng) => Math.floor(rng.next() * 2));
    // Rare large coordinates (one-hot columns standardized), and coordinates past f32 range.
    check(2000, 61, 30, 5, (rng) => (rng.next() < 0.01 ? 60 : 0) + rng.normal() * 0.1);
    check(1000, 10, 30, 5, (rng) => (rng.next() < 0.001 ? 1e20 : rng.normal()));
    check(
      1000,
      10,
      200,
      5,
      (rng) => rng.normal(),
      (rng) => (rng.next() < 0.002 ? 1e20 : rng.normal()),
    );
    check(1000, 10, 30, 5, (rng) => rng.normal() * 1e-25);
    // Queries beyond the points' range (the f32 first pass for their block).
    check(
      1500,
      30,
      130,
      5,
      (rng) => rng.normal(),
      (rng) => (rng.next() < 0.01 ? 40 : rng.normal()),
    );
    check(
      800,
      9,
      64,
      4,
      (rng) => rng.normal(),
      (rng) => rng.normal() * 3,
    );
    // k beyond the exactly searched head of the points; n just past it.
    check(600, 5, 20, 300, (rng) => rng.normal());
    check(257, 3, 20, 5, (rng) => rng.normal());
  });

  it('gives exactly the f64 search through sparse deviations (text-like columns)', () => {
    // Few spikes per row, so many rows equal the baseline and tie; some with spikes repeat too.
    check(3000, 200, 80, 5, textLike(0.01));
    check(2000, 64, 60, 9, textLike(0.05, 1));
    // Near-ties: distances that differ by about their rounding, which the two ways of summing
    // order differently (the margin must keep every point the exact search would rank first).
    check(2000, 40, 100, 3, (rng) =>
      rng.next() < 0.05 ? 2 + (rng.next() < 0.5 ? 1e-15 * rng.next() : 0) : 0.3,
    );
    // Spikes of two values only: many equal rows and equal distances.
    check(1500, 40, 50, 7, (rng) => (rng.next() < 0.03 ? 2 : 0));
    // More neighbours than the upper bounds' run (a heap of 300), and k past the baseline rows.
    check(800, 50, 20, 300, textLike(0.02));
    // Queries far off the points, and spikes past f32 range or near underflow.
    check(1000, 30, 40, 5, textLike(0.02), textLike(0.3, 50));
    check(1000, 30, 30, 5, textLike(0.01, 1e20));
    check(1000, 30, 30, 5, (rng) => (rng.next() < 0.05 ? 1e-160 * rng.next() : 0));
  });

  it('searches through sparse deviations only where they pay', () => {
    const rng = new Rng(3);
    const text = new Float64Array(2000 * 300).map(() => textLike(0.01)(rng));
    assert.ok(sparseDeviations(text, 2000, 300));
    const dense = new Float64Array(2000 * 30).map(() => rng.normal());
    assert.equal(sparseDeviations(dense, 2000, 30), null);
    // Where they are built, equal rows point to the first of them, and deviations are x - baseline.
    const rows = new Float64Array([1, 0, 5, 1, 0, 0, 1, 0, 0, 2, 0, 0, 1, 0, 5]);
    const sp = sparseDeviations(rows, 5, 3, 0)!;
    assert.deepEqual(Array.from(sp.base), [1, 0, 0]);
    assert.deepEqual(Array.from(sp.first), [0, 1, 1, 3, 0]);
    assert.deepEqual(Array.from(sp.colStart), [0, 1, 1, 3]);
    assert.deepEqual(Array.from(sp.rows), [3, 0, 4]);
    assert.deepEqual(Array.from(sp.vals), [1, 5, 5]);
  });
});
