import { availableParallelism } from 'node:os';
import { parentPort, Worker } from 'node:worker_threads';
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
 * Task workers kept between runs, per module: a thread that has run tasks once has its code
 * compiled, which a fresh one spends a tenth of a second or more on (a forest on a small
 * table is done in less). Unref'd while idle, so they never keep the process alive.
 */
const idle = new Map<string, Worker[]>();

/** The listeners a worker has from its current owner, to take off when it changes hands. */
type Listener = (...a: any[]) => void;
const owned = new WeakMap<Worker, [string, Listener][]>();

function listen(w: Worker, event: string, f: Listener): void {
  w.on(event, f);
  const list = owned.get(w) ?? [];
  owned.set(w, list);
  list.push([event, f]);
}

function release(w: Worker): void {
  for (const [event, f] of owned.get(w) ?? []) w.off(event, f);
  owned.delete(w);
}

/** How many workers of module `baseName` beside the caller sit idle, compiled and ready. */
export function idleWorkers(callerUrl: string, baseName: string): number {
  return idle.get(new URL(`./${baseName}`, callerUrl).href)?.length ?? 0;
}

function takeWorker(callerUrl: string, baseName: string): Worker {
  const key = new URL(`./${baseName}`, callerUrl).href;
  const w = idle.get(key)?.pop();
  if (w) {
    release(w);
    return w;
  }
  return startWorker(callerUrl, baseName, null);
}

function returnWorker(callerUrl: string, baseName: string, w: Worker): void {
  const key = new URL(`./${baseName}`, callerUrl).href;
  const list = idle.get(key) ?? [];
  idle.set(key, list);
  release(w);
  // Let go of the run's data; a worker that dies while idle leaves the list.
  w.postMessage({ setup: null });
  const drop = () => {
    const i = list.indexOf(w);
    if (i >= 0) list.splice(i, 1);
  };
  listen(w, 'error', drop);
  listen(w, 'exit', drop);
  w.unref();
  list.push(w);
}

/** What a task handler returns: the reply, and buffers to transfer with it. */
export interface TaskReply {
  result: { id: number };
  transfer?: ArrayBuffer[];
}

/**
 * The worker side of runOnThreads: `setup(data)` runs once per run with the run's data and
 * returns the task handler; each task's reply (or its failure, as threadFailure) goes back.
 */
export function serveTasks<D, T extends { id: number }>(
  setup: (data: D) => (task: T) => TaskReply | Promise<TaskReply>,
): void {
  let handle: ((task: T) => TaskReply | Promise<TaskReply>) | null = null;
  parentPort!.on('message', (m: { setup?: D | null; task?: T }) => {
    if ('setup' in m) {
      handle = m.setup === null || m.setup === undefined ? null : setup(m.setup);
      return;
    }
    const task = m.task!;
    Promise.resolve()
      .then(() => handle!(task))
      .then(
        (r) => parentPort!.postMessage(r.result, r.transfer ?? []),
        (e: unknown) => parentPort!.postMessage(threadFailure(task.id, e)),
      );
  });
}

/**
 * Runs tasks on `threads` worker threads (module `baseName` beside the caller, serving them
 * with serveTasks), one task per worker at a time so that uneven tasks balance, results in
 * task order. Workers come from and go back to a per-module idle set. A failed task, a
 * crashed worker or an abort terminates the run's workers and rejects (abort: CancelledError).
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
      if (err) {
        for (const w of workers) void w.terminate();
        reject(err);
      } else {
        for (const w of workers) returnWorker(callerUrl, baseName, w);
        resolve(out);
      }
    };
    const onAbort = () => finish(new CancelledError('cancelled by request'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (tasks.length === 0) return finish();
    const byId = new Map(tasks.map((t, i) => [t.id, i]));
    for (let k = 0; k < Math.min(threads, tasks.length); k++) {
      const w = takeWorker(callerUrl, baseName);
      workers.push(w);
      w.ref();
      w.postMessage({ setup: workerData });
      const feed = () => {
        if (next < tasks.length) w.postMessage({ task: tasks[next++] });
      };
      listen(w, 'message', (r: R | ThreadFailure) => {
        if (settled) return;
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
      listen(w, 'error', (e: Error) => finish(e));
      listen(w, 'exit', (code: number) => {
        if (!settled) finish(new Error(`a worker thread (${baseName}) exited with code ${code}`));
      });
      feed();
    }
  });
}
