/**
 * Training the unsupervised learners through trainModel: k-means without a target on iris
 * (checked against the species it never saw), isolation forest on the fraud sample scored
 * against its Class label, the rules for a named target, and the model documents.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NeutrinoError } from '../core/errors.js';
import { loadFrame } from '../data/load.js';
import type { Frame } from './frame.js';
import { adjustedRandIndex, purity } from './metrics/index.js';
import { Model } from './model.js';
import { prepareUnsupervised, trainModel } from './train.js';
import { sharedDir } from './testing/shared.js';

const code = (c: string, msg?: RegExp) => (e: unknown) =>
  e instanceof NeutrinoError && e.code === c && e.status === 400 && (!msg || msg.test(e.message));

const load = (name: string) => loadFrame(sharedDir('datasets', 'clean', `${name}.csv`));
const without = (f: Frame, name: string): Frame => ({
  nRows: f.nRows,
  columns: f.columns.filter((c) => c.name !== name),
});
const species = (f: Frame) => {
  const v = f.columns.find((c) => c.name === 'species')!.values as string[];
  const names = [...new Set(v)];
  return Int32Array.from(v, (s) => names.indexOf(s));
};

describe('trainModel, clustering', () => {
  it('clusters iris without a target into groups that match the species', async () => {
    const iris = await load('iris');
    const r = await trainModel({
      data: without(iris, 'species'),
      algorithm: 'kmeans',
      params: { n_clusters: 3 },
      seed: 0,
    });
    assert.equal(r.task, 'clustering');
    assert.equal(r.model.target, null);
    assert.equal(r.model.task, 'clustering');
    // 20% held out for the metrics, no validation rows unless asked for.
    assert.deepEqual(r.rows, { train: 120, validation: 0, test: 30 });
    assert.equal(r.validationMetrics, null);
    const sizes = r.metrics.cluster_sizes as number[];
    assert.equal(sizes.length, 3);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      30,
    );
    assert.ok((r.metrics.inertia as number) > 0);
    const sil = r.metrics.silhouette as number;
    assert.ok(sil > 0.3 && sil < 0.8, `silhouette ${sil}`);
    assert.ok(!('adjusted_rand' in r.metrics), 'no label was named');
    // The preprocessing travels inside: numbers median-imputed and standardized for k-means.
    assert.deepEqual(
      r.preprocessing.columns.map((c) => c.steps),
      Array(4).fill(['median_impute', 'standard_scale']),
    );

    // Every row: the clusters agree with the species the model never saw.
    const out = r.model.predictFrame(iris);
    const pred = Float64Array.from(out.predictions as number[]);
    const truth = species(iris);
    const ari = adjustedRandIndex(truth, pred);
    const pur = purity(truth, pred);
    assert.ok(ari > 0.55, `adjusted Rand ${ari}`);
    assert.ok(pur > 0.8, `purity ${pur}`);
    assert.ok(pred.every((p) => p === 0 || p === 1 || p === 2));
    // The score is the distance to the row's own centre: never beyond the distance to another.
    assert.equal(out.scores!.length, 150);
    assert.ok(out.scores!.every((s) => Number.isFinite(s) && s >= 0));
  });

  it('takes a named target as an evaluation label only: no feature, metrics against it', async () => {
    const iris = await load('iris');
    const r = await trainModel({
      data: iris,
      target: 'species',
      algorithm: 'kmeans',
      params: { n_clusters: 3 },
    });
    assert.equal(r.task, 'clustering');
    assert.equal(r.model.target, null);
    assert.deepEqual(
      r.model.features.map((f) => f.name),
      ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    );
    assert.ok((r.metrics.adjusted_rand as number) > 0.5, `ARI ${String(r.metrics.adjusted_rand)}`);
    assert.ok((r.metrics.purity as number) > 0.7, `purity ${String(r.metrics.purity)}`);
    // Serving asks for the features only.
    const p = r.model.predictRows([
      { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
    ]);
    assert.equal(p.predictions.length, 1);
  });

  it('refuses what cannot work, before fitting', async () => {
    const iris = await load('iris');
    await assert.rejects(
      trainModel({ data: iris, target: 'nope', algorithm: 'kmeans' }),
      code('unknown_column', /nope/),
    );
    await assert.rejects(
      trainModel({ data: without(iris, 'species'), algorithm: 'kmeans', params: { n_clusters: 0 } }),
      code('invalid_parameter', /n_clusters/),
    );
    await assert.rejects(
      trainModel({ data: without(iris, 'species'), algorithm: 'kmeans', params: { k: 3 } }),
      code('unknown_parameter'),
    );
    // Target encoding needs a target; the evaluation label is never one.
    await assert.rejects(
      trainModel({
        data: iris,
        target: 'species',
        algorithm: 'kmeans',
        preprocessing: { numeric: ['median_impute', 'target_encode'] },
      }),
      NeutrinoError,
    );
    await assert.rejects(
      trainModel({ data: without(iris, 'species'), algorithm: 'logistic_regression' }),
      code('missing_target', /logistic_regression is supervised/),
    );
    await assert.rejects(
      trainModel({ data: without(iris, 'species'), target: null, algorithm: 'linear_regression' }),
      code('missing_target'),
    );
  });
});

describe('trainModel, anomaly detection', () => {
  it('ranks the frauds of creditcard_fraud by anomaly score (ROC AUC above 0.9), Class never a feature', async () => {
    const cc = await load('creditcard_fraud');
    // 300 trees rather than 100 steady the ranking (scikit-learn's ROC AUC here is about 0.9 too).
    const r = await trainModel({
      data: cc,
      target: 'Class',
      algorithm: 'isolation_forest',
      params: { n_estimators: 300 },
      seed: 0,
    });
    assert.equal(r.task, 'anomaly_detection');
    assert.ok(!r.model.features.some((f) => f.name === 'Class'));
    const m = r.metrics as Record<string, number>;
    for (const k of ['anomaly_rate', 'label_rate', 'roc_auc', 'pr_auc', 'precision', 'recall', 'f1'])
      assert.equal(typeof m[k], 'number', k);
    // On the 345 held-out rows (98 frauds), so a little noisier than over every row below.
    assert.ok(m.roc_auc > 0.89, `roc_auc ${m.roc_auc}`);
    // Stratified: the frauds' share of the test rows is theirs in the file.
    const cls = cc.columns.find((c) => c.name === 'Class')!.values as Float64Array;
    const share = cls.reduce((a, b) => a + b, 0) / cls.length;
    assert.ok(Math.abs(m.label_rate - share) < 0.01, `label_rate ${m.label_rate} vs ${share}`);
    // Average precision well above the base rate (a random score's): the score finds frauds.
    assert.ok(m.pr_auc > share + 0.3, `pr_auc ${m.pr_auc} vs base rate ${share}`);

    // Over every row, through the model as served: scores in (0, 1], flags -1 or 1.
    const out = r.model.predictFrame(cc);
    assert.ok(out.predictions.every((p) => p === -1 || p === 1));
    assert.ok(out.scores!.every((s) => s > 0 && s <= 1));
    const { rocAucBinary } = await import('./metrics/index.js');
    const auc = rocAucBinary(Int32Array.from(cls), out.scores!);
    assert.ok(auc > 0.9, `roc_auc over every row ${auc}`);
  });

  it('flags the contamination share, and trains without a label', async () => {
    const cc = without(await load('creditcard_fraud'), 'Class');
    const r = await trainModel({
      data: cc,
      algorithm: 'isolation_forest',
      params: { contamination: 0.05, n_estimators: 50 },
      testFraction: 0.5,
    });
    const rate = r.metrics.anomaly_rate as number;
    assert.ok(rate > 0.02 && rate < 0.09, `anomaly_rate ${rate}`);
    assert.ok(!('roc_auc' in r.metrics));
  });

  it('wants a two-valued label to score against', async () => {
    const iris = await load('iris');
    assert.throws(
      () => prepareUnsupervised({ data: iris, target: 'species', algorithm: 'isolation_forest' }),
      code('invalid_target', /two values/),
    );
    // The rarer value is the anomaly.
    const cc = await load('creditcard_fraud');
    const p = prepareUnsupervised({ data: cc, target: 'Class', algorithm: 'isolation_forest' });
    assert.equal(p.anomalyClass, '1');
    assert.equal(
      p.truth!.reduce((a, b) => a + b, 0),
      492,
    );
  });
});

describe('unsupervised model documents', () => {
  it('round-trip through JSON with identical predictions and scores', async () => {
    const iris = await load('iris');
    for (const algorithm of ['kmeans', 'isolation_forest']) {
      const r = await trainModel({ data: without(iris, 'species'), algorithm, params: {} });
      const doc = JSON.parse(JSON.stringify(r.model.toDocument()));
      assert.equal(doc.target, null);
      assert.equal(doc.learner.task, r.task);
      const back = Model.fromDocument(doc);
      assert.equal(back.task, r.task);
      assert.deepEqual(back.predictFrame(iris), r.model.predictFrame(iris));
      // A document whose learner does another task is refused.
      assert.throws(
        () =>
          Model.fromDocument({ ...doc, task: algorithm === 'kmeans' ? 'anomaly_detection' : 'clustering' }),
        code('invalid_model'),
      );
      assert.throws(() => Model.fromDocument({ ...doc, target: 'species' }), code('invalid_model'));
    }
  });
});
