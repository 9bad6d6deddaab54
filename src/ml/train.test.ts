import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, NeutrinoError } from '../core/errors.js';
import { loadFrame } from '../data/load.js';
import type { Frame } from './frame.js';
import type { FitProgress } from './learners/contract.js';
import { Model } from './model.js';
import { trainModel } from './train.js';
import { sharedDir } from './testing/shared.js';

function table(n = 100): Frame {
  const x = Float64Array.from({ length: n }, (_, i) => (i * 37) % 101);
  const z = Float64Array.from({ length: n }, (_, i) => ((i * 11) % 13) - 6);
  return {
    nRows: n,
    columns: [
      { name: 'x', kind: 'numeric', values: x },
      { name: 'z', kind: 'numeric', values: z },
      { name: 'y', kind: 'numeric', values: x.map((v, i) => 3 * v - z[i] + ((i * 7) % 5)) },
      { name: 'flag', kind: 'numeric', values: x.map((v) => (v > 50 ? 1 : 0)) },
      { name: 'cls', kind: 'categorical', values: Array.from(x, (v) => (v > 50 ? 'big' : 'small')) },
    ],
  };
}
const pick = (f: Frame, keep: string[]): Frame => ({
  nRows: f.nRows,
  columns: f.columns.filter((c) => keep.includes(c.name)),
});

const code = (c: string, msg?: RegExp) => (e: unknown) =>
  e instanceof NeutrinoError && e.code === c && e.status === 400 && (!msg || msg.test(e.message));

describe('trainModel', () => {
  it('trains, splits 70/10/20 by default and scores the test rows', async () => {
    const r = await trainModel({
      data: pick(table(), ['x', 'z', 'y']),
      target: 'y',
      algorithm: 'linear_regression',
    });
    assert.equal(r.task, 'regression');
    assert.deepEqual(r.rows, { train: 70, validation: 10, test: 20 });
    assert.ok((r.metrics.r2 as number) > 0.99);
    assert.ok((r.validationMetrics!.r2 as number) > 0.99);
    assert.ok(r.timings.fit_s >= 0 && r.timings.evaluate_s >= 0);
  });

  it('infers classification from a categorical target, or from a classifier on a numeric one', async () => {
    const a = await trainModel({
      data: pick(table(), ['x', 'z', 'cls']),
      target: 'cls',
      algorithm: 'logistic_regression',
    });
    assert.equal(a.task, 'classification');
    assert.deepEqual(a.model.classes, ['big', 'small']);
    assert.ok('roc_auc' in a.metrics && 'confusion_matrix' in a.metrics);
    const b = await trainModel({
      data: pick(table(), ['x', 'z', 'flag']),
      target: 'flag',
      algorithm: 'logistic_regression',
    });
    assert.equal(b.task, 'classification');
    assert.deepEqual(b.model.classes, ['0', '1']);
    assert.ok((b.metrics.accuracy as number) >= 0.9);
  });

  it('drops rows without a target, and can skip validation', async () => {
    const f = pick(table(), ['x', 'z', 'y']);
    (f.columns[2].values as Float64Array).fill(NaN, 0, 20);
    const r = await trainModel({
      data: f,
      target: 'y',
      algorithm: 'linear_regression',
      validationFraction: 0,
      seed: 4,
    });
    assert.deepEqual(r.rows, { train: 64, validation: 0, test: 16 });
    assert.equal(r.validationMetrics, null);
  });

  it('uses a given test set instead of carving one', async () => {
    const t = table(30);
    const r = await trainModel({
      data: pick(table(), ['x', 'z', 'y']),
      testData: t,
      target: 'y',
      algorithm: 'linear_regression',
    });
    assert.deepEqual(r.rows, { train: 90, validation: 10, test: 30 });
    await assert.rejects(
      trainModel({
        data: pick(table(), ['x', 'z', 'y']),
        testData: pick(t, ['x', 'y']),
        target: 'y',
        algorithm: 'linear_regression',
      }),
      code('missing_column', /z/),
    );
  });

  it('reports progress and passes validation rows to the learner', async () => {
    const seen: FitProgress[] = [];
    await trainModel({
      data: pick(table(), ['x', 'z', 'cls']),
      target: 'cls',
      algorithm: 'logistic_regression',
      onProgress: (p) => seen.push(p),
    });
    assert.ok(seen.length > 0 && seen.length <= 201);
    assert.equal(typeof seen[seen.length - 1].validationLoss, 'number');
  });

  it('rejects what cannot be trained with clear errors', async () => {
    const data = pick(table(), ['x', 'z', 'y', 'cls']);
    await assert.rejects(
      trainModel({ data, target: 'nope', algorithm: 'linear_regression' }),
      code('unknown_column', /x, z, y, cls/),
    );
    await assert.rejects(
      trainModel({ data: table(8), target: 'y', algorithm: 'linear_regression' }),
      code('too_few_rows'),
    );
    const one = pick(table(), ['x', 'cls']);
    one.columns[1] = { name: 'cls', kind: 'categorical', values: new Array(100).fill('a') };
    await assert.rejects(
      trainModel({ data: one, target: 'cls', algorithm: 'logistic_regression' }),
      code('one_class'),
    );
    await assert.rejects(
      trainModel({ data, target: 'y', algorithm: 'linear_regression', testFraction: 1 }),
      code('invalid_fraction'),
    );
    await assert.rejects(
      trainModel({ data, target: 'y', algorithm: 'linear_regression', validationFraction: -0.1 }),
      code('invalid_fraction'),
    );
    await assert.rejects(
      trainModel({ data, target: 'y', algorithm: 'no_such_algo' }),
      code('unknown_algorithm'),
    );
    await assert.rejects(
      trainModel({ data, target: 'y', algorithm: 'linear_regression', params: { alpha: 1 } }),
      code('unknown_parameter'),
    );
    await assert.rejects(
      trainModel({ data, target: 'cls', algorithm: 'linear_regression' }),
      code('unsupported_task'),
    );
  });

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      trainModel({ data: table(), target: 'y', algorithm: 'linear_regression', signal: ac.signal }),
      CancelledError,
    );
  });

  it('trains a multiclass model on a real dataset with a categorical target', async () => {
    const data = await loadFrame(sharedDir('datasets', 'clean', 'iris.csv'));
    const r = await trainModel({ data, target: 'species', algorithm: 'logistic_regression', seed: 1 });
    assert.equal(r.model.classes!.length, 3);
    assert.ok((r.metrics.accuracy as number) >= 0.9, JSON.stringify(r.metrics));
    assert.ok((r.metrics.roc_auc_ovr as number) >= 0.95);
    assert.deepEqual(r.rows, { train: 105, validation: 15, test: 30 });
  });
});

