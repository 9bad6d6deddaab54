/**
 * Worker threads for histogram building. Workers are started once per process (lazily, and
 * unref'd so they never keep it alive) and lent to one fit at a time; a fit that finds them
 * all lent starts its own, which join the idle set afterwards.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import type { SharedForest } from './forest.js';
import { newScratch, type Buffers, type Layout, type Scratch } from './kernels.js';
import {
  CMD_EXIT,
  CMD_RESETUP,
  CTL_CMD,
  CTL_DONE,
  CTL_ERR,
  CTL_INTS,
  CTL_SEQ,
  MAX_WORKERS,
  SPIN_MS,
  spinWhile,
  runOp,
  type SetupMessage,
} from './protocol.js';

const idle: Worker[] = [];

/** Workers being started in the background (startInBackground), not yet idle. */
let starting = 0;

/**
 * Starts workers for later fits without waiting for them; each joins the idle set once
 * ready. Starts only as many as are not already idle or starting. (Warming a worker's
 * compiled code up on a small fit of its own, meanwhile, slowed the fit in progress as much
 * as it saved the next: on two cores it took the core V8's compiler threads use.)
 */
function startInBackground(want: number): void {
  for (let k = idle.length + starting; k < want; k++) {
    starting++;
    spawn().then(
      (w) => {
        starting--;
        idle.push(w);
      },
      () => starting--,
    );
  }
}

function spawn(): Promise<Worker> {
  const here = import.meta.url;
  // Under tsx (tests, scripts) this module is TypeScript: start the worker through tsx too.
  const ts = here.endsWith('.ts');
  const url = new URL(ts ? './worker.ts' : './worker.js', here);
  let w: Worker;
  if (ts) {
    const api = import.meta.resolve('tsx/esm/api');
    w = new Worker(
      `(async () => { const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(url.href)}); })()`,
      { eval: true },
    );
  } else w = new Worker(url);
  w.unref();
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    w.once('error', onError);
    w.once('message', (m: { type: string }) => {
      w.off('error', onError);
      // A worker that dies later is dropped from the idle set, never reused.
      w.on('error', () => dropWorker(w));
      w.on('exit', () => dropWorker(w));
      if (m.type === 'ready') resolve(w);
      else reject(new Error(`gradient boosting worker said ${m.type}`));
    });
  });
}

function dropWorker(w: Worker): void {
  const i = idle.indexOf(w);
  if (i >= 0) idle.splice(i, 1);
}

/**
 * Prediction help: predict() is synchronous, so it borrows an idle worker (never waits for
 * one), posts it half the rows and waits on a shared flag. The first large prediction in a
 * process without workers starts one for the next.
 */
export interface PredictHelper {
  start(forest: SharedForest, X: Float64Array, n: number, d: number, out: Float64Array, nan: boolean): void;
  /** Waits for the worker's half; false if it failed (the caller then does those rows). */
  finish(): boolean;
}

let warming = false;

/**
 * Binning help: fits the cuts of the given numeric columns on an idle worker, writing their
 * bins into `out` (column-major, shared). Null when no worker is idle (the caller bins them
 * itself); the promise resolves to null if the worker fails or exits, with the bins then
 * left for the caller to redo.
 */
export function binOnWorker(
  values: Float64Array[],
  columns: number[],
  maxBin: number,
  sketch: Int32Array | null,
  out: Uint8Array,
  n: number,
): Promise<Float64Array[] | null> | null {
  const w = idle.shift();
  if (!w) return null;
  return new Promise((resolve) => {
    const done = (cuts: Float64Array[] | null, alive: boolean) => {
      w.off('message', onMessage);
      w.off('exit', onExit);
      if (alive) idle.push(w);
      resolve(cuts);
    };
    const onMessage = (m: { type: string; cuts?: Float64Array[]; error?: string }) => {
      if (m.type === 'binned') done(m.cuts ?? null, true);
    };
    const onExit = () => done(null, false);
    w.on('message', onMessage);
    w.on('exit', onExit);
    w.ref();
    w.postMessage({ type: 'bin', values, columns, maxBin, sketch, out, n });
  }).finally(() => w.unref()) as Promise<Float64Array[] | null>;
}

