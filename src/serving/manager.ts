import { fork, type ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import { NeutrinoError } from '../core/errors.js';
import { siblingModule } from '../core/modules.js';
import type { ReplicaMessage } from './replica.js';
import { childEnv } from '../core/child-env.js';

export interface ReplicaSpec {
  deploymentId: string;
  name: string;
  modelPath: string;
  modelVersion: number;
  replicas: number;
}

interface Replica {
  child: ChildProcess;
  port: number | null;
}

interface Group {
  spec: ReplicaSpec;
  replicas: Replica[];
  next: number;
  restarts: number[];
  stopped: boolean;
}

const READY_TIMEOUT_MS = 30_000;
/** A replica that crashes more often than this in a minute is left down and the deployment marked failed. */
const MAX_RESTARTS_PER_MINUTE = 5;

/**
 * Runs deployments as replica processes on this machine (the embedded shape) and keeps
 * them up: a replica that dies is started again. Kubernetes takes this role in a cluster.
 */
export class ReplicaManager {
  private groups = new Map<string, Group>();

  constructor(
    private readonly log: Logger,
    private readonly onStatus: (
      deploymentId: string,
      status: 'running' | 'starting' | 'failed',
      error: string | null,
    ) => void,
  ) {}

  /** Starts the replicas and resolves once every one is ready (or rejects with why not). */
  async start(spec: ReplicaSpec): Promise<void> {
    await this.stop(spec.deploymentId);
    const group: Group = { spec, replicas: [], next: 0, restarts: [], stopped: false };
    this.groups.set(spec.deploymentId, group);
    try {
      await Promise.all(Array.from({ length: spec.replicas }, () => this.spawn(group)));
    } catch (e) {
      await this.stop(spec.deploymentId);
      throw e;
    }
  }

  private spawn(group: Group): Promise<void> {
    const { spec } = group;
    const child = fork(
      siblingModule(import.meta.url, './replica.js'),
      [spec.modelPath, spec.name, String(spec.modelVersion)],
      { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: childEnv() },
    );
    const replica: Replica = { child, port: null };
    group.replicas.push(replica);
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-1000)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new NeutrinoError(
            'replica_timeout',
            `a replica of ${spec.name} did not become ready in ${READY_TIMEOUT_MS / 1000} s`,
            500,
          ),
        );
      }, READY_TIMEOUT_MS);
      child.on('message', (m: ReplicaMessage) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          replica.port = m.port;
          resolve();
        } else if (m.type === 'error') {
          clearTimeout(timer);
          reject(new NeutrinoError('replica_failed', m.error, 500));
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        group.replicas = group.replicas.filter((r) => r !== replica);
        if (replica.port === null) {
          reject(
            new NeutrinoError(
              'replica_failed',
              `a replica of ${spec.name} exited before it was ready: ${stderr.trim() || code}`,
              500,
            ),
          );
          return;
        }
        if (group.stopped) return;
        this.log.warn({ deployment: spec.name, code, signal }, 'replica exited; starting another');
        this.restart(group);
      });
    });
  }

  private restart(group: Group) {
    const t = Date.now();
    group.restarts = group.restarts.filter((r) => t - r < 60_000);
    if (group.restarts.length >= MAX_RESTARTS_PER_MINUTE) {
      this.onStatus(group.spec.deploymentId, 'failed', 'replicas keep crashing; see the platform log');
      return;
    }
    group.restarts.push(t);
    this.onStatus(group.spec.deploymentId, 'starting', null);
    this.spawn(group).then(
      () =>
        group.replicas.length >= group.spec.replicas &&
        this.onStatus(group.spec.deploymentId, 'running', null),
      (e) => this.onStatus(group.spec.deploymentId, 'failed', String(e.message)),
    );
  }

  /** The loopback port of a ready replica, round-robin; null when none is ready. */
  endpoint(deploymentId: string): number | null {
    const g = this.groups.get(deploymentId);
    const ready = g?.replicas.filter((r) => r.port !== null) ?? [];
    if (!g || !ready.length) return null;
    g.next = (g.next + 1) % ready.length;
    return ready[g.next].port;
  }

  readyReplicas(deploymentId: string): number {
    return this.groups.get(deploymentId)?.replicas.filter((r) => r.port !== null).length ?? 0;
  }

  async stop(deploymentId: string): Promise<void> {
    const g = this.groups.get(deploymentId);
    if (!g) return;
    g.stopped = true;
    this.groups.delete(deploymentId);
    await Promise.all(g.replicas.map((r) => stopChild(r.child)));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.groups.keys()].map((id) => this.stop(id)));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}
