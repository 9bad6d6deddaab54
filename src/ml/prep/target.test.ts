import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NeutrinoError } from '../../core/errors.js';
import type { Frame, Target } from '../frame.js';
import { kFold } from '../folds.js';
import { stepFromJSON } from './step.js';
import { TargetEncoder } from './target.js';

const frame = (v: (string | null)[]): Frame => ({
  nRows: v.length,
  columns: [{ name: 'c', kind: 'categorical', values: v }],
});
const col = (X: Frame, name = 'c') =>
  Array.from(X.columns.find((c) => c.name === name)!.values as Float64Array);
const reg = (v: number[]): Target => ({ task: 'regression', values: Float64Array.from(v) });
const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

describe('TargetEncoder', () => {
  const X = frame(['a', 'a', 'b', null]);
  const y = reg([1, 3, 10, 6]);

  it('m-estimate smoothing shrinks each category mean toward the prior', () => {
    const t = new TargetEncoder(['c'], { smoothing: 2 });
    t.fit(X, y);
    const prior = 5; // (1 + 3 + 10 + 6) / 4
    const out = col(t.transform(frame(['a', 'b', null, 'zebra'])));
    close(out[0], (4 + 2 * prior) / (2 + 2));
    close(out[1], (10 + 2 * prior) / (1 + 2));
    close(out[2], (6 + 2 * prior) / (1 + 2), 1e-12); // missing is a category of its own
    close(out[3], prior); // unseen: the prior
  });

  it("'auto' weighs a category by its size and spread (empirical Bayes)", () => {
    const t = new TargetEncoder(['c']);
    t.fit(X, y);
    const prior = 5;
    const varY = ((1 - 5) ** 2 + (3 - 5) ** 2 + (10 - 5) ** 2 + (6 - 5) ** 2) / 4;
    // a: two rows, mean 2, within-category variance 1
    const lambda = (2 * varY) / (2 * varY + 1);
    const out = col(t.transform(frame(['a', 'b'])));
    close(out[0], lambda * 2 + (1 - lambda) * prior);
    close(out[1], 10, 1e-12); // one row: no spread within, so its own mean
  });

  it('encodes training rows out of fold, so an ID column leaks nothing', () => {
    // Every row its own category: encoding by the full data would reproduce y exactly.
    const n = 200;
    const ids = Array.from({ length: n }, (_, i) => `id${i}`);
    const yv = Array.from({ length: n }, (_, i) => (i * 37) % 101);
    const t = new TargetEncoder(['c'], { folds: 5, smoothing: 1, seed: 3 });
    const oof = col(t.fitTransform(frame(ids), reg(yv)));
    // Each row gets the prior of the other four folds: nothing of its own target.
    const folds = kFold(n, 5, 3);
    for (const f of folds) {
      let s = 0;
      for (const i of f.train) s += yv[i];
      for (const i of f.test) close(oof[i], s / f.train.length, 1e-9);
    }
    const full = col(t.transform(frame(ids)));
    assert.ok(full.some((v, i) => v !== oof[i]));
    const sameSeed = new TargetEncoder(['c'], { folds: 5, smoothing: 1, seed: 3 });
    assert.deepEqual(col(sameSeed.fitTransform(frame(ids), reg(yv))), oof, 'seeded');
  });

  it('binary: the positive class rate in one column; multiclass: one rate per class', () => {
    const c = frame(['x', 'x', 'x', 'y', 'y', 'y']);
    const bin: Target = {
      task: 'classification',
      labels: Int32Array.from([1, 1, 0, 0, 0, 0]),
      classes: ['no', 'yes'],
    };
    const b = new TargetEncoder(['c'], { smoothing: 0 });
    b.fit(c, bin);
    assert.deepEqual(col(b.transform(frame(['x', 'y']))), [2 / 3, 0]);
    const multi: Target = {
      task: 'classification',
      labels: Int32Array.from([0, 1, 2, 2, 2, 0]),
      classes: ['p', 'q', 'r'],
    };
    const m = new TargetEncoder(['c'], { smoothing: 0 });
    m.fit(c, multi);
    const out = m.transform(frame(['x', 'y', 'new']));
    assert.deepEqual(
      out.columns.map((k) => k.name),
      ['c.p', 'c.q', 'c.r'],
    );
    assert.deepEqual(col(out, 'c.p'), [1 / 3, 1 / 3, 2 / 6]);
    assert.deepEqual(col(out, 'c.r'), [1 / 3, 2 / 3, 3 / 6]);
    // stratified out-of-fold for classification; still one column per class
    assert.equal(new TargetEncoder(['c'], { folds: 3 }).fitTransform(c, multi).columns.length, 3);
  });

  it('round-trips through JSON and refuses bad settings', () => {
    const t = new TargetEncoder(['c']);
    t.fit(X, y);
    const back = stepFromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    const fresh = frame(['a', null, 'q']);
    assert.deepEqual(back.transform(fresh), t.transform(fresh));
    const bad = (e: unknown) => e instanceof NeutrinoError && e.code === 'invalid_preprocessing';
    assert.throws(() => new TargetEncoder(['c'], { folds: 1 }), bad);
    assert.throws(() => new TargetEncoder(['c'], { smoothing: -1 }), bad);
    assert.throws(() => new TargetEncoder(['c']).fit(X), /needs the target/);
  });
});
