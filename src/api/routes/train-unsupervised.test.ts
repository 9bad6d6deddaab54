/**
 * POST /v1/jobs/train for unsupervised algorithms, over a real job service and store (the
 * runner only noted): the target is optional for kmeans and isolation_forest and, given, an
 * evaluation label; a supervised algorithm without one is a 400 that says why.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jobsApi } from '../testing.js';

// 30 rows: two numeric features, a two-valued label, a three-valued one.
const csv =
  'a,b,flag,kind\n' +
  Array.from({ length: 30 }, (_, i) =>
    [i, (i * 7) % 11, i % 10 ? 0 : 1, ['x', 'y', 'z'][i % 3]].join(','),
  ).join('\n') +
  '\n';

const platform = () => jobsApi(csv, '/v1/jobs/train');

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
