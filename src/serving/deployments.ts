import { badRequest, conflict, NeutrinoError, notFound, errorMessage } from '../core/errors.js';
import { newId, now } from '../core/ids.js';
import { parseRef } from '../core/refs.js';
import type { ModelRegistry } from '../registry/registry.js';
import type { ArtifactStore } from '../storage/artifacts/store.js';
import type { Deployment, MetadataStore } from '../storage/metadata/store.js';
import type { ReplicaManager } from './manager.js';
import { Agent, request } from 'node:http';

/** Kept-alive loopback connections to the replicas: no TCP handshake per prediction. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function postJson(port: number, path: string, payload: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (e) =>
      reject(new NeutrinoError('replica_unavailable', `the replica did not answer: ${e.message}`, 503)),
    );
    req.end(payload);
  });
}

/**
 * Deployments: a named endpoint serving one model version from replica processes.
 * The platform's gateway forwards predictions to a ready replica.
 */
export class DeploymentService {
  constructor(
    private readonly store: MetadataStore,
    private readonly registry: ModelRegistry,
    private readonly artifacts: ArtifactStore,
    private readonly manager: ReplicaManager,
  ) {}

  async create(workspaceId: string, name: string, modelRef: string, replicas = 1): Promise<Deployment> {
    parseRef(name, 'deployment');
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 16)
      throw badRequest('invalid_replicas', 'replicas must be a whole number from 1 to 16');
    const model = await this.registry.get(workspaceId, modelRef);
    if (await this.store.getDeployment(workspaceId, name))
      throw conflict(
        'already_exists',
        `deployment '${name}' already exists; remove it first or pick another name`,
      );
    const t = now();
    const d: Deployment = {
      id: newId('dep'),
      workspaceId,
      name,
      modelName: model.name,
      modelVersion: model.version,
      replicas,
      status: 'starting',
      error: null,
      createdAt: t,
      updatedAt: t,
    };
    await this.store.createDeployment(d);
    await this.launch(d);
    return (await this.store.getDeployment(workspaceId, name))!;
  }

  /** Starts a deployment's replicas and records the outcome; used at creation and at platform start. */
  async launch(d: Deployment): Promise<void> {
    try {
      const model = await this.registry.get(d.workspaceId, `${d.modelName}@${d.modelVersion}`);
      await this.manager.start({
        deploymentId: d.id,
        name: d.name,
        modelPath: await this.artifacts.localPath(model.artifact),
        modelVersion: d.modelVersion,
        replicas: d.replicas,
      });
      await this.store.updateDeployment(d.id, { status: 'running', error: null });
    } catch (e) {
      await this.store.updateDeployment(d.id, { status: 'failed', error: errorMessage(e) });
    }
  }

  async get(workspaceId: string, name: string): Promise<Deployment> {
    const d = await this.store.getDeployment(workspaceId, name);
    if (!d) throw notFound('deployment', name);
    return d;
  }

  list(workspaceId: string) {
    return this.store.listDeployments(workspaceId);
  }

  async remove(workspaceId: string, name: string): Promise<Deployment> {
    const d = await this.get(workspaceId, name);
    await this.manager.stop(d.id);
    await this.store.deleteDeployment(d.id);
    return d;
  }

  readyReplicas(d: Deployment): number {
    return this.manager.readyReplicas(d.id);
  }

  /**
   * Forwards a request body to a ready replica and returns its status and JSON reply as
   * text, passed through unparsed: the gateway adds no serialization work of its own.
   */
  async forward(
    workspaceId: string,
    name: string,
    path: '/predict' | '/infer',
    body: unknown,
  ): Promise<{ status: number; body: string }> {
    const d = await this.get(workspaceId, name);
    const port = this.manager.endpoint(d.id);
    if (port === null)
      throw new NeutrinoError(
        'not_ready',
        `deployment '${name}' has no ready replica (status: ${d.status}${d.error ? `: ${d.error}` : ''})`,
        503,
      );
    return postJson(port, path, JSON.stringify(body));
  }
}
