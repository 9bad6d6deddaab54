/**
 * One behavioural suite for every MetadataStore backend: SQLite now, PostgreSQL later.
 * A backend's test file calls `storeSuite(name, factory)`.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newId, now } from '../../core/ids.js';
import type { Job, MetadataStore } from './store.js';

export function storeSuite(
  name: string,
  open: () => Promise<MetadataStore>,
  reopen?: () => Promise<MetadataStore>,
) {
  describe(`metadata store: ${name}`, () => {
    let s: MetadataStore;
    before(async () => {
      s = await open();
      await s.migrate();
    });
    after(async () => s.close());

    it('migrates once: a second migrate applies nothing', async () => {
      assert.equal(await s.migrate(), 0);
    });

    it('creates a workspace once and finds it again', async () => {
      const a = await s.ensureWorkspace('default');
      const b = await s.ensureWorkspace('default');
      assert.equal(a.id, b.id);
      assert.deepEqual(await s.getWorkspace(a.id), a);
    });

    it('finds tokens by hash only', async () => {
      const ws = await s.ensureWorkspace('default');
      await s.createToken({
        id: newId('tok'),
        workspaceId: ws.id,
        name: 'admin',
        role: 'admin',
        tokenHash: 'h1',
        createdAt: now(),
      });
      assert.equal((await s.findTokenByHash('h1'))?.role, 'admin');
      assert.equal(await s.findTokenByHash('nope'), null);
      assert.equal(await s.countTokens(), 1);
    });

    it('numbers dataset versions per name and lists the newest', async () => {
      const ws = await s.ensureWorkspace('default');
      const base = {
        workspaceId: ws.id,
        name: 'iris',
        contentHash: 'a',
        artifact: 'k',
        sourceName: 'iris.csv',
        sizeBytes: 10,
        rowCount: 3,
        columns: [{ name: 'x', type: 'DOUBLE', kind: 'numeric' as const }],
        profile: {},
        createdAt: now(),
      };
      const v1 = await s.addDatasetVersion({ ...base, id: newId('ds') });
      const v2 = await s.addDatasetVersion({ ...base, id: newId('ds'), contentHash: 'b' });
      await s.addDatasetVersion({ ...base, id: newId('ds'), name: 'wine' });
      assert.equal(v1.version, 1);
      assert.equal(v2.version, 2);
      assert.equal((await s.getDatasetVersion(ws.id, 'iris'))?.contentHash, 'b');
      assert.equal((await s.getDatasetVersion(ws.id, 'iris', 1))?.contentHash, 'a');
      assert.equal(await s.getDatasetVersion(ws.id, 'iris', 9), null);
      assert.deepEqual(
        (await s.listDatasets(ws.id)).map((d) => `${d.name}@${d.version}`),
        ['iris@2', 'wine@1'],
      );
      assert.deepEqual((await s.getDatasetVersion(ws.id, 'iris', 1))?.columns, base.columns);
    });

    it('claims queued jobs oldest first, once each, and requeues running ones', async () => {
      const ws = await s.ensureWorkspace('default');
      const job = (id: string, createdAt: string): Job => ({
        id,
        workspaceId: ws.id,
        kind: 'train',
        status: 'queued',
        spec: { a: 1 },
        result: null,
        error: null,
        progress: null,
        cancelRequested: false,
        attempts: 0,
        createdAt,
        startedAt: null,
        finishedAt: null,
      });
      await s.createJob(job('j2', '2026-01-02T00:00:00Z'));
      await s.createJob(job('j1', '2026-01-01T00:00:00Z'));
      const first = await s.claimNextJob();
      assert.equal(first?.id, 'j1');
      assert.equal(first?.status, 'running');
      assert.equal(first?.attempts, 1);
      assert.equal((await s.claimNextJob())?.id, 'j2');
      assert.equal(await s.claimNextJob(), null);
      await s.updateJob('j2', { status: 'succeeded', result: { ok: true }, finishedAt: now() });
      assert.equal(await s.requeueRunningJobs(3), 1);
      assert.equal((await s.getJob(ws.id, 'j1'))?.status, 'queued');
      assert.deepEqual((await s.getJob(ws.id, 'j2'))?.result, { ok: true });
      assert.equal(await s.getJob('other-ws', 'j1'), null, 'jobs are scoped to their workspace');
      await s.appendJobLog('j1', 'hello');
      await s.appendJobLog('j1', 'world');
      assert.deepEqual(
        (await s.getJobLogs('j1')).map((l) => l.line),
        ['hello', 'world'],
      );
      assert.deepEqual(
        (await s.getJobLogs('j1', 1)).map((l) => l.line),
        ['world'],
      );
    });

    it('versions models and keeps deployments by name', async () => {
      const ws = await s.ensureWorkspace('default');
      const m = {
        id: newId('mdl'),
        workspaceId: ws.id,
        name: 'm',
        artifact: 'k',
        algorithm: 'linear_regression',
        task: 'regression',
        metrics: { rmse: 1 },
        lineage: {},
        signature: {},
        jobId: null,
        createdAt: now(),
      };
      assert.equal((await s.addModelVersion(m)).version, 1);
      assert.equal((await s.addModelVersion({ ...m, id: newId('mdl') })).version, 2);
      assert.equal((await s.getModelVersion(ws.id, 'm'))?.version, 2);
      assert.deepEqual((await s.getModelVersion(ws.id, 'm', 1))?.metrics, { rmse: 1 });
      const d = {
        id: newId('dep'),
        workspaceId: ws.id,
        name: 'd',
        modelName: 'm',
        modelVersion: 2,
        replicas: 1,
        status: 'starting' as const,
        error: null,
        createdAt: now(),
        updatedAt: now(),
      };
      await s.createDeployment(d);
      await assert.rejects(s.createDeployment({ ...d, id: newId('dep') }), 'names are unique per workspace');
      await s.updateDeployment(d.id, { status: 'running' });
      assert.equal((await s.getDeployment(ws.id, 'd'))?.status, 'running');
      await s.deleteDeployment(d.id);
      assert.equal(await s.getDeployment(ws.id, 'd'), null);
    });

    if (reopen)
      it('keeps everything across a reopen', async () => {
        await s.close();
        s = await reopen();
        await s.migrate();
        const ws = await s.ensureWorkspace('default');
        assert.equal((await s.getDatasetVersion(ws.id, 'iris'))?.version, 2);
        assert.equal((await s.getModelVersion(ws.id, 'm'))?.version, 2);
      });
  });
}
