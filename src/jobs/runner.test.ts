/**
 * The durable queue: jobs live in the metadata store, so a job queued (or running) when the
 * runner stops is run by the next runner on the same store. Real SQLite file, real worker processes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { NeutrinoError } from '../core/errors.js';
import type { CvOutcome } from './messages.js';
import { openJobs, until } from './testing.js';

const csv = 'x,y\n' + Array.from({ length: 60 }, (_, i) => `${i / 10},${(3 * i) / 10 + 2}`).join('\n') + '\n';

describe('job runner and its durable queue', () => {
  it('runs a job queued before a restart after it, and registers the model', async () => {
    const home = mkdtempSync(join(tmpdir(), 'neutrino-queue-'));
    const a = await openJobs(home);
    await a.datasets.create(a.ws.id, 'line', Readable.from([csv]), 'line.csv');
    // Queued while no runner runs (the platform stopped right after accepting it).
    const job = await a.jobs.submitTraining(a.ws.id, {
      dataset: 'line',
      target: 'y',
      algorithm: 'linear_regression',
      model: 'line',
    });
    assert.equal((await a.store.getJob(a.ws.id, job.id))?.status, 'queued');
    await a.store.close();

    const b = await openJobs(home);
    await b.runner.start();
    try {
      const done = await until(
        () => b.store.getJob(b.ws.id, job.id),
        (j) => j!.status !== 'queued' && j!.status !== 'running',
      );
      assert.equal(done!.status, 'succeeded', done!.error ?? '');
      const model = await b.registry.get(b.ws.id, 'line');
      assert.equal(model.version, 1);
      assert.equal(model.lineage.seed, 0);
      assert.ok((done!.result!.metrics as { r2: number }).r2 > 0.99);
      const logs = (await b.store.getJobLogs(job.id)).map((l) => l.line);
      assert.ok(logs.some((l) => l.startsWith('started on worker pid')));
    } finally {
      await b.runner.stop();
      await b.store.close();
    }
  });

  it('requeues a job that was running when the runner stopped, and cancels queued jobs at once', async () => {
    const home = mkdtempSync(join(tmpdir(), 'neutrino-queue-'));
    const a = await openJobs(home);
    await a.datasets.create(a.ws.id, 'line', Readable.from([csv]), 'line.csv');
    await a.runner.start();
    const slow = await a.jobs.submitTraining(a.ws.id, {
      dataset: 'line',
      target: 'y',
      algorithm: 'linear_regression',
      model: 'slow',
      params: { solver: 'sgd', epochs: 200000, batch_size: 1 },
    });
    await until(
      () => a.store.getJob(a.ws.id, slow.id),
      (j) => j!.status === 'running',
    );
    const waiting = await a.jobs.submitTraining(a.ws.id, {
      dataset: 'line',
      target: 'y',
      algorithm: 'linear_regression',
      model: 'w',
    });
    assert.equal((await a.jobs.cancel(a.ws.id, waiting.id)).status, 'cancelled');
    await a.runner.stop();
    assert.equal((await a.store.getJob(a.ws.id, slow.id))?.status, 'running', 'left as it was by the stop');
    assert.equal(await a.store.requeueRunningJobs(3), 1);
    assert.equal((await a.store.getJob(a.ws.id, slow.id))?.status, 'queued');
    assert.equal(
      (await a.store.getJob(a.ws.id, waiting.id))?.status,
      'cancelled',
      'a cancelled job stays cancelled',
    );
    await a.store.close();
  });
  it('carries a preprocessing spec to the worker, and refuses a bad one before queueing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'neutrino-queue-'));
    const a = await openJobs(home);
    const withNote =
      'x,note,y\n' +
      Array.from({ length: 60 }, (_, i) => `${i / 10},n${i},${(3 * i) / 10 + 2}`).join('\n') +
      '\n';
    await a.datasets.create(a.ws.id, 'noted', Readable.from([withNote]), 'noted.csv');
    const submit = (preprocessing: Record<string, unknown>) =>
      a.jobs.submitTraining(a.ws.id, {
        dataset: 'noted',
        target: 'y',
        algorithm: 'linear_regression',
        model: 'noted',
        preprocessing,
      });
    const refused = (c: string, msg: RegExp) => (e: unknown) =>
      e instanceof NeutrinoError && e.code === c && e.status === 400 && msg.test(e.message);
    await assert.rejects(
      submit({ numeric: ['scale'] }),
      refused('invalid_preprocessing', /unknown step 'scale'/),
    );
    await assert.rejects(submit({ columns: { nope: 'drop' } }), refused('unknown_column', /nope/));
    await assert.rejects(submit({ columns: { y: 'drop' } }), refused('invalid_preprocessing', /target/));
    assert.equal((await a.store.listJobs(a.ws.id)).length, 0, 'nothing queued');

    await a.runner.start();
    try {
      const job = await submit({ numeric: ['robust_scale'], columns: { note: 'drop' } });
      const done = await until(
        () => a.store.getJob(a.ws.id, job.id),
        (j) => j!.status !== 'queued' && j!.status !== 'running',
      );
      assert.equal(done!.status, 'succeeded', done!.error ?? '');
      assert.deepEqual((done!.spec as { preprocessing: unknown }).preprocessing, {
        numeric: ['robust_scale'],
        columns: { note: 'drop' },
      });
      const model = await a.registry.get(a.ws.id, 'noted');
      assert.deepEqual(
        (model.signature.features as { name: string }[]).map((f) => f.name),
        ['x'],
      );
      const logs = (await a.store.getJobLogs(job.id)).map((l) => l.line);
      assert.ok(
        logs.some((l) => l === 'preprocessing: x (numeric: robust_scale); dropped note'),
        logs.join('\n'),
      );
    } finally {
      await a.runner.stop();
      await a.store.close();
    }
  });
});

describe('cross-validation jobs', () => {
  it('read the dataset version pinned at submit, report each fold, and store per-fold metrics with their mean and std', async () => {
    const home = mkdtempSync(join(tmpdir(), 'neutrino-cv-'));
    const a = await openJobs(home);
    await a.datasets.create(a.ws.id, 'line', Readable.from([csv]), 'line.csv');
    const job = await a.jobs.submitCrossValidation(a.ws.id, {
      dataset: 'line',
      target: 'y',
      algorithm: 'linear_regression',
      folds: 4,
      seed: 3,
    });
    assert.equal(job.kind, 'cv');
    assert.deepEqual(job.spec.dataset, { name: 'line', version: 1 });
    assert.equal(job.spec.strategy, 'kfold', 'a numeric target defaults to kfold');
    // A newer version after the submit must not change what the job reads.
    const v2 = 'x,y\n' + Array.from({ length: 30 }, (_, i) => `${i},${-i}`).join('\n') + '\n';
    assert.equal(
      (await a.datasets.create(a.ws.id, 'line', Readable.from([v2]), 'v2.csv')).dataset.version,
      2,
    );
    await a.runner.start();
    try {
      const done = await until(
        () => a.store.getJob(a.ws.id, job.id),
        (j) => j!.status !== 'queued' && j!.status !== 'running',
      );
      assert.equal(done!.status, 'succeeded', done!.error ?? '');
      const r = done!.result as unknown as CvOutcome;
      assert.equal(r.strategy, 'kfold');
      assert.equal(r.task, 'regression');
      assert.equal(r.metric, 'r2');
      assert.deepEqual(
        r.folds.map((f) => f.fold),
        [1, 2, 3, 4],
      );
      assert.deepEqual(
        r.folds.map((f) => f.rows),
        Array(4).fill({ train: 45, test: 15 }),
        'the 60 rows of version 1, not the 30 of version 2',
      );
      const r2 = r.folds.map((f) => f.metrics.r2 as number);
      assert.ok(
        r2.every((v) => v > 0.99),
        `y = 3x + 2 exactly: ${r2}`,
      );
      const mean = r2.reduce((s, v) => s + v, 0) / r2.length;
      assert.ok(Math.abs(r.mean.r2 - mean) < 1e-12, `${r.mean.r2} vs ${mean}`);
      const std = Math.sqrt(r2.reduce((s, v) => s + (v - mean) ** 2, 0) / r2.length);
      assert.ok(Math.abs(r.std.r2 - std) < 1e-12);
      assert.ok(r.timings.cv_s > 0 && r.timings.load_s >= 0);
      assert.ok(r.folds.every((f) => f.fit_s >= 0));
      assert.deepEqual(done!.progress, {
        fraction: 1,
        foldsDone: 4,
        foldsTotal: 4,
        fold: 4,
        metric: 'r2',
        value: r.folds.find((f) => f.fold === 4)!.metrics.r2,
      });
      const logs = (await a.store.getJobLogs(job.id)).map((l) => l.line);
      assert.ok(logs.includes('loading dataset line@1'), logs.join('\n'));
      for (let k = 1; k <= 4; k++)
        assert.ok(
          logs.some((l) => l.startsWith(`fold ${k}/4: train 45 rows, test 15 rows`) && / r2=/.test(l)),
          logs.join('\n'),
        );
      assert.equal((await a.registry.list(a.ws.id)).length, 0, 'cross-validation registers no model');
    } finally {
      await a.runner.stop();
      await a.store.close();
    }
  });

  it('cancel stops a running cross-validation promptly', async () => {
    const home = mkdtempSync(join(tmpdir(), 'neutrino-cv-'));
    const a = await openJobs(home);
    await a.datasets.create(a.ws.id, 'line', Readable.from([csv]), 'line.csv');
    await a.runner.start();
    try {
      const job = await a.jobs.submitCrossValidation(a.ws.id, {
        dataset: 'line',
        target: 'y',
        algorithm: 'linear_regression',
        params: { solver: 'sgd', epochs: 200000, batch_size: 1 },
      });
      // The first progress report follows this log line, so it may not be stored yet: wait for it too.
      await until(
        () => a.store.getJobLogs(job.id),
        (logs) => logs.some((l) => l.line.includes('cross-validating linear_regression on 5 kfold folds')),
      );
      const running = await until(
        () => a.store.getJob(a.ws.id, job.id),
        (j) => j!.progress !== null,
      );
      assert.equal(running!.progress!.foldsDone, 0);
      const t0 = Date.now();
      await a.jobs.cancel(a.ws.id, job.id);
      const done = await until(
        () => a.store.getJob(a.ws.id, job.id),
        (j) => j!.status !== 'running',
      );
      assert.equal(done!.status, 'cancelled');
      assert.equal(done!.result, null);
      assert.ok(Date.now() - t0 < 5000, 'stops promptly');
    } finally {
      await a.runner.stop();
      await a.store.close();
    }
  });

  it('fail a job whose order column turns out unreadable in the worker, with its reason, not a crash', async () => {
    const home = mkdtempSync(join(tmpdir(), 'neutrino-cv-'));
    const a = await openJobs(home);
    // min and max of 't' read as date-times, so the submit accepts it; a row in between does not.
    const rows = Array.from({ length: 40 }, (_, i) => {
      const t =
        i === 20 ? '2020-01-15 not a time' : `2020-01-${String(1 + (i % 28)).padStart(2, '0')} 00:00:00`;
      return `${t},${i},${2 * i + 1}`;
    });
    await a.datasets.create(a.ws.id, 'timed', Readable.from(['t,x,y\n' + rows.join('\n') + '\n']), 't.csv');
    const job = await a.jobs.submitCrossValidation(a.ws.id, {
      dataset: 'timed',
      target: 'y',
      algorithm: 'linear_regression',
      strategy: 'time_series',
      orderBy: 't',
      folds: 3,
      preprocessing: { columns: { t: 'drop' } },
    });
    await a.runner.start();
    try {
      const done = await until(
        () => a.store.getJob(a.ws.id, job.id),
        (j) => j!.status !== 'queued' && j!.status !== 'running',
      );
      assert.equal(done!.status, 'failed');
      assert.match(done!.error!, /'t' has a missing or unreadable value in row 20/);
      assert.doesNotMatch(done!.error!, /crashed/);
    } finally {
      await a.runner.stop();
      await a.store.close();
    }
  });
});
