import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, NeutrinoError } from '../core/errors.js';
import { loadFrame } from '../data/load.js';
import { crossValidate, summarize, type FoldResult } from './cv.js';
import { takeRows, takeTarget, type Frame, type Target } from './frame.js';
import { kFold } from './folds.js';
import { createLearner } from './learners/index.js';
import { evaluate } from './metrics/index.js';
import { parsePreprocessing } from './prep/spec.js';
import { fitPreprocessing } from './prep/transformer.js';
import { sharedDir } from './testing/shared.js';

/** y = 3x − z + noise, a category that shifts it, and a shuffled timestamp. */
function table(n = 120): Frame {
  const x = Float64Array.from({ length: n }, (_, i) => (i * 37) % 101);
  const z = Float64Array.from({ length: n }, (_, i) => ((i * 11) % 13) - 6);
  const g = Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][(i * 7) % 3]);
  const day = Array.from({ length: n }, (_, i) => (i * 53) % n);
  return {
    nRows: n,
    columns: [
      { name: 'x', kind: 'numeric', values: x },
      { name: 'z', kind: 'numeric', values: z },
      { name: 'g', kind: 'categorical', values: g },
      {
        name: 'when',
        kind: 'categorical',
        values: day.map((d) => new Date(Date.UTC(2020, 0, 1 + d)).toISOString().slice(0, 10)),
      },
      {
        name: 'y',
        kind: 'numeric',
        values: x.map((v, i) => 3 * v - z[i] + (g[i] === 'b' ? 20 : 0) + ((i * 7) % 5)),
      },
      { name: 'big', kind: 'categorical', values: Array.from(x, (v) => (v > 50 ? 'yes' : 'no')) },
    ],
  };
}
const without = (f: Frame, drop: string[]): Frame => ({
  nRows: f.nRows,
  columns: f.columns.filter((c) => !drop.includes(c.name)),
});
const scores = (r: { folds: FoldResult[] }) => r.folds.map((f) => f.metrics);
const code = (c: string) => (e: unknown) => e instanceof NeutrinoError && e.code === c && e.status === 400;

