import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { errorMessage } from '../core/errors.js';
import { now } from '../core/ids.js';
import { isUnsupervisedTask } from '../ml/frame.js';
import { siblingModule } from '../core/modules.js';
import type { ArtifactStore } from '../storage/artifacts/store.js';
import type { Job, MetadataStore } from '../storage/metadata/store.js';
import type { ModelRegistry } from '../registry/registry.js';
import type { CvSpec, FromWorker, ToWorker, TrainOutcome, TrainSpec } from './messages.js';
import { childEnv } from '../core/child-env.js';

/** How long a cancelled worker gets to stop on its own before it is killed. */
const CANCEL_GRACE_MS = 3000;

interface Running {
  job: Job;
  child: ChildProcess;
  cancelTimer?: NodeJS.Timeout;
}

/**
 * Runs queued jobs in worker processes, `concurrency` at a time. The queue is the jobs
 * table itself, so it survives restarts: jobs left running by a stop are queued again.
 * The API's event loop only moves messages; all the numeric work happens in workers.
 */
export class JobRunner {
  private running = new Map<string, Running>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private stopping = false;
  private pumping = false;

  constructor(
    private readonly store: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly registry: ModelRegistry,
    private readonly tmpDir: string,
    private readonly log: Logger,
    private readonly concurrency = 1,
  ) {}

  async start(): Promise<void> {
    const n = await this.store.requeueRunningJobs(3);
    if (n) this.log.info({ jobs: n }, 'jobs interrupted by the last stop are queued again');
    this.started = true;
    this.timer = setInterval(() => this.poke(), 1000);
    this.poke();
  }

  /** Called when a job is queued, so it starts without waiting for the next tick. */
  poke(): void {
    if (this.started && !this.stopping && !this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (!this.stopping && this.running.size < this.concurrency) {
        const job = await this.store.claimNextJob();
        if (!job) break;
        await this.launch(job);
      }
    } catch (e) {
      this.log.error({ err: e }, 'job runner could not claim a job');
    } finally {
      this.pumping = false;
    }
  }

