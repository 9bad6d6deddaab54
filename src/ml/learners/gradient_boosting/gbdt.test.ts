import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Rng } from '../../../core/random.js';
import { CancelledError, NeutrinoError } from '../../../core/errors.js';
import type { Frame, Target } from '../../frame.js';
import type { FitProgress } from '../contract.js';
import { resolveParams } from '../params.js';
import { FLAG_CATEGORICAL, FLAG_DEFAULT_LEFT, type Forest } from './forest.js';
import { GradientBoosting, gradientBoostingParams } from './index.js';
import { idleWorkers, lentWorkers } from './pool.js';

const make = (task: 'regression' | 'classification', params: Record<string, unknown> = {}) =>
  new GradientBoosting(task, resolveParams('gradient_boosting', gradientBoostingParams, params));

function numeric(cols: Float64Array[]): Frame {
  return {
    nRows: cols[0].length,
    columns: cols.map((values, j) => ({ name: `x${j}`, kind: 'numeric', values })),
  };
}

function regressionData(n: number, d: number, seed: number, noise = 0.1) {
  const rng = new Rng(seed);
  const cols = Array.from({ length: d }, () => new Float64Array(n));
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      cols[j][i] = rng.normal();
      s += Math.sin(cols[j][i] * (1 + j)) / (1 + j);
    }
    values[i] = s + noise * rng.normal();
  }
  return { X: numeric(cols), y: { task: 'regression', values } as Target, values };
}

function binaryData(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const cols = Array.from({ length: d }, () => new Float64Array(n));
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      cols[j][i] = rng.normal();
      s += (j % 3 === 0 ? 1 : -0.5) * cols[j][i];
    }
    labels[i] = s + rng.normal() > 0 ? 1 : 0;
  }
  return {
    X: numeric(cols),
    y: { task: 'classification', labels, classes: ['no', 'yes'] } as Target,
    labels,
  };
}