describe('crossValidate', () => {
  it('scores every fold and summarizes mean and std, seeded', async () => {
    const data = without(table(), ['big']);
    const r = await crossValidate({ data, target: 'y', algorithm: 'linear_regression', folds: 4, seed: 3 });
    assert.equal(r.strategy, 'kfold');
    assert.equal(r.task, 'regression');
    assert.deepEqual(
      r.folds.map((f) => f.rows),
      Array.from({ length: 4 }, () => ({ train: 90, test: 30 })),
    );
    assert.ok(r.mean.r2 > 0.99, JSON.stringify(r.mean));
    const rmse = r.folds.map((f) => f.metrics.rmse as number);
    const m = rmse.reduce((a, b) => a + b) / 4;
    assert.ok(Math.abs(r.mean.rmse - m) < 1e-12);
    assert.ok(Math.abs(r.std.rmse - Math.sqrt(rmse.reduce((a, b) => a + (b - m) ** 2, 0) / 4)) < 1e-12);
    const again = await crossValidate({
      data,
      target: 'y',
      algorithm: 'linear_regression',
      folds: 4,
      seed: 3,
    });
    assert.deepEqual(scores(again), scores(r));
  });

  it('fits the preprocessing inside each fold, on its training rows only', async () => {
    const data = without(table(), ['big']);
    const r = await crossValidate({
      data,
      target: 'y',
      algorithm: 'linear_regression',
      folds: 3,
      seed: 5,
      preprocessing: { columns: { g: ['target_encode'] } },
    });
    // Fold 1 by hand: the same folds, preprocessing and learner fitted on its 80 rows.
    const fold = kFold(120, 3, 5)[1];
    const X = without(data, ['y']);
    const y: Target = { task: 'regression', values: data.columns[4].values as Float64Array };
    const trainY = takeTarget(y, fold.train);
    const { pipeline, Xt } = fitPreprocessing(takeRows(X, fold.train), trainY, {
      needs: { impute: true, scale: true, oneHot: true },
      preprocessing: parsePreprocessing({ columns: { g: ['target_encode'] } }),
      seed: 5,
    });
    const learner = createLearner('linear_regression', 'regression');
    await learner.fit(Xt, trainY, { seed: 5 });
    const expected = evaluate(
      takeTarget(y, fold.test),
      learner.predict(pipeline.transform(takeRows(X, fold.test))),
    );
    assert.deepEqual(r.folds[1].metrics, expected);
  });

  it('stratifies classification by default and scores a real dataset', async () => {
    const data = await loadFrame(sharedDir('datasets', 'clean', 'iris.csv'));
    const r = await crossValidate({ data, target: 'species', algorithm: 'logistic_regression', seed: 1 });
    assert.equal(r.strategy, 'stratified');
    assert.equal(r.folds.length, 5);
    for (const f of r.folds) assert.deepEqual(f.rows, { train: 120, test: 30 });
    assert.ok(r.mean.accuracy >= 0.93, JSON.stringify(r.mean));
    assert.ok(r.std.accuracy < 0.1);
    assert.ok('balanced_accuracy' in r.mean && 'mcc' in r.mean && !('confusion_matrix' in r.mean));
  });

  it('gives the same folds on worker threads as in-process', async () => {
    const data = without(table(), ['y']);
    const opts = { data, target: 'big', algorithm: 'logistic_regression', folds: 3, seed: 2 } as const;
    const serial = await crossValidate({ ...opts, workers: 1 });
    const seen: number[] = [];
    const threaded = await crossValidate({ ...opts, workers: 2, onFold: (f) => seen.push(f.fold) });
    assert.deepEqual(scores(threaded), scores(serial));
    assert.deepEqual(seen.sort(), [0, 1, 2]);
  });

  it('time-series folds train on the past only, ordered by a date column', async () => {
    const data = without(table(), ['big']);
    const r = await crossValidate({
      data,
      target: 'y',
      algorithm: 'linear_regression',
      strategy: 'time_series',
      orderBy: 'when',
      folds: 3,
      preprocessing: { columns: { when: 'drop' } },
    });
    assert.deepEqual(
      r.folds.map((f) => f.rows),
      [
        { train: 30, test: 30 },
        { train: 60, test: 30 },
        { train: 90, test: 30 },
      ],
    );
    assert.ok(r.mean.r2 > 0.99);
    await assert.rejects(
      crossValidate({
        data,
        target: 'y',
        algorithm: 'linear_regression',
        strategy: 'time_series',
        orderBy: 'g',
      }),
      code('invalid_order'),
    );
  });

  it('refuses what cannot be cross-validated, and stops when cancelled', async () => {
    const data = without(table(), ['big']);
    const base = { data, target: 'y', algorithm: 'linear_regression' } as const;
    await assert.rejects(crossValidate({ ...base, strategy: 'stratified' }), code('invalid_folds'));
    await assert.rejects(crossValidate({ ...base, folds: 1 }), code('invalid_folds'));
    await assert.rejects(crossValidate({ ...base, folds: 500 }), code('invalid_folds'));
    await assert.rejects(crossValidate({ ...base, workers: 0 }), code('invalid_workers'));
    await assert.rejects(crossValidate({ ...base, target: 'nope' }), code('unknown_column'));
    await assert.rejects(
      crossValidate({ ...base, preprocessing: { numeric: ['nope'] } }),
      code('invalid_preprocessing'),
    );
    await assert.rejects(
      crossValidate({ ...base, strategy: 'time_series', orderBy: 'ghost' }),
      code('unknown_column'),
    );
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(crossValidate({ ...base, signal: ac.signal }), CancelledError);
  });
});

describe('summarize', () => {
  it('skips folds where a metric is undefined', () => {
    const f = (auc: number): FoldResult => ({
      fold: 0,
      rows: { train: 1, test: 1 },
      metrics: { auc },
      fit_s: 0,
    });
    assert.deepEqual(summarize([f(0.5), f(NaN), f(1)]), { mean: { auc: 0.75 }, std: { auc: 0.25 } });
  });
});