  private async launch(job: Job): Promise<void> {
    const spec = job.spec as unknown as TrainSpec;
    const fail = (error: string) => this.finish(job, { status: 'failed', error });
    // Both kinds pin a dataset version in their spec; only training may name a test dataset.
    const testRef = job.kind === 'train' ? spec.testDataset : null;
    const ds = await this.store.getDatasetVersion(job.workspaceId, spec.dataset.name, spec.dataset.version);
    const test = testRef
      ? await this.store.getDatasetVersion(job.workspaceId, testRef.name, testRef.version)
      : null;
    if (!ds || (testRef && !test)) return fail('a dataset this job reads no longer exists');
    let dataPath: string, testDataPath: string | null;
    try {
      dataPath = await this.artifacts.localPath(ds.artifact);
      testDataPath = test ? await this.artifacts.localPath(test.artifact) : null;
    } catch (e) {
      return fail(`cannot read the dataset: ${errorMessage(e)}`);
    }
    const outPath = join(this.tmpDir, `${job.id}.model.json`);
    const child = fork(siblingModule(import.meta.url, './worker.js'), [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: childEnv(),
    });
    const entry: Running = { job, child };
    this.running.set(job.id, entry);
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    let settled = false;
    const settle = async (patch: Parameters<JobRunner['finish']>[1], outcome?: TrainOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(entry.cancelTimer);
      this.running.delete(job.id);
      if (outcome) {
        try {
          const model = await this.registry.register(job.workspaceId, spec.model, outcome.modelPath, {
            algorithm: spec.algorithm,
            task: outcome.task,
            metrics: outcome.metrics,
            jobId: job.id,
            signature: outcome.signature,
            lineage: {
              dataset: spec.dataset,
              test_dataset: spec.testDataset,
              // Clustering and anomaly detection predict no target: a named one only scored them.
              ...(isUnsupervisedTask(outcome.task)
                ? { target: null, evaluated_against: spec.target }
                : { target: spec.target }),
              algorithm: spec.algorithm,
              params: spec.params,
              seed: spec.seed,
              test_fraction: spec.testFraction,
              validation_fraction: spec.validationFraction,
              job: job.id,
            },
          });
          patch = {
            status: 'succeeded',
            result: {
              model: { name: model.name, version: model.version },
              task: outcome.task,
              metrics: outcome.metrics,
              validation_metrics: outcome.validationMetrics,
              timings: outcome.timings,
              rows: outcome.rows,
            },
          };
        } catch (e) {
          patch = { status: 'failed', error: `could not register the model: ${errorMessage(e)}` };
        }
      }
      await rm(outPath, { force: true });
      await this.finish(job, patch);
      this.poke();
    };
    // The worker's reports reach the store one after another, in the order sent: a progress
    // write must not land after the final status (a networked store could reorder them).
    let reports = Promise.resolve();
    const inOrder = (write: () => Promise<unknown>) => {
      reports = reports.then(write).then(
        () => undefined,
        (e: unknown) => this.log.error({ err: e, job: job.id }, 'could not store a job report'),
      );
    };
    child.on('message', (m: FromWorker) => {
      if (this.stopping) return;
      switch (m.type) {
        case 'progress':
          return inOrder(() => this.store.updateJob(job.id, { progress: { ...m.progress } }));
        case 'log':
          return inOrder(() => this.store.appendJobLog(job.id, m.line));
        case 'done':
          return inOrder(() => settle({ status: 'succeeded' }, m.outcome));
        case 'cv_done':
          return inOrder(() => settle({ status: 'succeeded', result: { ...m.outcome } }));
        case 'failed':
          return inOrder(() => settle({ status: 'failed', error: m.error }));
        case 'cancelled':
          return inOrder(() => settle({ status: 'cancelled', error: null }));
      }
    });
    child.on('exit', (code, signal) => {
      if (this.stopping) return this.running.delete(job.id);
      if (entry.cancelTimer) return inOrder(() => settle({ status: 'cancelled', error: null }));
      const why =
        stderr.trim().split('\n').slice(-3).join(' ') || `worker exited with ${signal ?? `code ${code}`}`;
      inOrder(() => settle({ status: 'failed', error: `the worker crashed: ${why}` }));
    });
    const run: ToWorker =
      job.kind === 'cv'
        ? { type: 'run', kind: 'cv', jobId: job.id, spec: job.spec as unknown as CvSpec, dataPath }
        : { type: 'run', kind: 'train', jobId: job.id, spec, dataPath, testDataPath, outPath };
    child.send(run);
    await this.store.appendJobLog(job.id, `started on worker pid ${child.pid}`);
    // A cancel that arrived between the claim and the fork only set the flag: honour it now.
    const fresh = await this.store.getJob(job.workspaceId, job.id);
    if (fresh?.cancelRequested) this.cancelRunning(job.id);
  }

  private async finish(
    job: Job,
    patch: { status: Job['status']; error?: string | null; result?: Record<string, unknown> },
  ) {
    await this.store.updateJob(job.id, { ...patch, finishedAt: now() });
    await this.store.appendJobLog(
      job.id,
      patch.status === 'failed' ? `failed: ${patch.error}` : patch.status,
    );
  }

  /** Asks a running job's worker to stop; kills it if it has not within the grace period. */
  cancelRunning(jobId: string): boolean {
    const r = this.running.get(jobId);
    if (!r) return false;
    r.child.send({ type: 'cancel' } satisfies ToWorker);
    r.cancelTimer = setTimeout(() => r.child.kill('SIGKILL'), CANCEL_GRACE_MS);
    return true;
  }

  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /** Stops every worker. Their jobs stay `running` in the store and are queued again at the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all(
      [...this.running.values()].map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            // What the worker still says is dropped: its job is settled by the next start.
            child.removeAllListeners('message');
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 2000).unref();
          }),
      ),
    );
    this.running.clear();
  }
}