function rmse(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

/** The textbook walk of a forest, branch by branch, to check the fast walk against. */
function referenceMargins(f: Forest, rows: number[][], base: number): Float64Array {
  const out = new Float64Array(rows.length * f.K).fill(base);
  rows.forEach((x, i) => {
    for (let t = 0; t < f.nTrees; t++) {
      let node = f.roots[t];
      while (f.feature[node] >= 0) {
        const v = x[f.feature[node]];
        let left: boolean;
        if (Number.isNaN(v)) left = (f.flags[node] & FLAG_DEFAULT_LEFT) !== 0;
        else if (f.flags[node] & FLAG_CATEGORICAL)
          left = ((f.catBits[f.catAt[node] + (v >> 5)] >>> (v & 31)) & 1) === 1;
        else left = v <= f.threshold[node];
        node = f.left[node] + (left ? 0 : 1);
      }
      out[i * f.K + (t % f.K)] += f.value[node];
    }
  });
  return out;
}

describe('gradient_boosting', () => {
  it('learns a default direction for missing values', async () => {
    const n = 2000;
    const rng = new Rng(1);
    const x = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const missing = i % 4 === 0;
      x[i] = missing ? NaN : rng.normal();
      values[i] = missing ? 10 : x[i];
    }
    const m = make('regression', { n_estimators: 50 });
    await m.fit(numeric([x]), { task: 'regression', values }, { seed: 0 });
    const p = m.predict(numeric([Float64Array.of(NaN, -1, 1)]));
    assert.ok(Math.abs(p[0] - 10) < 0.5, `missing predicts ${p[0]}`);
    assert.ok(Math.abs(p[1] + 1) < 0.3 && Math.abs(p[2] - 1) < 0.3, `values predict ${p[1]}, ${p[2]}`);
  });

  it('walks trees deeper than the padded layout allows (and shallow ones) as the textbook walk', async () => {
    const { X, y } = regressionData(4000, 5, 5);
    const m = make('regression', { n_estimators: 4, max_depth: 14, min_child_weight: 0 });
    await m.fit(X, y, { seed: 0 });
    const model = (m as unknown as { model: { forest: Forest; base: Float64Array } }).model;
    const f = model.forest;
    const depth = (node: number): number =>
      f.feature[node] < 0 ? 0 : 1 + Math.max(depth(f.left[node]), depth(f.left[node] + 1));
    assert.ok(depth(f.roots[0]) > 10, `the first tree is ${depth(f.roots[0])} deep`);
    const rng = new Rng(6);
    const rows = Array.from({ length: 999 }, () =>
      Array.from({ length: 5 }, () => (rng.next() < 0.1 ? NaN : rng.normal() * 2)),
    );
    const frame = numeric(Array.from({ length: 5 }, (_, j) => Float64Array.from(rows, (r) => r[j])));
    assert.deepEqual(m.predict(frame), referenceMargins(model.forest, rows, model.base[0]));
  });

  it('walks trees four rows at a time exactly as the textbook walk, with and without missing values', async () => {
    const { X, y } = regressionData(3000, 5, 2);
    const m = make('regression', { n_estimators: 30 });
    await m.fit(X, y, { seed: 0 });
    const rng = new Rng(3);
    for (const nanShare of [0, 0.2]) {
      const rows = Array.from({ length: 1001 }, () =>
        Array.from({ length: 5 }, () => (rng.next() < nanShare ? NaN : rng.normal() * 2)),
      );
      const frame = numeric(Array.from({ length: 5 }, (_, j) => Float64Array.from(rows, (r) => r[j])));
      const model = (m as unknown as { model: { forest: Forest; base: Float64Array } }).model;
      assert.deepEqual(m.predict(frame), referenceMargins(model.forest, rows, model.base[0]));
    }
  });

  it('predicts large inputs on two threads exactly as on one', async () => {
    const { X, y } = binaryData(40_000, 8, 20);
    const m = make('classification', { n_estimators: 120, n_jobs: 2 });
    await m.fit(X, y, { seed: 0 });
    const rng = new Rng(21);
    const rows = Array.from({ length: 40_001 }, () =>
      Array.from({ length: 8 }, () => (rng.next() < 0.05 ? NaN : rng.normal())),
    );
    const frame = numeric(Array.from({ length: 8 }, (_, j) => Float64Array.from(rows, (r) => r[j])));
    const model = (m as unknown as { model: { forest: Forest; base: Float64Array } }).model;
    const want = referenceMargins(model.forest, rows, model.base[0]);
    for (let rep = 0; rep < 3; rep++) assert.deepEqual(m.margins(frame), want);
  });

  it('splits categories natively: one against the rest when few, partitions when many, unseen ones go the default way', async () => {
    const rng = new Rng(4);
    const n = 3000;
    const cats = Array.from({ length: 12 }, (_, k) => `c${k}`);
    const high = new Set(['c1', 'c4', 'c5', 'c8', 'c11']);
    const few = ['a', 'b', 'c'];
    const c1: (string | null)[] = [];
    const c2: (string | null)[] = [];
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = cats[rng.int(12)];
      const b = few[rng.int(3)];
      c1.push(i % 50 === 0 ? null : a);
      c2.push(b);
      values[i] = (high.has(a) ? 5 : 0) + (b === 'b' ? 2 : 0) + 0.1 * rng.normal();
    }
    const X: Frame = {
      nRows: n,
      columns: [
        { name: 'many', kind: 'categorical', values: c1 },
        { name: 'few', kind: 'categorical', values: c2 },
      ],
    };
    const m = make('regression', { n_estimators: 60 });
    await m.fit(X, { task: 'regression', values }, { seed: 0 });
    const test: Frame = {
      nRows: 4,
      columns: [
        { name: 'many', kind: 'categorical', values: ['c4', 'c2', 'never-seen', null] },
        { name: 'few', kind: 'categorical', values: ['b', 'a', 'c', 'b'] },
      ],
    };
    const p = m.predict(test);
    assert.ok(Math.abs(p[0] - 7) < 0.3 && Math.abs(p[1] - 0) < 0.3, `predictions ${Array.from(p)}`);
    for (const v of p) assert.ok(Number.isFinite(v));
    const imp = m.importance('weight');
    assert.ok(imp.values[0] > 0 && imp.values[1] > 0);
    // The walk over category codes equals the textbook walk.
    const model = (
      m as unknown as {
        model: { forest: Forest; base: Float64Array; bins: { categories: string[] }[] };
      }
    ).model;
    const code = (j: number, v: string | null) => {
      const at = v === null ? -1 : model.bins[j].categories.indexOf(v);
      return at < 0 ? NaN : at + 1;
    };
    const rows = c1.map((a, i) => [code(0, a), code(1, c2[i])]);
    assert.deepEqual(m.predict(X), referenceMargins(model.forest, rows, model.base[0]));
  });

  it('splits off a group of categories only when it and the rest hold min_data_per_group rows', async () => {
    const rng = new Rng(6);
    const n = 400;
    const high = new Set(['c1', 'c3', 'c6']);
    const c: string[] = [];
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = `c${rng.int(10)}`;
      c.push(a);
      values[i] = (high.has(a) ? 3 : 0) + 0.1 * rng.normal();
    }
    const X: Frame = { nRows: n, columns: [{ name: 'cat', kind: 'categorical', values: c }] };
    const test: Frame = { nRows: 2, columns: [{ name: 'cat', kind: 'categorical', values: ['c3', 'c0'] }] };
    const fit = async (minDataPerGroup: number) => {
      const m = make('regression', { n_estimators: 20, min_data_per_group: minDataPerGroup });
      await m.fit(X, { task: 'regression', values }, { seed: 0 });
      return m.predict(test);
    };
    // About 40 rows a category: the three high ones (about 120 rows) make one group of 100.
    const split = await fit(100);
    assert.ok(Math.abs(split[0] - 3) < 0.2 && Math.abs(split[1]) < 0.2, `predictions ${Array.from(split)}`);
    // No side can hold 201 of 400 rows while the other does too: no partition at all.
    const none = await fit(201);
    assert.equal(none[0], none[1]);
  });

  it('keeps predictions monotone in a constrained column', async () => {
    const rng = new Rng(5);
    const n = 3000;
    const x0 = Float64Array.from({ length: n }, () => rng.normal());
    const x1 = Float64Array.from({ length: n }, () => rng.normal());
    const values = Float64Array.from(
      { length: n },
      (_, i) => x0[i] + Math.sin(4 * x0[i]) + x1[i] + rng.normal(),
    );
    for (const sign of [1, -1]) {
      const m = make('regression', { n_estimators: 50, monotone_constraints: sign === 1 ? [1, 0] : [-1, 0] });
      await m.fit(
        numeric([x0, sign === 1 ? x1 : x1.map((v) => v)]),
        { task: 'regression', values: sign === 1 ? values : values.map((v) => -v) },
        { seed: 0 },
      );
      for (const other of [-1, 0, 1.5]) {
        const grid = Float64Array.from({ length: 200 }, (_, i) => -3 + (6 * i) / 199);
        const p = m.predict(numeric([grid, new Float64Array(200).fill(other)]));
        for (let i = 1; i < p.length; i++)
          assert.ok(sign * (p[i] - p[i - 1]) >= -1e-12, `not monotone at ${grid[i]}: ${p[i - 1]} -> ${p[i]}`);
      }
    }
  });

  it('stops early on the validation loss, keeps the best round and reports both losses', async () => {
    const tr = regressionData(1500, 4, 6, 1.0);
    const va = regressionData(500, 4, 7, 1.0);
    const seen: FitProgress[] = [];
    const m = make('regression', { n_estimators: 500, learning_rate: 0.3, early_stopping_rounds: 10 });
    await m.fit(tr.X, tr.y, { seed: 0, validation: { X: va.X, y: va.y }, onProgress: (p) => seen.push(p) });
    const info = m.info;
    assert.ok(
      info.bestIteration !== null && info.trees === info.bestIteration + 1 && info.trees < 200,
      JSON.stringify(info),
    );
    const last = seen[seen.length - 1];
    assert.ok(last.loss !== undefined && last.validationLoss !== undefined);
    assert.ok(
      Math.abs(rmse(m.predict(va.X), va.values) - info.bestScore!) < 1e-9,
      'the kept model scores the best validation loss',
    );
  });

  it('fits every objective', async () => {
    const { X, values } = regressionData(2000, 3, 8);
    const shifted = values.map((v) => v * 3 + 5);
    const mean = shifted.reduce((a, b) => a + b, 0) / shifted.length;
    const sd = rmse(shifted, new Float64Array(shifted.length).fill(mean));
    for (const [objective, most] of [
      ['reg:squarederror', 0.2],
      ['reg:absoluteerror', 0.3],
      ['reg:pseudohubererror', 0.6],
    ] as const) {
      const m = make('regression', { objective, n_estimators: 80 });
      await m.fit(X, { task: 'regression', values: shifted }, { seed: 0 });
      const r = rmse(m.predict(X), shifted);
      assert.ok(r < most * sd, `${objective}: train rmse ${r}, target sd ${sd}`);
    }
    const counts = values.map((v) => Math.round(Math.exp(v)));
    const pm = make('regression', { objective: 'count:poisson', n_estimators: 80 });
    await pm.fit(X, { task: 'regression', values: counts }, { seed: 0 });
    const pp = pm.predict(X);
    assert.ok(pp.every((v) => v > 0));
    assert.ok(rmse(pp, counts) < 1.2, `poisson rmse ${rmse(pp, counts)}`);
    await assert.rejects(
      pm.fit(X, { task: 'regression', values: values.map((v) => v - 10) }, { seed: 0 }),
      NeutrinoError,
    );

    const rng = new Rng(9);
    const labels = Int32Array.from(values, (v) => (v < -0.3 ? 0 : v < 0.3 ? 1 : 2) as number);
    const mc = make('classification', { n_estimators: 40 });
    await mc.fit(X, { task: 'classification', labels, classes: ['a', 'b', 'c'] }, { seed: rng.int(100) });
    const acc = mc.predict(X).reduce((a, p, i) => a + (p === labels[i] ? 1 : 0), 0) / labels.length;
    assert.ok(acc > 0.9, `softmax train accuracy ${acc}`);
    assert.equal(mc.info.trees, 40 * 3);
    assert.throws(() => make('regression', { objective: 'binary:logistic' }), NeutrinoError);
    await assert.rejects(
      make('classification', { objective: 'binary:logistic' }).fit(
        X,
        { task: 'classification', labels, classes: ['a', 'b', 'c'] },
        { seed: 0 },
      ),
      NeutrinoError,
    );
  });

  it('ranks importance by gain and counts splits', async () => {
    const rng = new Rng(10);
    const n = 2000;
    const signal = Float64Array.from({ length: n }, () => rng.normal());
    const noise = Float64Array.from({ length: n }, () => rng.normal());
    const values = signal.map((v) => 3 * v + 0.1 * rng.normal());
    const m = make('regression', { n_estimators: 20, max_depth: 3 });
    await m.fit(numeric([noise, signal]), { task: 'regression', values }, { seed: 0 });
    const fi = m.featureImportance()!;
    assert.deepEqual(fi.names, ['x0', 'x1']);
    assert.ok(fi.values[1] > 0.9, `signal share ${fi.values[1]}`);
    assert.ok(Math.abs(fi.values[0] + fi.values[1] - 1) < 1e-12);
    const w = m.importance('weight').values;
    assert.equal(w[0] + w[1], 20 * 7, 'depth-3 trees on this data split every node');
  });

  it('grows leaf-wise within max_leaves, and depth-wise within max_depth', async () => {
    const { X, y } = regressionData(3000, 4, 11);
    const lg = make('regression', {
      grow_policy: 'lossguide',
      max_leaves: 5,
      max_depth: 0,
      n_estimators: 10,
    });
    await lg.fit(X, y, { seed: 0 });
    const f = (lg as unknown as { model: { forest: Forest } }).model.forest;
    for (let t = 0; t < f.nTrees; t++) {
      const end = t + 1 < f.nTrees ? f.roots[t + 1] : f.feature.length;
      let leaves = 0;
      for (let i = f.roots[t]; i < end; i++) if (f.feature[i] < 0) leaves++;
      assert.ok(leaves <= 5 && leaves >= 2, `tree ${t} has ${leaves} leaves`);
    }
    assert.throws(() => make('regression', { max_depth: 0 }), NeutrinoError);
  });

  it('gives the same model on one thread and on two (threads claim features and pieces of rows, never the same ones)', async () => {
    const { X, y } = binaryData(40_000, 12, 12);
    const a = make('classification', { n_estimators: 15, n_jobs: 1, subsample: 0.8, colsample_bytree: 0.7 });
    const b = make('classification', { n_estimators: 15, n_jobs: 2, subsample: 0.8, colsample_bytree: 0.7 });
    await a.fit(X, y, { seed: 3 });
    await b.fit(X, y, { seed: 3 });
    assert.deepEqual(a.toJSON().state, b.toJSON().state);
  });

  it('weighs the positive class with scale_pos_weight and class_weight', async () => {
    const { X, y } = binaryData(3000, 4, 13);
    const mean = (m: GradientBoosting) => {
      const p = m.predictProba!(X);
      let s = 0;
      for (let i = 0; i < X.nRows; i++) s += p[2 * i + 1];
      return s / X.nRows;
    };
    const plain = make('classification', { n_estimators: 20 });
    const heavy = make('classification', { n_estimators: 20, scale_pos_weight: 5 });
    await plain.fit(X, y, { seed: 0 });
    await heavy.fit(X, y, { seed: 0 });
    assert.ok(mean(heavy) > mean(plain) + 0.1, `${mean(heavy)} vs ${mean(plain)}`);
    const weighted = make('classification', { n_estimators: 20 });
    await weighted.fit(X, y, {
      seed: 0,
      sampleWeight: Float64Array.from((y as { labels: Int32Array }).labels, (l) => (l ? 5 : 1)),
    });
    assert.ok(
      Math.abs(mean(weighted) - mean(heavy)) < 1e-9,
      'sample weights of 5 on positives equal scale_pos_weight 5',
    );
  });

  it('can fit again after a cancelled fit on worker threads', async () => {
    const { X, y } = binaryData(40_000, 20, 14);
    const m = make('classification', { n_estimators: 200, n_jobs: 2 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    await assert.rejects(m.fit(X, y, { seed: 0, signal: ac.signal }), CancelledError);
    const again = make('classification', { n_estimators: 5, n_jobs: 2 });
    await again.fit(X, y, { seed: 0 });
    assert.equal(again.info.trees, 5);
  });

  it('bins half the numeric columns on an idle worker, to the same model as on one thread', async () => {
    const { X, y } = binaryData(30_000, 9, 21);
    const one = make('classification', { n_estimators: 5, n_jobs: 1 });
    const two = make('classification', { n_estimators: 5, n_jobs: 2 });
    await two.fit(X, y, { seed: 1 }); // leaves its worker idle for the next fit
    await two.fit(X, y, { seed: 1 });
    await one.fit(X, y, { seed: 1 });
    assert.deepEqual(two.toJSON().state, one.toJSON().state);
  });

  it('rejects, without hanging, when a worker thread dies during a fit; the next fit works', async () => {
    const { X, y } = binaryData(40_000, 20, 15);
    // A fit of this size lends only idle workers: have one started and ready.
    await make('classification', { n_estimators: 1, n_jobs: 2 }).fit(X, y, { seed: 0 });
    for (let tries = 0; idleWorkers() === 0 && tries < 100; tries++) await sleep(50);
    const m = make('classification', { n_estimators: 500, n_jobs: 2 });
    let killed = 0;
    const fit = m.fit(X, y, {
      seed: 0,
      onProgress: () => {
        if (killed) return;
        for (const w of lentWorkers()) void w.terminate();
        killed = lentWorkers().length;
      },
    });
    await assert.rejects(fit, /worker thread exited with code 1 during the fit/);
    assert.ok(killed >= 1, 'a worker was lent to the fit');
    assert.equal(lentWorkers().length, 0, 'no worker is left lent');
    const again = make('classification', { n_estimators: 5, n_jobs: 2 });
    await again.fit(X, y, { seed: 0 });
    assert.equal(again.info.trees, 5);
  });

  it('saves checkpoints as it goes and continues from one to the same model', async () => {
    const { X, y } = binaryData(3000, 5, 16);
    const saved: { rounds: number; model: ReturnType<GradientBoosting['toJSON']> }[] = [];
    const full = make('classification', { n_estimators: 30 });
    await full.fit(X, y, {
      seed: 4,
      checkpointEvery: 10,
      onCheckpoint: (model, rounds) => saved.push({ rounds, model: JSON.parse(JSON.stringify(model)) }),
    });
    assert.deepEqual(
      saved.map((c) => c.rounds),
      [10, 20],
    );
    const resumed = make('classification', { n_estimators: 30 });
    await resumed.fit(X, y, { seed: 4, initModel: saved[1].model });
    assert.equal(resumed.info.trees, 30);
    assert.deepEqual(resumed.toJSON().state, full.toJSON().state);
    await assert.rejects(
      make('regression', { n_estimators: 30 }).fit(
        X,
        { task: 'regression', values: new Float64Array(3000) },
        { seed: 0, initModel: saved[1].model },
      ),
      NeutrinoError,
    );
  });

  it('rejects a frame whose columns do not match the training ones', async () => {
    const { X, y } = regressionData(300, 2, 15);
    const m = make('regression', { n_estimators: 5 });
    await m.fit(X, y, { seed: 0 });
    assert.throws(
      () => m.predict({ nRows: 1, columns: [{ name: 'x0', kind: 'numeric', values: Float64Array.of(1) }] }),
      /x1/,
    );
    assert.throws(
      () =>
        m.predict({
          nRows: 1,
          columns: [
            { name: 'x0', kind: 'categorical', values: ['a'] },
            { name: 'x1', kind: 'numeric', values: Float64Array.of(1) },
          ],
        }),
      NeutrinoError,
    );
    await assert.rejects(
      make('regression', { monotone_constraints: [1, 0, 0] }).fit(X, y, { seed: 0 }),
      NeutrinoError,
    );
  });
});
