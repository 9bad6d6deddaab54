import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NeutrinoError } from '../core/errors.js';
import type { Frame } from './frame.js';
import { Model, type ModelDocument } from './model.js';
import { trainModel } from './train.js';

/** 60 rows: y = 10 + 2 a - 3 b on raw (unscaled) features, a color that shifts a class. */
function table(): Frame {
  const n = 60;
  const a = Float64Array.from({ length: n }, (_, i) => 100 + (i % 10) * 7);
  const b = Float64Array.from({ length: n }, (_, i) => ((i * 13) % 17) / 10);
  const y = a.map((v, i) => 10 + 2 * v - 3 * b[i]);
  const color = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'red' : i % 3 === 1 ? 'green' : null));
  const label = Array.from({ length: n }, (_, i) => (a[i] - 30 * b[i] > 110 ? 'high' : 'low'));
  return {
    nRows: n,
    columns: [
      { name: 'a', kind: 'numeric', values: a },
      { name: 'b', kind: 'numeric', values: b },
      { name: 'color', kind: 'categorical', values: color },
      { name: 'y', kind: 'numeric', values: y },
      { name: 'label', kind: 'categorical', values: label },
    ],
  };
}

const without = (f: Frame, drop: string[]): Frame => ({
  nRows: f.nRows,
  columns: f.columns.filter((c) => !drop.includes(c.name)),
});

describe('Model', () => {
  it('predicts from JSON rows and round-trips through its document', async () => {
    const { model } = await trainModel({
      data: without(table(), ['label']),
      target: 'y',
      algorithm: 'linear_regression',
    });
    assert.deepEqual(model.features, [
      { name: 'a', kind: 'numeric' },
      { name: 'b', kind: 'numeric' },
      { name: 'color', kind: 'categorical' },
    ]);
    const rows = [
      { a: 100, b: 1, color: 'red' },
      { a: 135, b: null, color: null, extra: 'ignored' },
      { a: 121, b: 0.5, color: 'purple' },
    ];
    const r = model.predictRows(rows);
    assert.equal(r.predictions.length, 3);
    assert.ok(Math.abs((r.predictions[0] as number) - (10 + 200 - 3)) < 1e-6);
    assert.equal(r.probabilities, undefined);
    const doc = JSON.parse(JSON.stringify(model.toDocument())) as ModelDocument;
    assert.equal(doc.format, 'neutrino.model/v1');
    assert.deepEqual(Model.fromDocument(doc).predictRows(rows), r);
  });

  it('gives class labels and probabilities in class order', async () => {
    const { model } = await trainModel({
      data: without(table(), ['y']),
      target: 'label',
      algorithm: 'logistic_regression',
    });
    assert.deepEqual(model.classes, ['high', 'low']);
    const r = model.predictRows([
      { a: 163, b: 0, color: 'red' },
      { a: 100, b: 1.6, color: 'green' },
    ]);
    assert.deepEqual(r.predictions, ['high', 'low']);
    assert.deepEqual(r.classes, ['high', 'low']);
    for (const p of r.probabilities!) assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-12);
    assert.ok(r.probabilities![0][0] > 0.5);
    const back = Model.fromDocument(JSON.parse(JSON.stringify(model.toDocument())));
    assert.deepEqual(
      back.predictRows([{ a: 163, b: 0, color: 'red' }]).probabilities![0],
      r.probabilities![0],
    );
  });

  it('gives linear coefficients in raw units for numeric features', async () => {
    const { model } = await trainModel({
      data: without(table(), ['label', 'color']),
      target: 'y',
      algorithm: 'linear_regression',
    });
    const c = model.linearCoefficients()!;
    assert.ok(Math.abs(c.intercept - 10) < 1e-8, `${c.intercept}`);
    assert.ok(Math.abs(c.weights.a - 2) < 1e-10);
    assert.ok(Math.abs(c.weights.b + 3) < 1e-8);
    const withColor = await trainModel({
      data: without(table(), ['label']),
      target: 'y',
      algorithm: 'linear_regression',
    });
    assert.equal(withColor.model.linearCoefficients(), null);
  });

  it('rejects bad rows naming the row and the feature', async () => {
    const { model } = await trainModel({
      data: without(table(), ['label']),
      target: 'y',
      algorithm: 'linear_regression',
    });
    const bad = (rows: unknown, pattern: RegExp) =>
      assert.throws(
        () => model.rowsToFrame(rows),
        (e: unknown) =>
          e instanceof NeutrinoError &&
          e.code === 'invalid_rows' &&
          e.status === 400 &&
          pattern.test(e.message),
      );
    bad([], /non-empty array/);
    bad({ a: 1 }, /non-empty array/);
    bad([{ a: 1, b: 2, color: 'red' }, 7], /row 1 must be an object/);
    bad([{ a: 1, color: 'red' }], /row 0: feature 'b' is missing/);
    bad(
      [{ a: '1', b: 2, color: 'red' }],
      /row 0: feature 'a' must be a finite number or null, got string '1'/,
    );
    bad([{ a: 1, b: 2, color: true }], /feature 'color' must be a string or null, got boolean/);
    const f = model.rowsToFrame([{ a: 1, b: null, color: 3 }]);
    assert.deepEqual(f.columns[2].values, ['3']);
    assert.ok(Number.isNaN((f.columns[1].values as Float64Array)[0]));
  });

  it('refuses documents of another format', () => {
    assert.throws(
      () => Model.fromDocument({ format: 'other' } as unknown as ModelDocument),
      (e: unknown) => {
        return e instanceof NeutrinoError && e.code === 'invalid_model';
      },
    );
  });
});
