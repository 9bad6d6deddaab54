/** POST /v1/jobs/train's schema carries a preprocessing spec to the job service untouched. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { TrainRequest } from '../../jobs/service.js';
import type { Job } from '../../storage/metadata/store.js';
import { buildApp } from '../app.js';
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