export function borrowPredictHelper(): PredictHelper | null {
  const w = idle.shift();
  if (!w) {
    if (!warming) {
      warming = true;
      spawn().then(
        (x) => idle.push(x),
        () => undefined,
      );
    }
    return null;
  }
  const done = new Int32Array(new SharedArrayBuffer(4));
  let began = 0;
  return {
    start(forest, X, n, d, out, nan) {
      began = Date.now();
      w.postMessage({ type: 'predict', forest, X, n, d, out, nan, done });
    },
    finish() {
      const mine = Date.now() - began;
      // The worker has as many rows as this thread had: allow it several times as long.
      const deadline = Date.now() + 4 * mine + 2000;
      if (!spinWhile(done, 0, 0, SPIN_MS))
        while (Atomics.load(done, 0) === 0) {
          Atomics.wait(done, 0, 0, 100);
          if (Date.now() > deadline) return false; // never handed back: it may be stuck
        }
      idle.push(w);
      return Atomics.load(done, 0) === 1;
    },
  };
}

/** Atomics.waitAsync (Node 20 has it; the TypeScript library here does not declare it). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      i: number,
      v: number,
      ms: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/**
 * After spinning, a waiter blocks for up to SYNC_WAITS x SYNC_WAIT_MS (a busy machine can
 * deschedule a worker that long), then waits asynchronously.
 */
const SYNC_WAITS = 25;
const SYNC_WAIT_MS = 2;

/** Workers lent to fits now (for diagnostics and tests). */
const lent = new Set<Worker>();

/** The worker threads lent to fits in progress. */
export function lentWorkers(): Worker[] {
  return [...lent];
}

/** How many workers are idle, ready to be lent (for diagnostics and tests). */
export function idleWorkers(): number {
  return idle.length;
}

/**
 * The threads of one fit: the main thread (thread 0) and `workers` helpers. `run` posts a
 * job through the control words, does thread 0's share and waits for the others: it spins a
 * little, then waits without blocking the event loop, so that a worker that dies (its exit
 * seen there) fails the job with a clear error instead of leaving the fit waiting forever.
 */
export class Team {
  readonly threads: number;
  private readonly ctl: Int32Array;
  private seq = 0;
  private readonly ports: MessageChannel[] = [];
  private readonly errs: SharedArrayBuffer[] = [];
  private closed = false;
  /** Per worker: why it stopped, once it has (its exit code or error), else null. */
  private readonly gone: (string | null)[];
  private readonly listeners: [Worker, (x: unknown) => void][] = [];
  readonly scratch: Scratch = newScratch();

  private constructor(
    private readonly workers: Worker[],
    private readonly L: Layout,
    private readonly B: Buffers,
  ) {
    this.threads = workers.length + 1;
    this.ctl = new Int32Array(new SharedArrayBuffer(CTL_INTS * 4));
    this.gone = workers.map(() => null);
    workers.forEach((w, index) => {
      lent.add(w);
      // Referenced while lent: the waits below (Atomics.waitAsync) do not keep the process alive.
      w.ref();
      const onGone = (x: unknown) => {
        this.gone[index] ??= x instanceof Error ? `failed: ${x.message}` : `exited with code ${String(x)}`;
        // Wake a waiter on this worker: it finds the worker gone.
        Atomics.notify(this.ctl, CTL_DONE + index);
      };
      w.on('exit', onGone);
      w.on('error', onGone);
      this.listeners.push([w, onGone]);
      const ch = new MessageChannel();
      const err = new SharedArrayBuffer(4096);
      this.ports.push(ch);
      this.errs.push(err);
      const msg: SetupMessage = {
        type: 'setup',
        index,
        seq: 0,
        layout: L,
        buffers: B,
        ctl: this.ctl.buffer as SharedArrayBuffer,
        err,
        port: ch.port2,
      };
      w.postMessage(msg, [ch.port2]);
    });
  }

