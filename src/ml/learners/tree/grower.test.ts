import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { makeBins } from './binning.js';
import { TreeGrower, type GrowOptions, type TreeArrays } from './grower.js';
import { TreePasses } from './tree-passes.js';

/** A sparse table, column-major: each cell nonzero with probability `density`, a few values. */
function sparseTable(n: number, d: number, density: number, seed: number) {
  const rng = new Rng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) if (rng.next() < density) data[i] = 1 + Math.floor(rng.next() * 5) / 4;
  return data;
}

function grow(
  data: Float64Array,
  n: number,
  d: number,
  target: { labels?: Int32Array; values?: Float64Array; nClasses: number },
  opt: GrowOptions,
  weights: Float64Array | null,
): TreeArrays {
  const bins = makeBins(data, n, d, null);
  return new TreeGrower({ n, d, ...target, bins }, opt, weights, 7).growAll();
}

/** Trees grown in full (no depth or size limits), gini until a test sets its criterion. */
function fullGrowth(splitter: GrowOptions['splitter'], maxFeatures: number): GrowOptions {
  return {
    criterion: 'gini',
    splitter,
    maxDepth: Infinity,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    maxFeatures,
    minImpurityDecrease: 0,
  };
}

/**
 * Every splitter, with and without bootstrap weights, for two classes, three and regression:
 * the growths a test compares two ways of growing on.
 */
function growths(
  labels3: Int32Array,
  values: Float64Array,
  bootstrap: Float64Array,
  maxFeatures: number,
): { what: string; opt: GrowOptions; weights: Float64Array | null; target: GrowTarget }[] {
  const labels2 = labels3.map((l) => (l === 2 ? 1 : 0));
  const out = [];
  for (const splitter of ['best', 'random'] as const)
    for (const weights of [null, bootstrap])
      for (const target of [
        { labels: labels2, nClasses: 2 },
        { labels: labels3, nClasses: 3 },
        { values, nClasses: 0 },
      ]) {
        const opt: GrowOptions = {
          ...fullGrowth(splitter, maxFeatures),
          criterion: target.nClasses ? 'gini' : 'squared_error',
        };
        const what = `${splitter}, ${weights ? 'bootstrap' : 'every row'}, ${target.nClasses || 'regression'}`;
        out.push({ what, opt, weights, target });
      }
  return out;
}

type GrowTarget = { labels?: Int32Array; values?: Float64Array; nClasses: number };

/** A bootstrap sample's row weights: how many times each row was drawn. */
function bootstrapWeights(n: number, rng: Rng): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[rng.int(n)]++;
  return w;
}

