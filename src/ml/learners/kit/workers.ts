import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CancelledError, NeutrinoError } from '../../../core/errors.js';

/**
 * Starts a worker thread on a module beside the caller. Under tsx (tests and scripts run from
 * src/) a worker does not inherit the TypeScript loader, so it registers tsx before importing
 * the .ts module; compiled (dist/) it loads the .js module directly.
 */
export function startWorker(callerUrl: string, baseName: string, workerData: unknown): Worker {
  if (callerUrl.endsWith('.ts')) {
    const target = new URL(`./${baseName}.ts`, callerUrl).href;
    const api = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); })`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(new URL(`./${baseName}.js`, callerUrl), { workerData });
}

/** How many threads to use: `n_jobs` when given (-1 or null: every core). */
export function threadCount(nJobs: number | null | undefined): number {
  const cores = Math.max(1, availableParallelism());
  if (nJobs === null || nJobs === undefined || nJobs < 1) return cores;
  return Math.min(nJobs, cores);
}

/** A shared-memory copy of a typed array, so that worker threads read it without copying. */
export function shared<T extends Float64Array | Int32Array | Uint8Array | Uint16Array | Uint32Array>(
  a: T,
): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const C = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new C(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/** A worker's answer to a task that threw: enough to raise the same error in the caller. */
export interface ThreadFailure {
  id: number;
  error: { code: string | null; status: number; message: string };
}

/** What a worker sends back when a task throws (NeutrinoError keeps its code and status). */
export function threadFailure(id: number, e: unknown): ThreadFailure {
  return {
    id,
    error: {
      code: e instanceof NeutrinoError ? e.code : null,
      status: e instanceof NeutrinoError ? e.status : 500,
      message: e instanceof Error ? e.message : String(e),
    },
  };
}

/**
 * Runs tasks on `threads` fresh worker threads (module `baseName` beside the caller, which
 * answers each {id, ...task} message with {id, ...result}, or with threadFailure(id, e)), one
 * task per worker at a time so that uneven tasks balance, results in task order. A failed task,
 * a crashed worker or an abort terminates every worker and rejects (abort: CancelledError).
 */
export function runOnThreads<T extends { id: number }, R extends { id: number }>(
  callerUrl: string,
  baseName: string,
  workerData: unknown,
  tasks: T[],
  threads: number,
  signal: AbortSignal | undefined,
  onResult?: (r: R, done: number) => void,
): Promise<R[]> {
  return new Promise((resolve, reject) => {
    const out = new Array<R>(tasks.length);
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(out);
    };
    const onAbort = () => finish(new CancelledError('cancelled by request'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (tasks.length === 0) return finish();
    const byId = new Map(tasks.map((t, i) => [t.id, i]));
    for (let k = 0; k < Math.min(threads, tasks.length); k++) {
      const w = startWorker(callerUrl, baseName, workerData);
      workers.push(w);
      const feed = () => {
        if (next < tasks.length) w.postMessage(tasks[next++]);
      };
      w.on('message', (r: R | ThreadFailure) => {
        if ('error' in r && r.error && typeof r.error === 'object') {
          const { code, status, message } = (r as ThreadFailure).error;
          return finish(code ? new NeutrinoError(code, message, status) : new Error(message));
        }
        out[byId.get(r.id)!] = r as R;
        done++;
        onResult?.(r as R, done);
        if (done === tasks.length) finish();
        else feed();
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => {
        if (!settled && code !== 0)
          finish(new Error(`a worker thread (${baseName}) exited with code ${code}`));
      });
      feed();
    }
  });
}
