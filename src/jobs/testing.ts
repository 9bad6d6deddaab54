/**
 * What the job tests share: a platform's job side on a real SQLite file and local artifacts in
 * a home directory (worker processes included), and polling until a condition holds.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { DatasetService } from '../data/datasets.js';
import { ModelRegistry } from '../registry/registry.js';
import { LocalArtifactStore } from '../storage/artifacts/local.js';
import { SqliteStore } from '../storage/metadata/sqlite.js';
import { JobRunner } from './runner.js';
import { JobService } from './service.js';

export async function openJobs(home: string) {
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

/** f() until ok(value), every 50 ms, failing after ms with the last value. */
export async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
