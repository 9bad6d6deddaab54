import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

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
