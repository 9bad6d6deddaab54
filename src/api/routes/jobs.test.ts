/**
 * POST /v1/jobs/train's schema carries a preprocessing spec to the job service untouched;
 * POST /v1/jobs/cv checks a cross-validation request before queueing it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { TrainRequest } from '../../jobs/service.js';
import type { Job } from '../../storage/metadata/store.js';
import { buildApp } from '../app.js';
import { jobsApi } from '../testing.js';
import type { ApiContext } from '../context.js';

async function appRecording() {
  const seen: TrainRequest[] = [];
  const job: Job = {
    id: 'job_1',
    workspaceId: 'ws',
    kind: 'train',
    status: 'queued',
    spec: {},
    result: null,
    error: null,
    progress: null,
    cancelRequested: false,
    attempts: 0,
    createdAt: new Date(0).toISOString(),
    startedAt: null,
    finishedAt: null,
  };
  const jobs = {
    submitTraining: async (_ws: string, r: TrainRequest) => {
      seen.push(r);
      return { ...job, spec: { preprocessing: r.preprocessing ?? null } };
    },
  };
  const ctx = {
    jobs,
    noAuth: true,
    defaultWorkspaceId: 'ws',
    processTokenHash: '',
    version: 'test',
    startedAt: new Date(0).toISOString(),
  } as unknown as ApiContext;
  return { app: await buildApp(ctx, pino({ level: 'silent' })), seen };
}

const body = {
  dataset: 'traffic',
  target: 'traffic_volume',
  algorithm: 'linear_regression',
  model: 'traffic',
};

describe('POST /v1/jobs/train preprocessing', () => {
  it('passes the spec through as sent', async () => {
    const { app, seen } = await appRecording();
    const preprocessing = {
      numeric: ['median_impute', { step: 'clip', method: 'quantile', upper: 0.99 }],
      columns: { date_time: 'datetime', notes: [{ step: 'tfidf', max_features: null, ngram_range: [1, 2] }] },
      select: [{ step: 'mutual_info', k: 10 }],
    };
    const r = await app.inject({
      method: 'POST',
      url: '/v1/jobs/train',
      payload: { ...body, preprocessing },
    });
    assert.equal(r.statusCode, 201, r.body);
    assert.deepEqual(seen[0].preprocessing, preprocessing);
    await app.close();
  });

  it('leaves it out when not given, and refuses a spec that is not an object', async () => {
    const { app, seen } = await appRecording();
    assert.equal(
      (await app.inject({ method: 'POST', url: '/v1/jobs/train', payload: body })).statusCode,
      201,
    );
    assert.equal(seen[0].preprocessing, undefined);
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/jobs/train',
      payload: { ...body, preprocessing: ['tfidf'] },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(JSON.parse(bad.body).error.message, /preprocessing must be object/);
    await app.close();
  });
});

/**
 * POST /v1/jobs/cv over a real job service and store (the runner only noted, never run): every
 * mistake a worker would trip on is a 4xx `{error: {code, message}}` and queues nothing.
 */
