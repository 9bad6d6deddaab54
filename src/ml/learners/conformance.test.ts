/**
 * The conformance suite, in the spirit of scikit-learn's check_estimator: the same checks
 * run against every learner in LEARNERS, for every task it declares.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/random.js';
import { CancelledError, NeutrinoError } from '../../core/errors.js';
import { indicatorColumn, numericFrame, type Frame, type Target, type Task } from '../frame.js';
import { LEARNERS, createLearner, learnerFromJSON } from './index.js';
import type { LearnerSpec } from './contract.js';

/** Two Gaussian blobs (classification) or a noisy linear function (regression), standardized-ish. */
function problem(task: Task, n: number, d: number, seed: number, classes = 2): { X: Frame; y: Target } {
  const rng = new Rng(seed);
  const cols = Array.from({ length: d }, () => new Float64Array(n));
  if (task === 'classification') {
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % classes;
      labels[i] = k;
      for (let j = 0; j < d; j++) cols[j][i] = rng.normal() * 0.5 + (j % classes === k ? 2 : -1);
    }
    const names = Array.from({ length: classes }, (_, k) => `c${k}`);
    return {
      X: numericFrame(
        cols.map((_, j) => `x${j}`),
        cols,
      ),
      y: { task, labels, classes: names },
    };
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 1;
    for (let j = 0; j < d; j++) {
      cols[j][i] = rng.normal();
      s += (j + 1) * 0.5 * cols[j][i];
    }
    values[i] = s + rng.normal() * 0.1;
  }
  return {
    X: numericFrame(
      cols.map((_, j) => `x${j}`),
      cols,
    ),
    y: { task, values },
  };
}

/**
 * The problem with a three-level category of its rows (tied to the target, so it matters)
 * added as one-hot indicator columns; each call builds new indicators, whose dense values are
 * not yet built.
 */
function withIndicators({ X, y }: { X: Frame; y: Target }): { X: Frame; y: Target } {
  const n = X.nRows;
  const level = (i: number) =>
    y.task === 'classification'
      ? (y.labels[i] + (i % 5 === 0 ? 1 : 0)) % 3
      : y.values[i] > 1
        ? 0
        : i % 2
          ? 1
          : 2;
  const rows = [0, 1, 2].map((k) =>
    Int32Array.from({ length: n }, (_, i) => i).filter((i) => level(i) === k),
  );
  return {
    X: { nRows: n, columns: [...X.columns, ...rows.map((r, k) => indicatorColumn(`c=${k}`, n, r))] },
    y,
  };
}

function score(task: Task, pred: Float64Array, y: Target): number {
  if (y.task === 'classification')
    return pred.reduce((a, p, i) => a + (p === y.labels[i] ? 1 : 0), 0) / pred.length;
  const v = y.values;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  let ss = 0,
    sr = 0;
  for (let i = 0; i < v.length; i++) {
    ss += (v[i] - mean) ** 2;
    sr += (v[i] - pred[i]) ** 2;
  }
  return 1 - sr / ss;
}

/**
 * Regression R² floors below 0.9, each where scikit-learn's same algorithm with its default
 * hyperparameters also falls short on this problem (noted beside each).
 */
const REGRESSION_FLOOR: Record<string, number> = {
  // One CART tree fits this linear function in steps: scikit-learn's scores R² 0.85.
  decision_tree: 0.75,
  // alpha = 1 shrinks every coefficient by 1 on a target of std 2.7: scikit-learn's R² 0.52 / 0.65.
  lasso: 0.45,
  elastic_net: 0.55,
};

