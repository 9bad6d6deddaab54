import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Rng } from '../../../core/random.js';
import type { Frame, Target } from '../../frame.js';
import { resolveParams } from '../params.js';
import { GradientBoosting, gradientBoostingParams } from './index.js';
import { Arena, useHistKernels } from './kernels-wasm.js';
import { idleWorkers, lentWorkers } from './pool.js';

/** Numeric columns (a tenth of the first one missing) and a categorical one; a target mixing them. */
function table(n: number, seed: number) {
  const rng = new Rng(seed);
  const cols = Array.from({ length: 7 }, () => new Float64Array(n));
  const cat: (string | null)[] = [];
  const values = new Float64Array(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = rng.normal();
    const k = rng.int(40);
    cat.push(k === 0 ? null : `c${k}`);
    const s = Math.sin(2 * cols[0][i]) + cols[1][i] * cols[2][i] + ((k * 7) % 11) / 5 - cols[3][i] ** 2 / 3;
    if (rng.next() < 0.1) cols[0][i] = NaN;
    values[i] = s + 0.3 * rng.normal();
    labels[i] = s > 0.8 ? 2 : s > -0.2 ? 1 : 0;
  }
  const X: Frame = {
    nRows: n,
    columns: [
      ...cols.map((v, j) => ({ name: `x${j}`, kind: 'numeric' as const, values: v })),
      { name: 'group', kind: 'categorical' as const, values: cat },
    ],
  };
  return { X, values, labels };
}

async function fitBoth(
  task: 'regression' | 'classification',
  X: Frame,
  y: Target,
  params: Record<string, unknown>,
  seen?: { lent: number },
) {
  const models = [];
  for (const wasm of [false, true]) {
    useHistKernels(wasm);
    try {
      const m = new GradientBoosting(
        task,
        resolveParams('gradient_boosting', gradientBoostingParams, params),
      );
      await m.fit(X, y, {
        seed: 5,
        onProgress: () => seen && (seen.lent = Math.max(seen.lent, lentWorkers().length)),
      });
      models.push(m);
    } finally {
      useHistKernels(true);
    }
  }
  return models;
}

describe('gradient boosting WebAssembly kernels', () => {
  const { X, values, labels } = table(6000, 1);
  const regression: Target = { task: 'regression', values };
  const classes: Target = { task: 'classification', labels, classes: ['a', 'b', 'c'] };
  const binary: Target = {
    task: 'classification',
    labels: labels.map((l) => (l === 2 ? 1 : 0)),
    classes: ['n', 'y'],
  };

  // Every setting that changes which loops run: missing values (the backward scan), the
  // categorical column (both kinds of split), monotone bounds and L1 (JavaScript scans), row
  // and column samples (rows not in order), leaf-wise growth without limits (the histogram
  // slots grow within the memory), several outputs, weights.
  const cases: [string, 'regression' | 'classification', Target, Record<string, unknown>][] = [
    ['squared error, depth-wise', 'regression', regression, { n_estimators: 15, max_depth: 6 }],
    [
      'leaf-wise without a depth limit',
      'regression',
      regression,
      { n_estimators: 6, max_depth: 0, max_leaves: 300, grow_policy: 'lossguide', min_child_weight: 0 },
    ],
    [
      'row and column samples, min_child_weight, gamma',
      'regression',
      regression,
      { n_estimators: 12, subsample: 0.7, colsample_bytree: 0.6, min_child_weight: 5, gamma: 0.5 },
    ],
    [
      'categories one against the rest (missing values among them)',
      'regression',
      regression,
      { n_estimators: 8, max_cat_to_onehot: 64 },
    ],
    [
      'category partitions without cat_l2, in small groups',
      'regression',
      regression,
      { n_estimators: 8, cat_l2: 0, cat_smooth: 1, min_data_per_group: 10, max_cat_threshold: 8 },
    ],
    [
      'monotone constraints and L1',
      'regression',
      regression,
      { n_estimators: 8, monotone_constraints: [0, 1, 0, -1, 0, 0, 0, 0], reg_alpha: 2 },
    ],
    ['softmax over three classes', 'classification', classes, { n_estimators: 8, max_bin: 64 }],
    ['logistic with a positive weight', 'classification', binary, { n_estimators: 10, scale_pos_weight: 3 }],
  ];
  for (const [name, task, y, params] of cases)
    it(`fits the same model as the JavaScript loops: ${name}`, async () => {
      const [js, wasm] = await fitBoth(task, X, y, { n_jobs: 1, ...params });
      assert.deepEqual(wasm.toJSON(), js.toJSON());
      assert.ok(js.info.trees >= 6);
    });

  it('fits the same model as the JavaScript loops on two threads (each thread its own instance over the shared memory)', async () => {
    // A first fit on two threads starts a worker, which the fits below then find idle.
    const big = table(40_000, 2);
    await fitBoth(
      'regression',
      big.X,
      { task: 'regression', values: big.values },
      { n_estimators: 1, n_jobs: 2 },
    );
    for (let tries = 0; idleWorkers() === 0 && tries < 100; tries++) await sleep(50);
    const seen = { lent: 0 };
    const [js, wasm] = await fitBoth(
      'regression',
      big.X,
      { task: 'regression', values: big.values },
      { n_estimators: 6, n_jobs: 2 },
      seen,
    );
    assert.equal(seen.lent, 1, 'a worker took part');
    assert.deepEqual(wasm.toJSON(), js.toJSON());
  });

  it('hands out zeroed, aligned views that stay valid as the memory grows', () => {
    const arena = Arena.create(100)!;
    assert.ok(arena, 'WebAssembly threads are available');
    const a = arena.take(Float64Array, 3);
    a.set([1, 2, 3]);
    const b = arena.take(Uint8Array, 200_000); // past the first page: the memory grows
    assert.ok(b.every((x) => x === 0));
    assert.equal(b.byteOffset % 16, 0);
    assert.deepEqual([...a], [1, 2, 3]);
    assert.ok(arena.fits(1 << 30));
    assert.ok(!arena.fits(2 ** 32));
    assert.throws(() => arena.take(Float64Array, 2 ** 29), /4 GiB/);
  });
});
