/**
 * Unsupervised training as jobs: k-means with no target and isolation forest scored against a
 * label run on real worker processes, register with their task and lineage, and come back from
 * the registry predicting exactly as trained; the requests that cannot work are 400s before
 * anything is queued.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NeutrinoError } from '../core/errors.js';
import { loadFrame } from '../data/load.js';
import { Model } from '../ml/model.js';
import { sharedDir } from '../ml/testing/shared.js';
import { trainModel } from '../ml/train.js';
import { openJobs, until } from './testing.js';

const code = (c: string, msg?: RegExp) => (e: unknown) =>
  e instanceof NeutrinoError && e.code === c && e.status === 400 && (!msg || msg.test(e.message));

const csvOf = (name: string) => sharedDir('datasets', 'clean', `${name}.csv`);

describe('unsupervised training jobs', () => {
  it('trains kmeans without a target and isolation_forest against a label, on workers', async () => {
    const home = mkdtempSync(join(tmpdir(), 'neutrino-unsup-'));
    const a = await openJobs(home);
    await a.datasets.create(a.ws.id, 'iris', createReadStream(csvOf('iris')), 'iris.csv');
    await a.datasets.create(a.ws.id, 'fraud', createReadStream(csvOf('creditcard_fraud')), 'fraud.csv');
    await a.runner.start();
    try {
      const km = await a.jobs.submitTraining(a.ws.id, {
        dataset: 'iris',
        algorithm: 'kmeans',
        params: { n_clusters: '3' },
        preprocessing: { columns: { species: 'drop' } },
        model: 'iris-km',
      });
      assert.equal((km.spec as { target: unknown }).target, null);
      assert.equal((km.spec as { validationFraction: number }).validationFraction, 0);
      const iso = await a.jobs.submitTraining(a.ws.id, {
        dataset: 'fraud',
        target: 'Class',
        algorithm: 'isolation_forest',
        model: 'fraud-if',
      });
      for (const j of [km, iso]) {
        const done = await until(
          () => a.store.getJob(a.ws.id, j.id),
          (x) => x!.status !== 'queued' && x!.status !== 'running',
          60_000,
        );
        assert.equal(done!.status, 'succeeded', done!.error ?? '');
      }
      const kmJob = (await a.store.getJob(a.ws.id, km.id))!;
      assert.equal(kmJob.result!.task, 'clustering');
      const kmMetrics = kmJob.result!.metrics as Record<string, unknown>;
      assert.equal((kmMetrics.cluster_sizes as number[]).length, 3);
      assert.equal(typeof kmMetrics.inertia, 'number');
      assert.equal(typeof kmMetrics.silhouette, 'number');

      const kmModel = await a.registry.get(a.ws.id, 'iris-km');
      assert.equal(kmModel.task, 'clustering');
      assert.equal(kmModel.algorithm, 'kmeans');
      assert.equal(kmModel.lineage.target, null);
      assert.deepEqual(kmModel.lineage.params, { n_clusters: 3 });
      const kmDoc = await a.registry.document(kmModel);
      assert.deepEqual(
        kmDoc.features.map((f) => f.name),
        ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
      );
      const served = Model.fromDocument(kmDoc).predictRows([
        { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
        { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 },
      ]);
      assert.equal(served.scores!.length, 2);
      assert.notEqual(served.predictions[0], served.predictions[1], 'a setosa and a virginica');

      const ifModel = await a.registry.get(a.ws.id, 'fraud-if');
      assert.equal(ifModel.task, 'anomaly_detection');
      assert.equal(ifModel.lineage.target, null);
      assert.equal(ifModel.lineage.evaluated_against, 'Class');
      assert.ok((ifModel.metrics.roc_auc as number) > 0.85, `roc_auc ${String(ifModel.metrics.roc_auc)}`);
      const ifDoc = await a.registry.document(ifModel);
      assert.ok(!ifDoc.features.some((f) => f.name === 'Class'));
    } finally {
      await a.runner.stop();
      await a.store.close();
    }
  });

  it('keeps predictions identical through the registry', async () => {
    const home = mkdtempSync(join(tmpdir(), 'neutrino-unsup-'));
    const a = await openJobs(home);
    try {
      const data = await loadFrame(csvOf('creditcard_fraud'));
      for (const [algorithm, target] of [
        ['kmeans', null],
        ['isolation_forest', 'Class'],
      ] as const) {
        const r = await trainModel({
          data,
          target,
          algorithm,
          params: algorithm === 'kmeans' ? { n_clusters: 4 } : {},
        });
        const path = join(home, `${algorithm}.json`);
        await writeFile(path, JSON.stringify(r.model.toDocument()));
        const m = await a.registry.register(a.ws.id, algorithm.replace('_', '-'), path, {
          algorithm,
          task: r.task,
          metrics: r.metrics,
          lineage: {},
          signature: {},
          jobId: null,
        });
        const back = Model.fromDocument(
          await a.registry.document(await a.registry.get(a.ws.id, `${m.name}@1`)),
        );
        const want = r.model.predictFrame(data);
        const got = back.predictFrame(data);
        assert.deepEqual(got.predictions, want.predictions);
        assert.deepEqual(got.scores, want.scores);
        assert.ok(new Set(want.predictions).size >= 2, `${algorithm} gives more than one label`);
      }
    } finally {
      await a.store.close();
    }
  });

  it('refuses what cannot work with a 400, queueing nothing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'neutrino-unsup-'));
    const a = await openJobs(home);
    await a.datasets.create(a.ws.id, 'iris', createReadStream(csvOf('iris')), 'iris.csv');
    try {
      const base = { dataset: 'iris', model: 'm' };
      await assert.rejects(
        a.jobs.submitTraining(a.ws.id, { ...base, algorithm: 'random_forest' }),
        code('missing_target', /random_forest is supervised/),
      );
      await assert.rejects(
        a.jobs.submitTraining(a.ws.id, { ...base, algorithm: 'kmeans', target: 'colour' }),
        code('unknown_column', /colour/),
      );
      await assert.rejects(
        a.jobs.submitTraining(a.ws.id, { ...base, algorithm: 'isolation_forest', target: 'species' }),
        code('invalid_target', /two values/),
      );
      await assert.rejects(
        a.jobs.submitTraining(a.ws.id, { ...base, algorithm: 'kmeans', params: { n_clusters: 0 } }),
        code('invalid_parameter', /n_clusters/),
      );
      await assert.rejects(
        a.jobs.submitTraining(a.ws.id, {
          ...base,
          algorithm: 'kmeans',
          target: 'species',
          preprocessing: { columns: { species: 'drop' } },
        }),
        code('invalid_preprocessing', /evaluation label/),
      );
      await assert.rejects(
        a.jobs.submitCrossValidation(a.ws.id, { dataset: 'iris', target: 'species', algorithm: 'kmeans' }),
        code('unsupervised_algorithm', /kmeans is unsupervised/),
      );
      assert.equal((await a.jobs.list(a.ws.id)).length, 0);
    } finally {
      await a.store.close();
    }
  });
});