describe('POST /v1/jobs/cv', () => {
  // 30 rows: a numeric feature, a two-class label, a numeric target, a time column, text,
  // a time column with gaps, and a target missing in 10 rows.
  const csv =
    'a,label,n,t,note,t_gappy,partial\n' +
    Array.from({ length: 30 }, (_, i) =>
      [
        i,
        i % 2 ? 'yes' : 'no',
        2 * i + 1,
        `2020-01-${String(i + 1).padStart(2, '0')} 00:00:00`,
        `word${i}`,
        i % 7 ? `2021-01-${String(i + 1).padStart(2, '0')} 00:00:00` : '',
        i < 10 ? '' : i,
      ].join(','),
    ).join('\n') +
    '\n';

  const platform = () => jobsApi(csv, '/v1/jobs/cv');

  const classify = { dataset: 'd', target: 'label', algorithm: 'logistic_regression' };
  const regress = { dataset: 'd', target: 'n', algorithm: 'linear_regression' };

  it('queues a cv job with the dataset version pinned and the defaults filled in', async () => {
    const p = await platform();
    try {
      const r = await p.post(classify);
      assert.equal(r.statusCode, 201, r.body);
      const job = r.json();
      assert.equal(job.kind, 'cv');
      assert.equal(job.status, 'queued');
      assert.deepEqual(job.spec, {
        dataset: { name: 'd', version: 1 },
        target: 'label',
        algorithm: 'logistic_regression',
        params: {},
        seed: 0,
        folds: 5,
        strategy: 'stratified',
        orderBy: null,
        gap: 0,
        preprocessing: null,
      });
      assert.equal(p.pokes(), 1, 'the runner is told at once');
      const ts = await p.post({
        ...regress,
        params: { solver: 'sgd', epochs: '50' },
        folds: 3,
        strategy: 'time_series',
        order_by: 't',
        gap: 2,
        seed: 7,
        preprocessing: { columns: { note: 'drop' } },
      });
      assert.equal(ts.statusCode, 201, ts.body);
      assert.deepEqual(
        { ...ts.json().spec, dataset: undefined },
        {
          dataset: undefined,
          target: 'n',
          algorithm: 'linear_regression',
          params: { solver: 'sgd', epochs: 50 },
          seed: 7,
          folds: 3,
          strategy: 'time_series',
          orderBy: 't',
          gap: 2,
          preprocessing: { columns: { note: 'drop' } },
        },
      );
      assert.equal(
        (await p.post({ ...regress })).json().spec.strategy,
        'kfold',
        'regression defaults to kfold',
      );
      assert.equal((await p.store.listJobs(p.ws.id)).length, 3);
    } finally {
      await p.close();
    }
  });

  it('shows the stored result on GET /v1/jobs/:id, every fold and statistic intact', async () => {
    const p = await platform();
    try {
      const job = (await p.post(classify)).json();
      const result = {
        task: 'classification',
        algorithm: 'logistic_regression',
        strategy: 'stratified',
        metric: 'accuracy',
        folds: [1, 2].map((fold) => ({
          fold,
          rows: { train: 15, test: 15 },
          metrics: {
            accuracy: 0.8 + fold / 100,
            confusion_matrix: [
              [7, 1],
              [1, 6],
            ],
          },
          fit_s: 0.01,
        })),
        mean: { accuracy: 0.815 },
        std: { accuracy: 0.005 },
        timings: { load_s: 0.1, cv_s: 0.2 },
      };
      await p.store.updateJob(job.id, {
        status: 'succeeded',
        result,
        progress: { fraction: 1, foldsDone: 2, foldsTotal: 2 },
      });
      const r = await p.app.inject({ method: 'GET', url: `/v1/jobs/${job.id}` });
      assert.equal(r.statusCode, 200);
      assert.equal(r.json().kind, 'cv');
      assert.deepEqual(r.json().result, result);
      assert.deepEqual(r.json().progress, { fraction: 1, foldsDone: 2, foldsTotal: 2 });
    } finally {
      await p.close();
    }
  });

  it('refuses each bad request with a 4xx that says what is wrong, and queues nothing', async () => {
    const p = await platform();
    const cases: [string, Record<string, unknown>, number, string, RegExp][] = [
      [
        'unknown dataset',
        { ...classify, dataset: 'ghost' },
        404,
        'not_found',
        /dataset 'ghost' does not exist/,
      ],
      ['unknown version', { ...classify, dataset: 'd@9' }, 404, 'not_found', /d@9/],
      ['target not a column', { ...classify, target: 'nope' }, 400, 'unknown_column', /no column 'nope'/],
      ['no target', { dataset: 'd', algorithm: 'knn' }, 400, 'invalid_request', /target/],
      ['one fold', { ...classify, folds: 1 }, 400, 'invalid_request', /folds must be >= 2/],
      ['fractional folds', { ...classify, folds: 2.5 }, 400, 'invalid_request', /folds must be integer/],
      [
        'more folds than rows',
        { ...classify, folds: 31 },
        400,
        'invalid_folds',
        /cannot make 31 folds from 30 rows/,
      ],
      [
        'more folds than rows with a target',
        { ...regress, target: 'partial', folds: 21 },
        400,
        'invalid_folds',
        /cannot make 21 folds from 20 rows/,
      ],
      [
        'unknown strategy',
        { ...classify, strategy: 'random' },
        400,
        'invalid_request',
        /strategy must be equal to one of/,
      ],
      [
        'stratified regression',
        { ...regress, strategy: 'stratified' },
        400,
        'invalid_folds',
        /classification target/,
      ],
      [
        'time_series without order_by',
        { ...regress, strategy: 'time_series' },
        400,
        'invalid_order',
        /need order_by/,
      ],
      [
        'order_by not a column',
        { ...regress, strategy: 'time_series', order_by: 'when' },
        400,
        'unknown_column',
        /no column 'when' to order the rows by/,
      ],
      [
        'order_by the target',
        { ...regress, strategy: 'time_series', order_by: 'n' },
        400,
        'invalid_order',
        /is the target/,
      ],
      [
        'order_by text',
        { ...regress, strategy: 'time_series', order_by: 'note' },
        400,
        'invalid_order',
        /'note' is VARCHAR, not numbers or date-times/,
      ],
      [
        'order_by with gaps',
        { ...regress, strategy: 'time_series', order_by: 't_gappy' },
        400,
        'invalid_order',
        /'t_gappy' has missing values/,
      ],
      [
        'time_series too few rows',
        { ...regress, strategy: 'time_series', order_by: 't', folds: 3, gap: 20 },
        400,
        'invalid_folds',
        /too few for 3 time-series folds with a gap of 20/,
      ],
      ['order_by with kfold', { ...regress, order_by: 't' }, 400, 'invalid_folds', /time_series folds only/],
      [
        'negative gap',
        { ...regress, strategy: 'time_series', order_by: 't', gap: -1 },
        400,
        'invalid_request',
        /gap/,
      ],
      [
        'unknown algorithm',
        { ...classify, algorithm: 'magic' },
        400,
        'unknown_algorithm',
        /unknown algorithm 'magic'/,
      ],
      [
        'unknown parameter',
        { ...classify, params: { bogus: 1 } },
        400,
        'unknown_parameter',
        /no parameter 'bogus'/,
      ],
      [
        'bad parameter value',
        { ...classify, params: { C: -1 } },
        400,
        'invalid_parameter',
        /'C' must be > 0/,
      ],
      [
        'unsupervised algorithm',
        { ...classify, algorithm: 'kmeans' },
        400,
        'unsupervised_algorithm',
        /kmeans is unsupervised/,
      ],
      [
        'algorithm not for the task',
        { ...classify, algorithm: 'linear_regression' },
        400,
        'unsupported_task',
        /does not do classification/,
      ],
      [
        'bad preprocessing',
        { ...classify, preprocessing: { numeric: ['scale'] } },
        400,
        'invalid_preprocessing',
        /unknown step 'scale'/,
      ],
      [
        'preprocessing of an unknown column',
        { ...classify, preprocessing: { columns: { ghost: 'drop' } } },
        400,
        'unknown_column',
        /ghost/,
      ],
    ];
    try {
      for (const [what, body, status, code, message] of cases) {
        const r = await p.post(body);
        assert.equal(r.statusCode, status, `${what}: ${r.body}`);
        const { error } = r.json();
        assert.equal(error.code, code, `${what}: ${r.body}`);
        assert.match(error.message, message, what);
      }
      assert.equal((await p.store.listJobs(p.ws.id)).length, 0, 'nothing queued');
      assert.equal(p.pokes(), 0);
    } finally {
      await p.close();
    }
  });

  it('is described in the OpenAPI document with its whole body schema', async () => {
    const p = await platform();
    try {
      const doc = (await p.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const op = doc.paths['/v1/jobs/cv'].post;
      const body = op.requestBody.content['application/json'].schema;
      assert.deepEqual(body.required, ['dataset', 'target', 'algorithm']);
      for (const k of ['params', 'folds', 'strategy', 'order_by', 'gap', 'seed', 'preprocessing'])
        assert.ok(body.properties[k], k);
      assert.deepEqual(body.properties.strategy.enum, ['kfold', 'stratified', 'time_series']);
      assert.equal(body.properties.folds.minimum, 2);
      assert.ok(op.responses['201'] && op.responses['400'] && op.responses['404']);
    } finally {
      await p.close();
    }
  });
});
