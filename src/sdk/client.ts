import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type {
  CvJob,
  CvRequest,
  Dataset,
  Deployment,
  Job,
  Model,
  PredictResponse,
  TrainJob,
  TrainRequest,
} from './types.js';

export * from './types.js';

/** An error the platform answered with (or could not answer at all: code `unreachable`). */
export class NeutrinoApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NeutrinoApiError';
  }
}

export interface ClientOptions {
  url: string;
  token?: string | null;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** The typed TypeScript client of the Neutrino REST API. The CLI is built on it. */
export class NeutrinoClient {
  readonly url: string;
  private readonly token: string | null;

  constructor(o: ClientOptions) {
    this.url = o.url.replace(/\/+$/, '');
    this.token = o.token ?? null;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const h: Record<string, string> = { ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    let payload: unknown;
    if (body instanceof Readable) payload = Readable.toWeb(body);
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(this.url + path, {
        method,
        headers: h,
        body: payload as RequestInit['body'],
        duplex: 'half',
      } as RequestInit);
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new NeutrinoApiError(
        0,
        'unreachable',
        `cannot reach Neutrino at ${this.url}${cause ? ` (${cause})` : ''}: is \`neutrino up\` running?`,
      );
    }
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // a non-JSON answer is reported below with its status
    }
    if (!res.ok) {
      const err = json?.error;
      throw new NeutrinoApiError(
        res.status,
        err?.code ?? `http_${res.status}`,
        err?.message ?? `HTTP ${res.status}: ${text.slice(0, 200)}`,
      );
    }
    return json as T;
  }

  health() {
    return this.request<{ status: string; version: string }>('GET', '/healthz');
  }

  /** Uploads a CSV (a path, bytes or a stream), streamed; the same bytes again return the existing version. */
  async createDataset(
    name: string,
    source: string | Buffer | Readable,
    filename?: string,
  ): Promise<{ created: boolean; dataset: Dataset }> {
    let body: Readable;
    if (typeof source === 'string') {
      await stat(source).catch(() => {
        throw new NeutrinoApiError(0, 'file_not_found', `cannot read ${source}: no such file`);
      });
      body = createReadStream(source);
      filename ??= basename(source);
    } else body = Buffer.isBuffer(source) ? Readable.from([source]) : source;
    const q = filename ? `?filename=${encodeURIComponent(filename)}` : '';
    return this.request('POST', `/v1/datasets/${encodeURIComponent(name)}${q}`, body, {
      'content-type': 'text/csv',
    });
  }

  async listDatasets(): Promise<Dataset[]> {
    return (await this.request<{ datasets: Dataset[] }>('GET', '/v1/datasets')).datasets;
  }

  getDataset(ref: string, preview = 10) {
    return this.request<{ dataset: Dataset; versions: number[]; preview: Record<string, unknown>[] }>(
      'GET',
      `/v1/datasets/${encodeURIComponent(ref)}?preview=${preview}`,
    );
  }

  train(r: TrainRequest): Promise<TrainJob> {
    return this.request('POST', '/v1/jobs/train', r);
  }

  /**
   * Queues a cross-validation job: the training recipe scored on k folds. Wait for it with
   * waitForJob; its result holds each fold's metrics and their mean and standard deviation.
   */
  crossValidate(r: CvRequest): Promise<CvJob> {
    return this.request('POST', '/v1/jobs/cv', r);
  }

  async listJobs(limit = 100): Promise<Job[]> {
    return (await this.request<{ jobs: Job[] }>('GET', `/v1/jobs?limit=${limit}`)).jobs;
  }

  getJob(id: string): Promise<Job> {
    return this.request('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  async jobLogs(id: string, after = 0) {
    return (
      await this.request<{ logs: { seq: number; at: string; line: string }[] }>(
        'GET',
        `/v1/jobs/${encodeURIComponent(id)}/logs?after=${after}`,
      )
    ).logs;
  }

  cancelJob(id: string): Promise<Job> {
    return this.request('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`);
  }

  /**
   * Polls until the job finishes, calling onUpdate with each state seen. Given the job itself
   * (as train or crossValidate return it) rather than its id, the result keeps its kind's type.
   */
  waitForJob(id: string, onUpdate?: (j: Job) => void, intervalMs?: number): Promise<Job>;
  waitForJob<J extends Job>(job: J, onUpdate?: (j: J) => void, intervalMs?: number): Promise<J>;
  async waitForJob(job: string | Job, onUpdate?: (j: Job) => void, intervalMs = 250): Promise<Job> {
    const id = typeof job === 'string' ? job : job.id;
    for (;;) {
      const j = await this.getJob(id);
      onUpdate?.(j);
      if (FINISHED.has(j.status)) return j;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  async listModels(): Promise<Model[]> {
    return (await this.request<{ models: Model[] }>('GET', '/v1/models')).models;
  }

  getModel(ref: string) {
    return this.request<{ model: Model; versions: number[] }>('GET', `/v1/models/${encodeURIComponent(ref)}`);
  }

  modelDocument(ref: string) {
    return this.request<Record<string, unknown>>('GET', `/v1/models/${encodeURIComponent(ref)}/document`);
  }

  deploy(name: string, model: string, replicas = 1): Promise<Deployment> {
    return this.request('POST', '/v1/deployments', { name, model, replicas });
  }

  async listDeployments(): Promise<Deployment[]> {
    return (await this.request<{ deployments: Deployment[] }>('GET', '/v1/deployments')).deployments;
  }

  getDeployment(name: string): Promise<Deployment> {
    return this.request('GET', `/v1/deployments/${encodeURIComponent(name)}`);
  }

  deleteDeployment(name: string): Promise<Deployment> {
    return this.request('DELETE', `/v1/deployments/${encodeURIComponent(name)}`);
  }

  predict(deployment: string, rows: Record<string, unknown>[]): Promise<PredictResponse> {
    return this.request('POST', `/v1/deployments/${encodeURIComponent(deployment)}/predict`, { rows });
  }

  /** Open Inference Protocol v2. */
  modelMetadata(deployment: string) {
    return this.request<Record<string, unknown>>('GET', `/v2/models/${encodeURIComponent(deployment)}`);
  }

  infer(
    deployment: string,
    request: { inputs: { name: string; shape: number[]; datatype: string; data: unknown[] }[]; id?: string },
  ) {
    return this.request<{ outputs: { name: string; shape: number[]; datatype: string; data: unknown[] }[] }>(
      'POST',
      `/v2/models/${encodeURIComponent(deployment)}/infer`,
      request,
    );
  }
}
