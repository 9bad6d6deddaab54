import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { makeBins } from './binning.js';
import type { GrowData } from './grower.js';
import { holdTreePasses, treePassesFit } from './tree-passes.js';

/** A table with values repeated (so thresholds land on ties) and rows in random order. */
function table(n: number, d: number, nClasses: number, seed: number): GrowData {
  const rng = new Rng(seed);
  const columns = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) columns[i] = Math.floor(rng.next() * 50) / 7 - 3;
  const labels = nClasses > 0 ? Int32Array.from({ length: n }, () => rng.int(nClasses)) : undefined;
  const values = nClasses > 0 ? undefined : Float64Array.from({ length: n }, () => rng.normal() * 1e3);
  return { n, d, nClasses, labels, values, bins: makeBins(columns, n, d, null), columns };
}

/**
 * The passes' sum of y[i] over xs[i] <= t, in their order: blocks of 256 rows, within a block
 * rows at even and at odd offsets apart (the two lanes of a vector), the block adding
 * even + odd to the total.
 */
function laneSum(xs: ArrayLike<number>, y: ArrayLike<number>, m: number, t: number): number {
  let sum = 0;
  for (let b = 0; b < m; b += 256) {
    const s = [0, 0];
    for (let i = b; i < Math.min(m, b + 256); i++) if (xs[i] <= t) s[(i - b) & 1] += y[i];
    sum += s[0] + s[1];
  }
  return sum;
}

function nodeRows(n: number, m: number, rng: Rng): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(all);
  return all.slice(0, m);
}

