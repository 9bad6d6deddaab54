import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { startWorker } from './workers.js';

/**
 * Parallel work for synchronous calls (predict is synchronous in the learner contract): a
 * process-wide pool of worker threads, started on first use and never keeping the process
 * alive. The calling thread takes the first share itself, posts the others, and blocks on
 * Atomics.wait until each worker flags its share done in shared memory. A kernel is a named
 * export of a module, called as fn(args) on either side; args hold shared memory and numbers.
 *
 * A share whose worker fails (or does not answer in time) is recomputed on the calling
 * thread, so the result never depends on the pool working.
 */
export interface Share {
  /** import.meta.url of the module exporting the kernel. */
  url: string;
  name: string;
  fn: (args: never) => void;
  args: unknown;
}

let pool: Worker[] = [];

function workers(count: number): Worker[] {
  while (pool.length < count) {
    const w = startWorker(import.meta.url, 'pool-worker', null);
    w.unref();
    // A worker that dies is dropped; its pending share is recomputed by the caller.
    w.on('error', () => (pool = pool.filter((x) => x !== w)));
    w.on('exit', () => (pool = pool.filter((x) => x !== w)));
    pool.push(w);
  }
  return pool.slice(0, count);
}

/** The URL of a module beside the caller (.ts under tsx, .js compiled), for a Share's url. */
export function sibling(callerUrl: string, baseName: string): string {
  return new URL(`./${baseName}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl).href;
}

/** Threads worth using: `nJobs` (null or < 1: every core). */
export function poolThreads(nJobs?: number | null): number {
  const cores = Math.max(1, availableParallelism());
  return nJobs === null || nJobs === undefined || nJobs < 1 ? cores : Math.min(nJobs, cores);
}

/** Runs shares[0] here and the rest on pool workers; returns when all are done. */
export function runShares(shares: Share[], timeoutMs = 600_000): void {
  if (shares.length === 0) return;
  const rest = shares.slice(1);
  const status = post(rest.length, (i) => ({ url: rest[i].url, name: rest[i].name, args: rest[i].args }));
  (shares[0].fn as (a: unknown) => void)(shares[0].args);
  const deadline = Date.now() + timeoutMs;
  rest.forEach((s, i) => {
    while (Atomics.load(status, i) === 0) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(status, i, 0, left) === 'timed-out') break;
    }
    if (Atomics.load(status, i) !== 1) (s.fn as (a: unknown) => void)(s.args);
  });
}

/**
 * Posts message(i) to pool worker i for i < count; returns the status words the workers flag
 * (1 done, 2 failed), 2 already where no worker took the message.
 */
function post(
  count: number,
  message: (i: number) => { url: string; name: string; args: unknown },
): Int32Array {
  const status = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, count)));
  let ws: Worker[] = [];
  try {
    ws = count > 0 ? workers(count) : [];
  } catch {
    ws = [];
  }
  for (let i = 0; i < count; i++) {
    try {
      if (!ws[i]) throw new Error('no worker');
      ws[i].postMessage({ ...message(i), status, slot: i });
    } catch {
      status[i] = 2;
    }
  }
  return status;
}

/**
 * Work over [0, n) in chunks that whoever is free claims: a kernel built on claimChunks runs
 * here and on up to `threads - 1` pool workers, and the call returns once every chunk is
 * done. Unlike fixed shares, a worker still starting (a cold pool) never holds the caller
 * up: this thread takes the chunks it has not claimed, and waits only for chunks in hand.
 * `args` gets the ChunkArgs fields. A chunk claimed by a worker that fails
 * or does not finish in time is computed here again, so the kernel must write, not add to,
 * its rows' output.
 */
export function runChunks(
  kernel: Omit<Share, 'args'>,
  args: Record<string, unknown>,
  n: number,
  threads: number,
  chunk: number,
  timeoutMs = 600_000,
): void {
  const nChunks = Math.ceil(n / chunk);
  const ctl = new Int32Array(new SharedArrayBuffer(4 * (2 + Math.max(1, nChunks))));
  for (const key of ['ctl', 'chunk', 'chunkEnd'])
    if (key in args) throw new Error(`runChunks: the kernel's args already hold '${key}'`);
  const full: ChunkArgs & Record<string, unknown> = { ...args, ctl, chunk, chunkEnd: n };
  // Workers' status words are not waited on: a worker that never claims a chunk owes nothing.
  post(Math.min(threads - 1, nChunks - 1), () => ({ url: kernel.url, name: kernel.name, args: full }));
  const fn = kernel.fn as (a: unknown) => void;
  fn(full);
  const deadline = Date.now() + timeoutMs;
  for (let done = Atomics.load(ctl, 1); done < nChunks; done = Atomics.load(ctl, 1)) {
    const left = deadline - Date.now();
    if (left <= 0) {
      // Redo what is still out, here (results are written, not added, so a redo is safe).
      for (let c = 0; c < nChunks; c++)
        if (Atomics.load(ctl, 2 + c) !== 2) fn({ ...full, ctl: soloCtl(c, nChunks) });
      return;
    }
    // claimChunks notifies after each chunk; a chunk done since the load returns at once.
    Atomics.wait(ctl, 1, done, left);
  }
}

/** Claim counters that hand out chunk c alone (runChunks' redo). */
function soloCtl(c: number, nChunks: number): Int32Array {
  const ctl = new Int32Array(2 + nChunks).fill(2);
  ctl[0] = c;
  ctl[2 + c] = 0;
  return ctl;
}

/** What runChunks adds to a kernel's args (names a kernel's own args must not use). */
export interface ChunkArgs {
  /** [next chunk to claim, chunks done], then per chunk 0 (free), 1 (claimed) or 2 (done). */
  ctl: Int32Array;
  chunk: number;
  /** The work is [0, chunkEnd). */
  chunkEnd: number;
}

/**
 * The loop of a runChunks kernel: claims chunks of [0, chunkEnd) until none are left and runs
 * body(from, to) on each.
 */
export function claimChunks(a: ChunkArgs, body: (from: number, to: number) => void): void {
  const { ctl, chunk, chunkEnd: n } = a;
  const nChunks = Math.ceil(n / chunk);
  for (;;) {
    const c = Atomics.add(ctl, 0, 1);
    if (c >= nChunks || Atomics.load(ctl, 2 + c) !== 0) return;
    Atomics.store(ctl, 2 + c, 1);
    body(c * chunk, Math.min(n, (c + 1) * chunk));
    Atomics.store(ctl, 2 + c, 2);
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
}

/** Splits [0, n) into `parts` contiguous ranges of near-equal size. */
export function ranges(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  const p = Math.max(1, Math.min(parts, n));
  for (let k = 0; k < p; k++) out.push([Math.floor((k * n) / p), Math.floor(((k + 1) * n) / p)]);
  return out;
}
