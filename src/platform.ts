import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { NeutrinoError } from './core/errors.js';
import { newId, now } from './core/ids.js';
import { NEUTRINO_VERSION } from './core/version.js';
import { buildApp } from './api/app.js';
import { hashToken, newToken } from './api/auth.js';
import { DatasetService } from './data/datasets.js';
import { JobRunner } from './jobs/runner.js';
import { JobService } from './jobs/service.js';
import { ModelRegistry } from './registry/registry.js';
import { DeploymentService } from './serving/deployments.js';
import { ReplicaManager } from './serving/manager.js';
import { LocalArtifactStore } from './storage/artifacts/local.js';
import { SqliteStore } from './storage/metadata/sqlite.js';
import type { MetadataStore } from './storage/metadata/store.js';

export interface PlatformOptions {
  home?: string;
  port?: number;
  host?: string;
  noAuth?: boolean;
  workers?: number;
  logLevel?: string;
  maxUploadBytes?: number;
}

export const defaultHome = () => process.env.NEUTRINO_HOME ?? join(homedir(), '.neutrino');

/**
 * The embedded platform: SQLite metadata, artifacts on local disk, jobs in worker processes,
 * deployments as replica processes, all under one home folder, behind one HTTP API.
 */
export class Platform {
  private constructor(
    readonly home: string,
    readonly app: FastifyInstance,
    readonly url: string,
    /** Set on the very first start only: the admin token, which is never stored in clear. */
    readonly adminToken: string | null,
    /** A token valid only while this process runs and never stored: for callers inside it. */
    readonly processToken: string,
    private readonly store: MetadataStore,
    private readonly runner: JobRunner,
    private readonly manager: ReplicaManager,
    private readonly log: Logger,
  ) {}

  static async start(o: PlatformOptions = {}): Promise<Platform> {
    const home = o.home ?? defaultHome();
    await mkdir(home, { recursive: true });
    await takeLock(home);
    const log = pino({ level: o.logLevel ?? process.env.NEUTRINO_LOG_LEVEL ?? 'warn' });
    const tmp = join(home, 'tmp');
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });

    const store = new SqliteStore(join(home, 'metadata.db'));
    await store.migrate();
    const artifacts = new LocalArtifactStore(join(home, 'artifacts'));
    await artifacts.init();
    const workspace = await store.ensureWorkspace('default');
    let adminToken: string | null = null;
    if ((await store.countTokens()) === 0) {
      adminToken = newToken();
      await store.createToken({
        id: newId('tok'),
        workspaceId: workspace.id,
        name: 'admin',
        role: 'admin',
        tokenHash: hashToken(adminToken),
        createdAt: now(),
      });
    }

    const registry = new ModelRegistry(store, artifacts, NEUTRINO_VERSION);
    const datasets = new DatasetService(store, artifacts, tmp, o.maxUploadBytes ?? 2 * 1024 ** 3);
    const runner = new JobRunner(store, artifacts, registry, tmp, log, o.workers ?? 1);
    const manager = new ReplicaManager(
      log,
      (id, status, error) => void store.updateDeployment(id, { status, error }),
    );
    const deployments = new DeploymentService(store, registry, artifacts, manager);
    const jobs = new JobService(store, datasets, runner);

    const processToken = newToken();
    const app = await buildApp(
      {
        store,
        datasets,
        jobs,
        registry,
        deployments,
        noAuth: !!o.noAuth,
        defaultWorkspaceId: workspace.id,
        processTokenHash: hashToken(processToken),
        version: NEUTRINO_VERSION,
        startedAt: now(),
      },
      log,
    );
    // What was deployed before the stop is served again before the API answers.
    await Promise.all(
      (await store.listDeployments()).filter((d) => d.status !== 'stopped').map((d) => deployments.launch(d)),
    );
    await runner.start();
    let url: string;
    try {
      url = await app.listen({ port: o.port ?? 8080, host: o.host ?? '127.0.0.1' });
    } catch (e) {
      await runner.stop();
      await manager.stopAll();
      await store.close();
      await releaseLock(home);
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EADDRINUSE')
        throw new NeutrinoError('port_in_use', `port ${o.port} is in use: pick another with --port`);
      throw e;
    }
    return new Platform(
      home,
      app,
      url.replace('[::1]', 'localhost'),
      adminToken,
      processToken,
      store,
      runner,
      manager,
      log,
    );
  }

  /** Graceful stop: no new requests, workers and replicas stopped, the store closed. */
  async stop(): Promise<void> {
    await this.app.close();
    await this.runner.stop();
    await this.manager.stopAll();
    await this.store.close();
    await releaseLock(this.home);
  }
}

async function takeLock(home: string): Promise<void> {
  const lock = join(home, 'platform.pid');
  try {
    const pid = Number((await readFile(lock, 'utf8')).trim());
    if (pid && pid !== process.pid && alive(pid))
      throw new NeutrinoError(
        'home_in_use',
        `another platform (pid ${pid}) is running on ${home}; stop it or use another --home`,
      );
  } catch (e) {
    if (e instanceof NeutrinoError) throw e;
  }
  await writeFile(lock, String(process.pid));
}

async function releaseLock(home: string): Promise<void> {
  await rm(join(home, 'platform.pid'), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
