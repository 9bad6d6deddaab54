/**
 * POST /v1/jobs/train for unsupervised algorithms, over a real job service and store (the
 * runner only noted): the target is optional for kmeans and isolation_forest and, given, an
 * evaluation label; a supervised algorithm without one is a 400 that says why.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { DatasetService } from '../../data/datasets.js';
import type { JobRunner } from '../../jobs/runner.js';
import { JobService } from '../../jobs/service.js';
import { LocalArtifactStore } from '../../storage/artifacts/local.js';
import { SqliteStore } from '../../storage/metadata/sqlite.js';
import { buildApp } from '../app.js';
import type { ApiContext } from '../context.js';

// 30 rows: two numeric features, a two-valued label, a three-valued one.
const csv =
  'a,b,flag,kind\n' +
  Array.from({ length: 30 }, (_, i) =>
    [i, (i * 7) % 11, i % 10 ? 0 : 1, ['x', 'y', 'z'][i % 3]].join(','),
  ).join('\n') +
  '\n';

async function platform() {
  const home = mkdtempSync(join(tmpdir(), 'neutrino-unsup-route-'));
  const store = new SqliteStore(join(home, 'meta.db'));
  await store.migrate();
  const artifacts = new LocalArtifactStore(join(home, 'artifacts'));
  await artifacts.init();
  const ws = await store.ensureWorkspace('default');
  const datasets = new DatasetService(store, artifacts, home, 1e9);
  await datasets.create(ws.id, 'd', Readable.from([csv]), 'd.csv');
  const runner = { poke: () => undefined } as unknown as JobRunner;
  const jobs = new JobService(store, datasets, runner);
  const ctx = {
    store,
    datasets,
    jobs,
    noAuth: true,
    defaultWorkspaceId: ws.id,
    processTokenHash: '',
    version: 'test',
    startedAt: new Date(0).toISOString(),
  } as unknown as ApiContext;
  const app = await buildApp(ctx, pino({ level: 'silent' }));
  return {
    app,
    post: (payload: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/v1/jobs/train', payload }),
    queued: async () => (await store.listJobs(ws.id)).length,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

describe('POST /v1/jobs/train, unsupervised', () => {
  it('queues kmeans and isolation_forest without a target, or with one as an evaluation label', async () => {
    const p = await platform();
    try {
      const km = await p.post({ dataset: 'd', algorithm: 'kmeans', params: { n_clusters: 2 }, model: 'km' });
      assert.equal(km.statusCode, 201, km.body);
      const spec = km.json().spec;
      assert.equal(spec.target, null);
      assert.deepEqual(spec.params, { n_clusters: 2 });
      assert.equal(spec.validationFraction, 0, 'no validation rows unless asked');
      const iso = await p.post({ dataset: 'd', algorithm: 'isolation_forest', target: 'flag', model: 'iso' });
      assert.equal(iso.statusCode, 201, iso.body);
      assert.equal(iso.json().spec.target, 'flag');
      const km2 = await p.post({ dataset: 'd', algorithm: 'kmeans', target: 'kind', model: 'km' });
      assert.equal(km2.statusCode, 201, km2.body);
      assert.equal(await p.queued(), 3);
    } finally {
      await p.close();
    }
  });

  it('answers 400 with a clear code for what cannot work, queueing nothing', async () => {
    const p = await platform();
    try {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [
          { algorithm: 'random_forest' },
          'missing_target',
          /random_forest is supervised .*give the column to predict/,
        ],
        [{ algorithm: 'linear_regression' }, 'missing_target', /only unsupervised algorithms/],
        [{ algorithm: 'kmeans', target: 'nope' }, 'unknown_column', /no column 'nope'/],
        [{ algorithm: 'isolation_forest', target: 'kind' }, 'invalid_target', /two values .* 'kind' has 3/],
        [{ algorithm: 'kmeans', params: { n_clusters: 0 } }, 'invalid_parameter', /n_clusters/],
        [
          { algorithm: 'kmeans', params: { n_estimators: 5 } },
          'unknown_parameter',
          /kmeans has no parameter/,
        ],
        // 30 rows, 24 of them for training.
        [
          { algorithm: 'kmeans', params: { n_clusters: 25 } },
          'invalid_parameter',
          /n_clusters is 25 .* about 24 of the 30/,
        ],
        [
          { algorithm: 'isolation_forest', params: { contamination: 0.7 } },
          'invalid_parameter',
          /contamination/,
        ],
        [{ algorithm: 'dbscan' }, 'unknown_algorithm', /kmeans, isolation_forest/],
      ];
      for (const [extra, code, msg] of cases) {
        const r = await p.post({ dataset: 'd', model: 'm', ...extra });
        assert.equal(r.statusCode, 400, `${JSON.stringify(extra)}: ${r.body}`);
        const e = r.json().error;
        assert.equal(e.code, code, `${JSON.stringify(extra)}: ${r.body}`);
        assert.match(e.message, msg);
      }
      // The schema still checks the body: an empty target is no column.
      const empty = await p.post({ dataset: 'd', model: 'm', algorithm: 'kmeans', target: '' });
      assert.equal(empty.statusCode, 400);
      assert.equal(await p.queued(), 0);
    } finally {
      await p.close();
    }
  });

  it('documents target as optional, and scores in predict responses', async () => {
    const p = await platform();
    try {
      const doc = (await p.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const body = doc.paths['/v1/jobs/train'].post.requestBody.content['application/json'].schema;
      assert.deepEqual(body.required, ['dataset', 'algorithm', 'model']);
      assert.match(body.properties.target.description, /evaluate/);
      const predict =
        doc.paths['/v1/deployments/{name}/predict'].post.responses['200'].content['application/json'].schema;
      assert.ok(predict.properties.scores);
    } finally {
      await p.close();
    }
  });
});
