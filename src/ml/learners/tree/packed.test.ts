import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { makeBins } from './binning.js';
import { TreeGrower, type GrowData } from './grower.js';
import { compile, pack, predictPacked, rank, walkRange } from './packed.js';

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
  it('walk on ranks exactly as on values: same leaves for every row, on thresholds, NaN and infinities', () => {
    for (const nClasses of [0, 3]) {
      const d = 5;
      const { P, rng } = forest(400, d, 6, nClasses, 1 + nClasses);
      const n = 3000;
      const X = rows(P, rng, n, d);
      const c = compile(P);
      const ranked = rank(P, Infinity);
      assert.ok(ranked, 'ranks fit');
      const w = P.width;
      const onValues = new Float64Array(n * w);
      const onRanks = new Float64Array(n * w);
      walkRange({ ...c, ranked: null, width: w, X, d, out: onValues, from: 0, to: n });
      walkRange({ ...c, ranked, width: w, X, d, out: onRanks, from: 0, to: n });
      assert.deepEqual(onRanks, onValues);
      // A part of the rows, as a thread walks its chunk.
      const part = new Float64Array(n * w);
      walkRange({ ...c, ranked, width: w, X, d, out: part, from: 1000, to: 1700 });
      assert.deepEqual(part.subarray(1000 * w, 1700 * w), onValues.subarray(1000 * w, 1700 * w));
      assert.ok(part.subarray(0, 1000 * w).every((v) => v === 0));
    }
  });

  it('ranks where ranking a row costs less than walking it: a forest does, a single tree on a wide table does not', () => {
    const many = forest(2000, 4, 30, 0, 5).P;
    assert.ok(compile(many).ranked);
    const one = forest(60, 40, 1, 0, 6).P;
    assert.equal(compile(one).ranked, null);
    // Either way, the prediction is the mean over trees of the leaves reached.
    const rng = new Rng(9);
    const X = rows(many, rng, 50, 4);
    const mean = predictPacked(many, X, 50, 4);
    const sum = new Float64Array(50);
    walkRange({ ...compile(many), ranked: null, width: 1, X, d: 4, out: sum, from: 0, to: 50 });
    assert.deepEqual(
      mean,
      sum.map((v) => v * (1 / 30)),
    );
  });
});
