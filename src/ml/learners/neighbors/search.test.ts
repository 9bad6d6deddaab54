import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { searchRange } from './search.js';

/**
 * The reference for Euclidean brute force: every point in order, distance |q|² + |x|² - 2 q·x
 * in f64 with q·x summed as the WebAssembly kernel sums it (four running sums over columns
 * j mod 4, (s0 + s2) + (s1 + s3), then the remaining columns), kept when below the current
 * k-th, ties keeping the earlier point. The f32 first pass must not change a single result.
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
    let s = qn + xn - 2 * dot;
    if (!(s < (filled < k ? Infinity : bd[k - 1]))) continue;
    if (s < 0) s = 0;
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
  const outIdx = new Int32Array(m * k);
  const outDist = new Float64Array(m * k);
  const args = {
    points,
    rowOf,
    n,
    d,
    tree: null,
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
  for (let r = 0; r < m; r++) {
    const ref = reference(points, n, d, queries.subarray(r * d, (r + 1) * d), k);
    assert.deepEqual(Array.from(outIdx.subarray(r * k, (r + 1) * k)), Array.from(ref.idx), `query ${r}`);
    assert.deepEqual(Array.from(outDist.subarray(r * k, (r + 1) * k)), ref.dist, `query ${r}`);
  }
}

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
});
