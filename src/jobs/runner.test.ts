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
import { pino } from 'pino';
import { NeutrinoError } from '../core/errors.js';
import { DatasetService } from '../data/datasets.js';
import { ModelRegistry } from '../registry/registry.js';
import { LocalArtifactStore } from '../storage/artifacts/local.js';
import { SqliteStore } from '../storage/metadata/sqlite.js';
import { JobRunner } from './runner.js';
import { JobService } from './service.js';

async function open(home: string) {
  const store = new SqliteStore(join(home, 'meta.db'));
  await store.migrate();
  const artifacts = new LocalArtifactStore(join(home, 'artifacts'));
  await artifacts.init();
  const ws = await store.ensureWorkspace('default');
  const registry = new ModelRegistry(store, artifacts, 'test');
  const datasets = new DatasetService(store, artifacts, home, 1e9);
  const runner = new JobRunner(store, artifacts, registry, home, pino({ level: 'silent' }), 1);
  const jobs = new JobService(store, datasets, runner);
  return { store, artifacts, ws, registry, datasets, runner, jobs };
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const csv = 'x,y\n' + Array.from({ length: 60 }, (_, i) => `${i / 10},${(3 * i) / 10 + 2}`).join('\n') + '\n';

describe('job runner and its durable queue', () => {
  it('runs a job queued before a restart after it, and registers the model', async () => {
    const home = mkdtempSync(join(tmpdir(), 'neutrino-queue-'));
    const a = await open(home);
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

    const b = await open(home);
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
    const a = await open(home);
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
    const a = await open(home);
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