describe('TreePasses (extra trees on values, WebAssembly)', () => {
  it('is available here, and refuses a table past 2 GB', () => {
    assert.equal(treePassesFit(1000, 10, 2, 8), true);
    assert.equal(treePassesFit(1_000_000, 300, 2, 8), false);
  });

  it('gathers a feature with its min and max, and counts and sums in their stated order, bit for bit', () => {
    const rng = new Rng(3);
    const data = table(3000, 4, 0, 1);
    const vp = holdTreePasses(data);
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
        const sum = laneSum(vp.xs, vp.y, m, t);
        let count = 0;
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
    const vp = holdTreePasses(data);
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
      const vp = holdTreePasses(data);
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
          const count = xs.filter((x) => x <= t).length;
          const sum = laneSum(xs, Array.from(rows, target), m, t);
          assert.deepEqual([...vp.res.subarray(3 * q, 3 * q + 3)], [t, count, sum]);
        }
        // The generator goes on where the passes left it.
        assert.equal(rng.next(), ref.next());
      }
      vp.release();
    }
  });

  it('on byte codes, row-major or column-major: min and max code, and count and sum at or below a cut, by blocks', () => {
    const rng = new Rng(11);
    // 8 columns lay out row-major, 200 column-major (Bins.rowStride).
    for (const d of [8, 200]) {
      const n = 2000;
      const X = new Float64Array(n * d);
      for (let i = 0; i < n * d; i++) X[i] = rng.int(40);
      const values = Float64Array.from({ length: n }, () => rng.normal() * 100);
      const bins = makeBins(X, n, d, 255);
      assert.ok(bins.codes instanceof Uint8Array);
      assert.equal(bins.rowStride, d > 128 ? 1 : d);
      const { codes, rowStride: rs, colStride: cs } = bins;
      const data: GrowData = { n, d, nClasses: 0, values, bins };
      assert.equal(treePassesFit(n, d, 0, 1), true);
      const vp = holdTreePasses(data);
      for (const m of [3, 256, 700, n]) {
        const rows = nodeRows(n, m, rng);
        vp.rows.set(rows);
        const take = 5;
        const feats = nodeRows(d, take, rng);
        for (let q = 0; q < take; q++) {
          // The last candidate is skipped (a sparse feature, read elsewhere).
          vp.feats[q] = q === take - 1 ? -1 : feats[q] * cs;
          vp.mn[q] = 0x7fffffff;
          vp.mx[q] = -1;
          vp.cut[q] = q === take - 1 ? -1 : rng.int(40);
          vp.res[3 * q + 1] = 0;
          vp.res[3 * q + 2] = 0;
        }
        vp.codesRange(m, take);
        vp.codesCount(m, take);
        for (let q = 0; q < take - 1; q++) {
          const code = (i: number) => codes[rows[i] * rs + feats[q] * cs];
          let lo = Infinity;
          let hi = -Infinity;
          let count = 0;
          let sum = 0;
          for (let b = 0; b < m; b += 256) {
            let s = 0;
            for (let i = b; i < Math.min(m, b + 256); i++) {
              lo = Math.min(lo, code(i));
              hi = Math.max(hi, code(i));
              if (code(i) > vp.cut[q]) continue;
              count++;
              s += values[rows[i]];
            }
            sum += s;
          }
          assert.deepEqual([vp.mn[q], vp.mx[q], vp.res[3 * q + 1], vp.res[3 * q + 2]], [lo, hi, count, sum]);
        }
        assert.deepEqual([vp.mn[take - 1], vp.mx[take - 1], vp.res[3 * take - 2]], [0x7fffffff, -1, 0]);
      }
      vp.release();
    }
  });

  it('partition: splits a node stably, left rows first, and sums their targets in row order, on values and on codes', () => {
    const rng = new Rng(17);
    const n = 2000;
    const d = 3;
    for (const onValues of [true, false]) {
      const data = table(n, d, 0, 4);
      if (!onValues) delete data.columns;
      const vp = holdTreePasses(data);
      const { codes, colStride: cs, rowStride: rs } = data.bins;
      for (const m of [0, 1, 7, 300, n]) {
        // A node in the middle of the row list, its rows in memory order as the grower keeps them.
        const start = Math.min(5, n - m);
        const rows = nodeRows(n, m, rng).sort();
        vp.samples.fill(-7);
        vp.samples.set(rows, start);
        const f = rng.int(d);
        const t = onValues ? rng.next() * 8 - 4 : rng.int(40);
        const left = (r: number) => (onValues ? data.columns![f * n + r] <= t : codes[r * rs + f * cs] <= t);
        const goLeft = rows.filter(left);
        let sum = 0;
        let sq = 0;
        for (const r of goLeft) {
          sum += data.values![r];
          sq += data.values![r] * data.values![r];
        }
        const count = vp.partition(f, start, m, t);
        assert.equal(count, goLeft.length);
        assert.deepEqual(
          [...vp.samples.subarray(start, start + m)],
          [...goLeft, ...rows.filter((r) => !left(r))],
        );
        // Nothing outside the node is touched.
        const outside = [...vp.samples.subarray(0, start), ...vp.samples.subarray(start + m, start + m + 5)];
        assert.ok(outside.every((r) => r === -7));
        assert.equal(vp.out[3], sum);
        assert.equal(vp.out[1], sq);
      }
      vp.release();
    }
  });

  it('best splitter: dense histograms over byte codes, as the JavaScript pass adds them, in all four modes', () => {
    const rng = new Rng(13);
    const n = 3000;
    const d = 6;
    const X = new Float64Array(n * d);
    // Column 0 mostly zero (a dominant bin), the rest spread over many values.
    for (let i = 0; i < n * d; i++) X[i] = i < n ? (rng.next() < 0.8 ? 0 : 1 + rng.int(3)) : rng.int(200);
    const bins = makeBins(X, n, d, 255);
    const { codes, rowStride: rs, colStride: cs } = bins;
    const weights = Float64Array.from({ length: n }, () => rng.int(3));
    for (const nClasses of [3, 0]) {
      const labels = nClasses ? Int32Array.from({ length: n }, () => rng.int(nClasses)) : undefined;
      const values = nClasses ? undefined : Float64Array.from({ length: n }, () => rng.normal() * 10);
      const data: GrowData = { n, d, nClasses, labels, values, bins };
      const sw = 2 + (nClasses || 2);
      const widest = 256;
      const vp = holdTreePasses(data, d * widest * sw);
      vp.weights.set(weights);
      const m = 1500;
      const rows = nodeRows(n, m, rng);
      vp.rows.set(rows);
      const ns = 4;
      const feats = [0, 2, 3, 5];
      for (let k = 0; k < ns; k++) {
        vp.hFs[k] = feats[k] * cs;
        vp.hMd[k] = k === 0 ? bins.mode[0] : -1;
        vp.hBase[k] = k * widest;
      }
      for (const weighted of [true, false]) {
        vp.hist.fill(0);
        vp.histDense(m, ns, sw, (nClasses ? 0 : 2) + (weighted ? 0 : 1));
        const ref = new Float64Array(vp.hist.length);
        for (const s of rows) {
          const w = weighted ? weights[s] : 1;
          for (let k = 0; k < ns; k++) {
            const c = codes[s * rs + vp.hFs[k]];
            if (c === vp.hMd[k]) continue;
            const h = (vp.hBase[k] + c) * sw;
            ref[h + 1]++;
            if (nClasses) ref[h + 2 + labels![s]] += w;
            else {
              if (weighted) ref[h] += w;
              ref[h + 2] += w * values![s];
            }
          }
        }
        assert.deepEqual([...vp.hist], [...ref], `classes ${nClasses}, weighted ${weighted}`);
      }
      vp.release();
    }
  });

  it("sparse reads on byte codes: range and stats of a feature's rows outside its dominant bin, in the node", () => {
    const rng = new Rng(17);
    const n = 2500;
    const d = 3;
    const X = new Float64Array(n * d);
    // Mostly zero (the dominant bin), a few values elsewhere.
    for (let i = 0; i < n * d; i++) X[i] = rng.next() < 0.85 ? 0 : 1 + rng.int(9);
    const bins = makeBins(X, n, d, 255);
    const { codes, rowStride: rs, colStride: cs, nzOffset, nzRows } = bins;
    assert.ok(nzRows.length > 0);
    const weights = Float64Array.from({ length: n }, () => rng.int(3));
    for (const nClasses of [2, 0]) {
      const labels = nClasses ? Int32Array.from({ length: n }, () => rng.int(nClasses)) : undefined;
      const values = nClasses ? undefined : Float64Array.from({ length: n }, () => rng.normal() * 10);
      const vp = holdTreePasses({ n, d, nClasses, labels, values, bins });
      assert.equal(vp.onCodes, true);
      vp.weights.set(weights);
      // Rows 0..n-1 at shuffled positions; a few outside the tree (-1).
      const order = nodeRows(n, n, rng);
      for (let p = 0; p < n; p++) vp.pos[order[p]] = p % 10 === 9 ? -1 : p;
      const [start, end] = [300, 1900];
      const sw = 4;
      for (let f = 0; f < d; f++) {
        const inNode = [] as number[];
        for (let i = nzOffset[f]; i < nzOffset[f + 1]; i++) {
          const p = vp.pos[nzRows[i]];
          if (p >= start && p < end) inNode.push(nzRows[i]);
        }
        const code = (r: number) => codes[r * rs + f * cs];
        vp.sparseRange(f * cs, nzOffset[f], nzOffset[f + 1], start, end);
        assert.deepEqual(
          [vp.out[0], vp.out[1], vp.out[2]],
          [Math.min(...inNode.map(code)), Math.max(...inNode.map(code)), inNode.length],
        );
        const c = 4;
        for (const weighted of [true, false]) {
          vp.sparseT.fill(0);
          vp.sparseL.fill(0);
          vp.sparseLeft(
            f * cs,
            nzOffset[f],
            nzOffset[f + 1],
            start,
            end,
            c,
            (nClasses ? 0 : 2) + (weighted ? 0 : 1),
          );
          const T = new Float64Array(sw);
          const L = new Float64Array(sw);
          for (const r of inNode) {
            const w = weighted ? weights[r] : 1;
            const slot = nClasses ? 2 + labels![r] : 2;
            const v = nClasses ? w : w * values![r];
            for (const S of code(r) <= c ? [T, L] : [T]) {
              S[0] += w;
              S[1]++;
              S[slot] += v;
            }
          }
          assert.deepEqual(
            [...vp.sparseT],
            [...T],
            `feature ${f}, classes ${nClasses}, weighted ${weighted}`,
          );
          assert.deepEqual([...vp.sparseL], [...L]);
        }
      }
      vp.release();
    }
  });

  it('lends one copy of a table to one grower at a time: a second holder gets its own', () => {
    const data = table(100, 2, 2, 4);
    const a = holdTreePasses(data);
    const b = holdTreePasses(data);
    assert.notEqual(a, b);
    a.rows[0] = 7;
    assert.notEqual(b.rows[0], 7);
    a.release();
    b.release();
    // Released, the first copy is lent again (a fit's trees share it).
    assert.equal(holdTreePasses(data), a);
  });
});