describe('trainModel preprocessing', () => {
  /** Reviews: the text carries the label, the timestamp the hour, a shop ID a shop effect. */
  function reviews(n = 300): Frame {
    const good = ['great', 'lovely', 'excellent', 'perfect', 'recommend'];
    const bad = ['awful', 'broken', 'refund', 'terrible', 'disappointed'];
    const filler = ['the', 'delivery', 'was', 'and', 'item', 'really', 'quite', 'this'];
    const label = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'neg' : 'pos'));
    const text = label.map((l, i) => {
      const pool = l === 'pos' ? good : bad;
      return [0, 1, 2, 3, 4, 5].map((k) => (k % 2 ? pool[(i + k) % 5] : filler[(i * 7 + k) % 8])).join(' ');
    });
    const ts = Array.from(
      { length: n },
      (_, i) => `2021-03-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:15:00`,
    );
    return {
      nRows: n,
      columns: [
        { name: 'review', kind: 'categorical', values: text },
        { name: 'at', kind: 'categorical', values: ts },
        { name: 'shop', kind: 'categorical', values: Array.from({ length: n }, (_, i) => `shop${i % 75}`) },
        {
          name: 'stars',
          kind: 'numeric',
          values: Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 5) + (i % 2)),
        },
        { name: 'label', kind: 'categorical', values: label },
      ],
    };
  }

  it('types columns by default and reports what it did', async () => {
    const r = await trainModel({
      data: reviews(),
      target: 'label',
      algorithm: 'logistic_regression',
      seed: 2,
    });
    assert.deepEqual(
      r.preprocessing.columns.map((c) => [c.name, c.type]),
      [
        ['review', 'text'],
        ['at', 'datetime'],
        ['shop', 'high_cardinality'],
        ['stars', 'numeric'],
      ],
    );
    assert.ok((r.metrics.accuracy as number) >= 0.95, JSON.stringify(r.metrics));
    // serving replays the same pipeline from the stored document
    const back = Model.fromDocument(JSON.parse(JSON.stringify(r.model.toDocument())));
    const rows = [
      { review: 'awful and broken, refund please', at: '2021-05-01 08:00:00', shop: 'new-shop', stars: 1 },
    ];
    assert.deepEqual(back.predictRows(rows), r.model.predictRows(rows));
    assert.equal(back.predictRows(rows).predictions[0], 'neg');
  });

  it('takes a spec: chosen steps, and dropped columns that serving then does not ask for', async () => {
    const r = await trainModel({
      data: reviews(),
      target: 'label',
      algorithm: 'logistic_regression',
      preprocessing: {
        numeric: ['robust_scale'],
        columns: { review: [{ step: 'hashing', n_features: 64 }], at: 'drop', shop: 'drop' },
      },
    });
    assert.deepEqual(
      r.model.features.map((f) => f.name),
      ['review', 'stars'],
    );
    assert.deepEqual(r.preprocessing.dropped, ['at', 'shop']);
    assert.equal(r.model.pipeline.output.length, 65);
    assert.equal(r.model.predictRows([{ review: 'lovely, perfect', stars: 5 }]).predictions[0], 'pos');
  });

  it('refuses a bad spec before any work', async () => {
    const fails = (preprocessing: unknown, c: string, msg: RegExp) =>
      assert.rejects(
        trainModel({ data: reviews(), target: 'label', algorithm: 'logistic_regression', preprocessing }),
        code(c, msg),
      );
    await fails({ text: ['tf_idf'] }, 'invalid_preprocessing', /unknown step 'tf_idf'/);
    await fails({ columns: { label: 'drop' } }, 'invalid_preprocessing', /'label' is the target/);
    await fails({ columns: { ghost: 'drop' } }, 'unknown_column', /ghost/);
    await fails('tfidf', 'invalid_preprocessing', /must be a JSON object/);
  });
});