describe('TreeGrower on sparse features', () => {
  it('bins: marks the bin holding half the rows or more, and lists the other rows in order', () => {
    const n = 10;
    // Column 0: eight zeros (dominant); column 1: five distinct values twice (none dominant).
    const data = Float64Array.from([0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
    const bins = makeBins(data, n, 2, null);
    assert.deepEqual(Array.from(bins.mode), [0, -1]);
    assert.deepEqual(Array.from(bins.nzOffset), [0, 2, 2]);
    assert.deepEqual(Array.from(bins.nzRows), [2, 6]);
  });

  it('grows the same trees reading sparse features by their nonzero rows as by every row', () => {
    const n = 3000;
    const d = 40;
    const data = sparseTable(n, d, 0.04, 3);
    const rng = new Rng(5);
    // Labels that depend on a few columns, so trees are deep and use them.
    const labels3 = Int32Array.from({ length: n }, (_, i) =>
      data[i] + data[n + i] > 0 ? 2 : data[2 * n + i] > 0 ? 1 : rng.next() < 0.3 ? 1 : 0,
    );
    const values = Float64Array.from(labels3, (l, i) => l + data[3 * n + i]);
    const bootstrap = bootstrapWeights(n, rng);
    let deep = 0;
    for (const { what, opt, weights, target } of growths(labels3, values, bootstrap, 7)) {
      const a = grow(data, n, d, target, opt, weights);
      const b = grow(data, n, d, target, { ...opt, sparseReads: false }, weights);
      assert.deepEqual(a, b, what);
      deep = Math.max(deep, a.nNodes);
    }
    assert.ok(deep > 200, `trees deep enough to reach small nodes: ${deep} nodes`);
  });

  it("grows the same extra trees with small nodes on their own path as on the large nodes' path", () => {
    const n = 2000;
    const d = 12;
    const rng = new Rng(11);
    const data = Float64Array.from({ length: n * d }, () => Math.round(rng.normal() * 40) / 8);
    // Noisy labels, so that trees grow deep and reach many small nodes.
    const labels3 = Int32Array.from({ length: n }, (_, i) =>
      rng.next() < 0.2 ? rng.int(3) : data[i] + data[n + i] > 0 ? 2 : data[2 * n + i] > 1 ? 1 : 0,
    );
    const values = Float64Array.from({ length: n }, (_, i) => data[i] * 2 - data[3 * n + i] + rng.normal());
    const bootstrap = bootstrapWeights(n, rng);
    const opt = fullGrowth('random', d);
    // On codes (bins grouping values, as past 20,000 rows) and on the values themselves.
    for (const maxBins of [32, null])
      for (const weights of [null, bootstrap])
        for (const target of [
          { labels: labels3, nClasses: 3 },
          { values, nClasses: 0 },
        ]) {
          const bins = makeBins(data, n, d, maxBins);
          const columns = maxBins === null ? data : undefined;
          const o = { ...opt, criterion: target.nClasses ? ('gini' as const) : ('squared_error' as const) };
          const growData = { n, d, ...target, bins, columns };
          // Node by node on both sides (regression on codes would grow whole subtrees).
          const a = new TreeGrower(growData, { ...o, subtreeRows: 0 }, weights, 5).growAll();
          const b = new TreeGrower(
            growData,
            { ...o, smallNodes: false, subtreeRows: 0 },
            weights,
            5,
          ).growAll();
          assert.deepEqual(
            a,
            b,
            `bins ${maxBins}, ${weights ? 'bootstrap' : 'every row'}, ${target.nClasses || 'regression'}`,
          );
          assert.ok(a.nNodes > 500, `${a.nNodes} nodes`);
        }
  });

  it('grows the same trees with the passes in WebAssembly as in JavaScript, on byte and 16-bit codes', () => {
    const n = 2500;
    const d = 30;
    const rng = new Rng(17);
    // Sparse columns (most rows 0) whose nonzero values are nearly all distinct, as TF-IDF
    // weights are: the first ones have more than 255 bins, so the codes take 16 bits.
    const data = new Float64Array(n * d);
    for (let j = 0; j < d; j++) {
      const density = j < 3 ? 0.4 : 0.08;
      for (let i = 0; i < n; i++) if (rng.next() < density) data[j * n + i] = 0.01 + rng.next();
    }
    const labels3 = Int32Array.from({ length: n }, (_, i) =>
      rng.next() < 0.15 ? rng.int(3) : data[i] > 0.5 ? 2 : data[n + i] + data[5 * n + i] > 0.3 ? 1 : 0,
    );
    const values = Float64Array.from(labels3, (l, i) => l + data[2 * n + i] + rng.normal() / 4);
    const bootstrap = bootstrapWeights(n, rng);
    for (const maxBins of [null, 200]) {
      const bins = makeBins(data, n, d, maxBins);
      assert.equal(bins.codes.BYTES_PER_ELEMENT, maxBins === null ? 2 : 1);
      for (const { what, opt, weights, target } of growths(labels3, values, bootstrap, 6)) {
        const growData = { n, d, ...target, bins };
        const a = new TreeGrower(growData, opt, weights, 3).growAll();
        const b = new TreeGrower(growData, { ...opt, passes: false }, weights, 3).growAll();
        assert.deepEqual(a, b, `bins ${maxBins}, ${what}`);
        assert.ok(a.nNodes > 300, `bins ${maxBins}, ${what}: ${a.nNodes} nodes`);
      }
    }
  });

  it('grows the same extra trees whole in WebAssembly as node by node, on every layout of the codes', () => {
    const rng = new Rng(23);
    // Calls to growSubtree, so the test knows the whole-subtree path ran.
    const proto = TreePasses.prototype;
    const original = proto.growSubtree;
    let calls = 0;
    proto.growSubtree = function (this: TreePasses, ...args: Parameters<typeof original>) {
      calls++;
      return original.apply(this, args);
    };
    try {
      // Bytes a row: 12 (one vector), 30 (two), 48 on 16-bit codes (three), 80 (none: per
      // candidate), and a table too wide for row-major codes; then on values (max_bins null).
      for (const [n, d, maxBins] of [
        [1500, 12, 255],
        [1500, 30, 64],
        [1200, 24, 400],
        [1000, 40, 300],
        [500, 140, 255],
        [1500, 10, null],
      ] as const) {
        // Rounded normals (ties), a constant column, and a column of three values, so that
        // nodes find features constant and draw again.
        const data = new Float64Array(n * d);
        for (let j = 0; j < d; j++)
          for (let i = 0; i < n; i++)
            data[j * n + i] = j === 1 ? 4 : j === 2 ? rng.int(3) : Math.round(rng.normal() * 300) / 100;
        const bins = makeBins(data, n, d, maxBins);
        if (maxBins) assert.equal(bins.codes.BYTES_PER_ELEMENT, maxBins > 255 ? 2 : 1);
        // On values, the grower compares the values themselves (GrowData.columns).
        const columns = maxBins === null ? data : undefined;
        const labels = Int32Array.from({ length: n }, (_, i) =>
          rng.next() < 0.2 ? rng.int(2) : data[i] + data[2 * n + i] - data[3 * n + i] > 1 ? 1 : 0,
        );
        const values = Float64Array.from(
          { length: n },
          (_, i) => data[i] * 2 - data[4 * n + i] + rng.normal(),
        );
        for (const [target, criterion] of [
          [{ labels, nClasses: 2 }, 'gini'],
          [{ values, nClasses: 0 }, 'squared_error'],
        ] as const)
          for (const limits of [
            { maxFeatures: Math.floor(Math.sqrt(d)) },
            { maxFeatures: d },
            { maxFeatures: 1, minSamplesLeaf: 3, maxDepth: 9 },
            { maxFeatures: 4, minSamplesSplit: 9, minImpurityDecrease: 1e-4 },
          ]) {
            const opt = { ...fullGrowth('random', d), criterion, ...limits };
            const what = `${n}x${d}, ${maxBins} bins, ${criterion}, ${JSON.stringify(limits)}`;
            const growData = { n, d, ...target, bins, columns };
            const nodeByNode = new TreeGrower(growData, { ...opt, subtreeRows: 0 }, null, 9).growAll();
            calls = 0;
            const whole = new TreeGrower(growData, opt, null, 9).growAll();
            assert.equal(calls, 1, what);
            assert.deepEqual(whole, nodeByNode, what);
            // Top nodes node by node, then subtrees of at most an eighth of the rows whole.
            calls = 0;
            const mixed = new TreeGrower(growData, { ...opt, subtreeRows: n >> 3 }, null, 9).growAll();
            assert.ok(calls > 0, `${what}: ${calls} subtrees`);
            assert.deepEqual(mixed, nodeByNode, what);
            if (limits.maxFeatures === d) assert.ok(whole.nNodes > 100, `${what}: ${whole.nNodes} nodes`);
          }
      }
    } finally {
      proto.growSubtree = original;
    }
  });

  it("grows the same best-split trees sorting a node's rows in WebAssembly, by counts or by radix, as in JavaScript", () => {
    // Continuous columns, a bin per value: nodes sort their rows, over codes spanning a
    // few (one counting pass) or thousands of bins (two radix passes).
    const n = 6000;
    const d = 4;
    const rng = new Rng(29);
    const data = Float64Array.from({ length: n * d }, () => rng.normal());
    const labels3 = Int32Array.from({ length: n }, (_, i) =>
      rng.next() < 0.25 ? rng.int(3) : data[i] > 0.3 ? 2 : data[n + i] - data[2 * n + i] > 0 ? 1 : 0,
    );
    const values = Float64Array.from(labels3, (l, i) => l + data[3 * n + i] + rng.normal() / 3);
    const bins = makeBins(data, n, d, null);
    assert.equal(bins.codes.BYTES_PER_ELEMENT, 2);
    for (const { what, opt, weights, target } of growths(labels3, values, bootstrapWeights(n, rng), 2)) {
      if (opt.splitter !== 'best') continue;
      const growData = { n, d, ...target, bins };
      const a = new TreeGrower(growData, opt, weights, 13).growAll();
      const b = new TreeGrower(growData, { ...opt, passes: false }, weights, 13).growAll();
      assert.deepEqual(a, b, what);
      assert.ok(a.nNodes > 1000, `${what}: ${a.nNodes} nodes`);
    }
  });
});