  /**
   * A team of `threads` threads in all: workers come from the idle set, or are started. With
   * `wait` false, a fit that finds too few idle goes on with those (perhaps none) and starts
   * the rest in the background for the next fits: on a small table a cold worker costs more
   * than it brings.
   */
  static async start(threads: number, L: Layout, B: Buffers, wait = true): Promise<Team> {
    const want = Math.max(0, Math.min(MAX_WORKERS, threads - 1));
    const ws = idle.splice(0, want);
    if (!wait && ws.length < want) {
      startInBackground(want - ws.length);
      return new Team(ws, L, B);
    }
    try {
      while (ws.length < want) ws.push(await spawn());
    } catch (e) {
      idle.push(...ws);
      throw e;
    }
    return new Team(ws, L, B);
  }

  /**
   * Runs a command on every thread, this one included, and returns once all are done;
   * `local` runs it on this thread alone (for jobs too small to be worth a wake-up).
   * Resolves to how many threads took part (their results are in slots 0..count-1); rejects
   * if a worker failed or is gone.
   */
  async run(cmd: number, local = false): Promise<number> {
    if (this.closed) throw new Error('team is closed');
    const ctl = this.ctl;
    Atomics.store(this.B.counter, 0, 0);
    if (local && cmd !== CMD_EXIT && cmd !== CMD_RESETUP) {
      runOp(cmd, this.L, this.B, this.scratch, 0);
      return 1;
    }
    const seq = ++this.seq;
    if (this.workers.length) {
      Atomics.store(ctl, CTL_CMD, cmd);
      Atomics.store(ctl, CTL_SEQ, seq);
      Atomics.notify(ctl, CTL_SEQ);
    }
    let failure: unknown = null;
    if (cmd !== CMD_EXIT && cmd !== CMD_RESETUP) {
      try {
        runOp(cmd, this.L, this.B, this.scratch, 0);
      } catch (e) {
        failure = e;
      }
    }
    for (let w = 0; w < this.workers.length; w++) {
      // Spin a little first: the other thread is usually a chunk away from done, and a
      // futex sleep and wake costs more than that.
      for (let round = 0; ; round++) {
        const done = Atomics.load(ctl, CTL_DONE + w);
        if (done === seq) break;
        if (this.gone[w] !== null) {
          failure ??= new Error(
            `gradient boosting worker thread ${this.gone[w]} during the fit; the fit is abandoned`,
          );
          break;
        }
        if (round === 0) spinWhile(ctl, CTL_DONE + w, done, SPIN_MS);
        else if (round > SYNC_WAITS) {
          // Long: wait with the event loop free, where a worker's exit is seen.
          const r = waitAsync(ctl, CTL_DONE + w, done, 1000);
          if (r.async) await r.value;
          else await new Promise((resolve) => setImmediate(resolve));
        } else Atomics.wait(ctl, CTL_DONE + w, done, SYNC_WAIT_MS);
      }
      if (Atomics.load(ctl, CTL_ERR + w)) {
        const err = this.errs[w];
        const len = new DataView(err).getInt32(0, true);
        failure ??= new Error(
          `gradient boosting worker failed: ${new TextDecoder().decode(new Uint8Array(err, 4, len))}`,
        );
        Atomics.store(ctl, CTL_ERR + w, 0);
      }
    }
    if (failure) throw failure;
    return this.threads;
  }

  /** Hands the workers buffers that were replaced (grown) during the fit. */
  async resetup(buffers: Partial<Buffers>): Promise<void> {
    Object.assign(this.B, buffers);
    for (const ch of this.ports) ch.port1.postMessage({ buffers });
    await this.run(CMD_RESETUP);
  }

  /**
   * Ends the fit for the workers and returns the live ones to the idle set (one that is
   * gone, or does not acknowledge, is terminated and dropped).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    let ok = true;
    if (this.workers.length)
      try {
        await this.run(CMD_EXIT);
      } catch {
        ok = false;
      }
    this.closed = true;
    for (const ch of this.ports) ch.port1.close();
    for (const [w, f] of this.listeners) {
      w.off('exit', f);
      w.off('error', f);
      w.unref();
      lent.delete(w);
    }
    this.workers.forEach((w, i) => {
      if (ok && this.gone[i] === null) idle.push(w);
      else if (this.gone[i] === null) void w.terminate();
    });
  }
}
