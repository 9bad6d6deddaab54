import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { makeBins } from './binning.js';
import { TreeGrower, type GrowData } from './grower.js';
import { compile, pack, predictPacked, rowsInto, walkRange } from './packed.js';

/** A forest of extra trees on a table whose values repeat (so rows land on thresholds exactly). */
function forest(n: number, d: number, nTrees: number, nClasses: number, seed: number) {
  const rng = new Rng(seed);
  const columns = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) columns[i] = Math.floor(rng.next() * 30) / 3 - 4;
  const labels = nClasses ? Int32Array.from({ length: n }, () => rng.int(nClasses)) : undefined;
  const values = nClasses ? undefined : Float64Array.from({ length: n }, () => rng.normal());
  const data: GrowData = { n, d, nClasses, labels, values, bins: makeBins(columns, n, d, null), columns };
  const opt = {
    criterion: nClasses ? ('gini' as const) : ('squared_error' as const),
    splitter: 'random' as const,
    maxDepth: Infinity,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    maxFeatures: d,
    minImpurityDecrease: 0,
  };
  const trees = Array.from({ length: nTrees }, (_, t) =>
    new TreeGrower(data, opt, null, seed * 100 + t).growAll(),
  );
  return { P: pack(trees, Math.max(1, nClasses)), rng };
}

/**
 * Rows to predict, row-major: the table's values (thresholds fall between them), the
 * thresholds themselves, values off the grid, and NaN, infinities and -0.
 */
function rows(P: ReturnType<typeof pack>, rng: Rng, n: number, d: number): Float64Array {
  const X = new Float64Array(n * d);
  const thresholds = P.threshold.filter((_, i) => P.feature[i] >= 0);
  for (let i = 0; i < n * d; i++) {
    const u = rng.next();
    X[i] =
      u < 0.4
        ? Math.floor(rng.next() * 30) / 3 - 4
        : u < 0.7
          ? thresholds[rng.int(thresholds.length)]
          : u < 0.9
            ? rng.normal() * 6
            : [NaN, Infinity, -Infinity, -0][rng.int(4)];
  }
  return X;
}

describe('packed trees', () => {
  it('walks the same leaves in WebAssembly as in JavaScript: on thresholds, NaN and infinities, on one thread or several', () => {
    // Narrow rows (every row past each tree in turn, on two threads), and wide rows (in blocks
    // of rows that stay in cache across the trees).
    for (const [nClasses, d, nTrees] of [
      [0, 5, 30],
      [3, 5, 30],
      [3, 90, 8],
    ]) {
      const { P, rng } = forest(2000, d, nTrees, nClasses, 1 + nClasses);
      const n = 6000;
      const X = rows(P, rng, n, d);
      const c = compile(P);
      assert.ok(c.memory, 'the walk runs in WebAssembly here');
      if (d === 5) assert.ok(n * c.steps > 1_000_000, 'enough rows to share among threads');
      const w = P.width;
      // The JavaScript walk (no memory), tree by tree from zero, then the mean.
      const sums = new Float64Array(n * w);
      walkRange({
        ...c,
        memory: null,
        width: w,
        X,
        d,
        out: sums,
        from: 0,
        to: n,
        lanesAt: 0,
        chunkRows: n,
        blockRows: 1 << 15,
      });
      const mean = sums.map((v) => v * (1 / P.nTrees));
      for (const nJobs of [1, 2])
        assert.deepEqual(predictPacked(P, X, n, d, nJobs), mean, `${nClasses} classes, ${nJobs} threads`);
      // Rows laid out in the forest's memory beforehand (rowsInto) are taken where they are.
      const inPlace = rowsInto(P, n, d);
      assert.ok(inPlace.every((v) => v === 0));
      inPlace.set(X);
      assert.deepEqual(predictPacked(P, inPlace, n, d, 2), mean, 'rows laid out in place');
      // A few rows (one thread), from the middle of the table.
      const few = X.subarray(1000 * d, 1017 * d);
      assert.deepEqual(predictPacked(P, few, 17, d), mean.subarray(1000 * w, 1017 * w));
      assert.deepEqual(predictPacked(P, X.subarray(0, 0), 0, d), new Float64Array(0));
    }
  });

  it('walks the tree a row reaches: a single split, both sides, and a lone leaf', () => {
    // One tree: x0 <= 0.5 ? leaf 0 (value 10) : leaf 1 (value 20); and a tree that is a leaf.
    const split = pack(
      [
        {
          nNodes: 3,
          feature: Int32Array.from([0, -1, -1]),
          threshold: Float64Array.from([0.5, 0, 0]),
          left: Int32Array.from([1, 0, 1]),
          right: Int32Array.from([2, -1, -1]),
          leafValue: Float64Array.from([10, 20]),
          width: 1,
          importance: new Float64Array(2),
        },
        {
          nNodes: 1,
          feature: Int32Array.from([-1]),
          threshold: Float64Array.from([0]),
          left: Int32Array.from([0]),
          right: Int32Array.from([-1]),
          leafValue: Float64Array.from([4]),
          width: 1,
          importance: new Float64Array(2),
        },
      ],
      1,
    );
    const X = Float64Array.from([0.5, 9, 0.49, 9, 0.51, 9, NaN, 9, -Infinity, 9, Infinity, 9]);
    assert.deepEqual(Array.from(predictPacked(split, X, 6, 2)), [7, 7, 12, 12, 7, 12]);
  });
});
