import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NeutrinoError } from '../../core/errors.js';
import type { Frame } from '../frame.js';
import { fitPipeline, fitTransformPipeline, pipelineFromJSON } from './pipeline.js';
import { OneHotEncoder } from './one-hot.js';
import { stepFromJSON } from './step.js';

const all = { impute: true, scale: true, oneHot: true };

function frame(): Frame {
  return {
    nRows: 5,
    columns: [
      { name: 'x', kind: 'numeric', values: new Float64Array([1, NaN, 3, 4, 100]) },
      { name: 'color', kind: 'categorical', values: ['red', 'blue', null, 'red', 'green'] },
      { name: 'const', kind: 'numeric', values: new Float64Array([7, 7, 7, 7, 7]) },
    ],
  };
}

const col = (X: Frame, name: string) => {
  const c = X.columns.find((c) => c.name === name);
  assert.ok(c, `no column ${name} in ${X.columns.map((c) => c.name).join(', ')}`);
  return Array.from(c.values as Float64Array);
};

describe('fitPipeline', () => {
  it('imputes, scales and one-hot encodes what the learner needs', () => {
    const p = fitPipeline(frame(), all);
    const out = p.transform(frame());
    assert.deepEqual(
      out.columns.map((c) => c.name),
      ['x', 'color=blue', 'color=green', 'color=red', 'const'],
    );
    assert.deepEqual(
      p.output,
      out.columns.map((c) => c.name),
    );
    // median of 1, 3, 4, 100 is 3.5; then x = [1, 3.5, 3, 4, 100], mean 22.3
    const x = [1, 3.5, 3, 4, 100];
    const mean = x.reduce((a, b) => a + b) / 5;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / 5);
    col(out, 'x').forEach((v, i) => assert.ok(Math.abs(v - (x[i] - mean) / sd) < 1e-12));
    // the missing color takes the most frequent, red
    assert.deepEqual(col(out, 'color=red'), [1, 0, 1, 1, 0]);
    assert.deepEqual(col(out, 'color=blue'), [0, 1, 0, 0, 0]);
    // zero variance: scale 1, so the column is all zero rather than NaN
    assert.deepEqual(col(out, 'const'), [0, 0, 0, 0, 0]);
  });

  it('hands back the training rows as it transformed them while fitting', () => {
    const { pipeline, Xt } = fitTransformPipeline(frame(), all);
    assert.deepEqual(Xt, pipeline.transform(frame()));
    assert.deepEqual(pipeline.toJSON(), fitPipeline(frame(), all).toJSON());
  });

  it('learns on the rows it is fitted on, and applies that to new rows', () => {
    const p = fitPipeline(frame(), all);
    const fresh: Frame = {
      nRows: 2,
      columns: [
        { name: 'color', kind: 'categorical', values: ['purple', null] },
        { name: 'const', kind: 'numeric', values: new Float64Array([8, 7]) },
        { name: 'x', kind: 'numeric', values: new Float64Array([NaN, 22.3]) },
        { name: 'target', kind: 'numeric', values: new Float64Array([0, 1]) },
      ],
    };
    const out = p.transform(fresh);
    assert.deepEqual(
      out.columns.map((c) => c.name),
      p.output,
      'input order and extra columns do not matter',
    );
    assert.deepEqual(col(out, 'color=red'), [0, 1], 'unknown category is all zeros; missing is imputed');
    assert.deepEqual(col(out, 'color=blue'), [0, 0]);
    assert.deepEqual(col(out, 'const'), [1, 0]);
    assert.ok(Math.abs(col(out, 'x')[1]) < 1e-12);
  });

  it('runs only the steps asked for', () => {
    assert.deepEqual(fitPipeline(frame(), { impute: false, scale: false, oneHot: false }).steps, []);
    const p = fitPipeline(frame(), { impute: false, scale: false, oneHot: true });
    const out = p.transform(frame());
    assert.deepEqual(col(out, 'color=red'), [1, 0, 0, 1, 0], 'missing is all zeros without imputation');
    assert.ok(Number.isNaN(col(out, 'x')[1]));
    const typed = fitPipeline(frame(), { impute: true, scale: false, oneHot: false }).transform(frame());
    assert.equal(typed.columns[1].kind, 'categorical');
    assert.deepEqual(typed.columns[1].values, ['red', 'blue', 'red', 'red', 'green']);
  });

  it('round-trips through plain JSON', () => {
    const p = fitPipeline(frame(), all);
    const json = JSON.parse(JSON.stringify(p.toJSON()));
    assert.equal(json.format, 'neutrino.pipeline/v1');
    assert.deepEqual(
      json.steps.map((s: { type: string }) => s.type),
      ['median_imputer', 'most_frequent_imputer', 'standard_scaler', 'one_hot'],
    );
    const back = pipelineFromJSON(json);
    assert.deepEqual(back.transform(frame()), p.transform(frame()));
  });

  it('coerces a column typed differently by another file, and rejects missing columns', () => {
    const p = fitPipeline(frame(), all);
    const f = frame();
    f.columns[0] = { name: 'x', kind: 'categorical', values: ['1', null, ' 3 ', '4', '100'] };
    assert.deepEqual(p.transform(f), p.transform(frame()));
    f.columns[0] = { name: 'x', kind: 'categorical', values: ['1', 'abc', '3', '4', '100'] };
    assert.throws(
      () => p.transform(f),
      (e: unknown) => e instanceof NeutrinoError && e.code === 'invalid_column_type',
    );
    const narrow: Frame = { nRows: 5, columns: [frame().columns[0]] };
    assert.throws(
      () => p.transform(narrow),
      (e: unknown) => e instanceof NeutrinoError && /color, const/.test(e.message),
    );
    assert.throws(() => pipelineFromJSON({ format: 'nope' }), NeutrinoError);
    assert.throws(
      () => pipelineFromJSON({ ...p.toJSON(), steps: [{ type: 'magic', columns: [] }] }),
      /unknown preprocessing step 'magic'/,
    );
  });
});

describe('OneHotEncoder', () => {
  it('keeps the most frequent categories of a column with too many', () => {
    const values = ['a', 'b', 'b', 'c', 'c', 'c', 'd', 'd', 'd', 'd', null];
    const X: Frame = { nRows: values.length, columns: [{ name: 'k', kind: 'categorical', values }] };
    const enc = new OneHotEncoder(['k'], [], 2);
    enc.fit(X);
    assert.deepEqual(enc.categories, [['c', 'd']]);
    const out = enc.transform(X);
    assert.deepEqual(
      out.columns.map((c) => c.name),
      ['k=c', 'k=d'],
    );
    assert.deepEqual(Array.from(out.columns[0].values as Float64Array).slice(0, 4), [0, 0, 0, 1]);
    const back = stepFromJSON(JSON.parse(JSON.stringify(enc.toJSON())));
    assert.deepEqual(back.transform(X), out);
  });
});
