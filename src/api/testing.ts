/**
 * What the job route tests share: the API over a real job service, SQLite store and dataset
 * `d` in a fresh home, with the runner only counting the pokes it gets (no job runs).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { DatasetService } from '../data/datasets.js';
import type { JobRunner } from '../jobs/runner.js';
import { JobService } from '../jobs/service.js';
import { LocalArtifactStore } from '../storage/artifacts/local.js';
import { SqliteStore } from '../storage/metadata/sqlite.js';
import { buildApp } from './app.js';
import type { ApiContext } from './context.js';

/** The API with dataset `d` made of `csv`; `post` sends a JSON body to `url`. */
export async function jobsApi(csv: string, url: string) {
  const home = mkdtempSync(join(tmpdir(), 'neutrino-route-'));
  const store = new SqliteStore(join(home, 'meta.db'));
  await store.migrate();
  const artifacts = new LocalArtifactStore(join(home, 'artifacts'));
  await artifacts.init();
  const ws = await store.ensureWorkspace('default');
  const datasets = new DatasetService(store, artifacts, home, 1e9);
  await datasets.create(ws.id, 'd', Readable.from([csv]), 'd.csv');
  let pokes = 0;
  const runner = { poke: () => pokes++ } as unknown as JobRunner;
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
    store,
    ws,
    pokes: () => pokes,
    queued: async () => (await store.listJobs(ws.id)).length,
    post: (payload: Record<string, unknown>) => app.inject({ method: 'POST', url, payload }),
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