function checks(spec: LearnerSpec, task: Task) {
  describe(`${spec.name} (${task})`, () => {
    it('learns a simple problem', async () => {
      const tr = problem(task, 400, 4, 1);
      const te = problem(task, 200, 4, 2);
      const m = createLearner(spec.name, task);
      await m.fit(tr.X, tr.y, { seed: 0 });
      const s = score(task, m.predict(te.X), te.y);
      const floor = task === 'classification' ? 0.95 : (REGRESSION_FLOOR[spec.name] ?? 0.9);
      assert.ok(s > floor, `score ${s}`);
    });

    if (task === 'classification') {
      it('gives probabilities that sum to one, for three classes too', async () => {
        const tr = problem(task, 300, 3, 3, 3);
        const m = createLearner(spec.name, task);
        await m.fit(tr.X, tr.y, { seed: 0 });
        assert.ok(m.predictProba, 'classifiers give probabilities');
        const p = m.predictProba!(tr.X);
        assert.equal(p.length, tr.X.nRows * 3);
        for (let i = 0; i < tr.X.nRows; i++) {
          const s = p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2];
          assert.ok(Math.abs(s - 1) < 1e-9, `row ${i} sums to ${s}`);
        }
        assert.ok(score(task, m.predict(tr.X), tr.y) > 0.9);
      });
    }

    it('gives the same model for the same seed', async () => {
      const { X, y } = problem(task, 200, 3, 4);
      const a = createLearner(spec.name, task);
      const b = createLearner(spec.name, task);
      await a.fit(X, y, { seed: 7 });
      await b.fit(X, y, { seed: 7 });
      assert.deepEqual(a.toJSON(), b.toJSON());
    });

    it('round-trips through plain JSON with identical predictions', async () => {
      const { X, y } = problem(task, 200, 3, 5);
      const m = createLearner(spec.name, task);
      await m.fit(X, y, { seed: 0 });
      const back = learnerFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
      assert.deepEqual(back.predict(X), m.predict(X));
      if (m.predictProba) assert.deepEqual(back.predictProba!(X), m.predictProba(X));
    });

    it('reads one-hot indicator columns as the dense 0/1 columns they stand for', async () => {
      // The indicators' readers skip their zeros (kit/input.ts): the model and its
      // predictions must be the ones the same columns give written out in full.
      const base = problem(task, 240, 3, 10);
      const { y } = base;
      const X = withIndicators(base).X;
      assert.ok(X.columns.some((c) => c.kind === 'numeric' && c.ones));
      const dense: Frame = {
        nRows: X.nRows,
        columns: X.columns.map((c) =>
          c.kind === 'numeric' ? { name: c.name, kind: 'numeric', values: Float64Array.from(c.values) } : c,
        ),
      };
      const a = createLearner(spec.name, task);
      const b = createLearner(spec.name, task);
      await a.fit(withIndicators(base).X, y, { seed: 3 });
      await b.fit(dense, y, { seed: 3 });
      assert.deepEqual(a.toJSON(), b.toJSON());
      assert.deepEqual(a.predict(withIndicators(base).X), b.predict(dense));
      if (a.predictProba) assert.deepEqual(a.predictProba(withIndicators(base).X), b.predictProba!(dense));
    });

    it('never lets NaN out of predict, even on extreme, infinite or missing inputs', async () => {
      const { X, y } = problem(task, 200, 3, 6);
      const m = createLearner(spec.name, task);
      await m.fit(X, y, { seed: 0 });
      const extreme = numericFrame(
        ['x0', 'x1', 'x2'],
        [
          new Float64Array([1e300, -1e300, 0, NaN, Infinity]),
          new Float64Array([1e300, 1e-300, 0, -Infinity, NaN]),
          new Float64Array([-1e300, 5, 0, NaN, -Infinity]),
        ],
      );
      for (const v of m.predict(extreme)) assert.ok(!Number.isNaN(v));
      if (m.predictProba) for (const v of m.predictProba(extreme)) assert.ok(Number.isFinite(v));
    });

    it('rejects bad hyperparameters with a clear error', () => {
      assert.throws(
        () => createLearner(spec.name, task, { no_such_param: 1 }),
        (e: unknown) => {
          return (
            e instanceof NeutrinoError &&
            e.code === 'unknown_parameter' &&
            e.message.includes('no_such_param')
          );
        },
      );
      for (const [key, p] of Object.entries(spec.params)) {
        const bad =
          p.type === 'number' || p.type === 'integer'
            ? 'abc'
            : p.type === 'string'
              ? '__nope__'
              : p.type === 'boolean'
                ? 'maybe'
                : 'x,y';
        assert.throws(() => createLearner(spec.name, task, { [key]: bad }), NeutrinoError, `${key}=${bad}`);
        if ((p.type === 'number' || p.type === 'integer') && p.min !== undefined)
          assert.throws(
            () => createLearner(spec.name, task, { [key]: p.min! - 1 }),
            NeutrinoError,
            `${key} below min`,
          );
        if ((p.type === 'number' || p.type === 'integer') && p.max !== undefined)
          assert.throws(
            () => createLearner(spec.name, task, { [key]: p.max! + 1 }),
            NeutrinoError,
            `${key} above max`,
          );
      }
    });

    it('rejects bad input with a clear error', async () => {
      const m = createLearner(spec.name, task);
      const empty = problem(task, 0, 3, 7);
      await assert.rejects(m.fit(empty.X, empty.y, { seed: 0 }), NeutrinoError);
      const { X, y } = problem(task, 100, 3, 8);
      await m.fit(X, y, { seed: 0 });
      const narrow = numericFrame(['x0'], [new Float64Array(3)]);
      assert.throws(() => m.predict(narrow), NeutrinoError);
    });

    it('refuses, at predict, a column that arrives as text where it was trained on numbers', async () => {
      const m = createLearner(spec.name, task);
      const { X, y } = problem(task, 100, 3, 8);
      await m.fit(X, y, { seed: 0 });
      const hostile: Frame = {
        nRows: 2,
        columns: [
          ...X.columns.slice(1).map((c) => ({
            name: c.name,
            kind: 'numeric' as const,
            values: (c.values as Float64Array).slice(0, 2),
          })),
          { name: 'x0', kind: 'categorical', values: ['1; DROP TABLE models', '\u0000'] },
        ],
      };
      assert.throws(
        () => m.predict(hostile),
        (e: unknown) => e instanceof NeutrinoError && e.status === 400 && /x0/.test(e.message),
      );
    });

    it('stops within a second when cancelled', async () => {
      const { X, y } = problem(task, 20000, 20, 9);
      const m = createLearner(spec.name, task);
      const pre = new AbortController();
      pre.abort();
      await assert.rejects(m.fit(X, y, { seed: 0, signal: pre.signal }), CancelledError);
      const ac = new AbortController();
      const t0 = Date.now();
      setTimeout(() => ac.abort(), 100);
      const fit = m.fit(X, y, { seed: 0, signal: ac.signal }).then(
        () => 'finished',
        (e) => (e instanceof CancelledError ? 'cancelled' : Promise.reject(e)),
      );
      const outcome = await fit;
      const took = Date.now() - t0;
      assert.ok(outcome === 'finished' || took < 1100, `${outcome} after ${took} ms`);
    });
  });
}

for (const spec of LEARNERS) for (const task of spec.tasks) checks(spec, task);
