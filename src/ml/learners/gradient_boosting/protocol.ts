import type { MessagePort } from 'node:worker_threads';
import {
  OP_BUILD_EVAL,
  OP_GRADIENTS,
  OP_JOIN,
  OP_PARTITION,
  runBuildEval,
  runGradients,
  runJoin,
  runPartition,
  type Buffers,
  type Layout,
  type Scratch,
} from './kernels.js';

/** Control words (Int32, shared): the job sequence the main thread posted, its command, and per worker done/error. */
export const CTL_SEQ = 0;
export const CTL_CMD = 1;
export const CTL_DONE = 8;
export const CTL_ERR = 40;
export const CTL_INTS = 72;
export const MAX_WORKERS = 32;
/**
 * How long a thread polls a control word before sleeping on it (milliseconds): long enough to
 * span the main thread's own work between two jobs of a tree, since a worker woken from a
 * futex sleep arrives too late to share the small jobs of small tables. Timed, not counted:
 * a count of polls lasted ten times as long in a fresh worker (40,000 polls: 1.9 ms before
 * V8 compiled the loop, 0.21 ms after), and two threads polling that long held both cores of
 * a two-core machine, starving the compiler threads that would have sped them up.
 */
export const SPIN_MS = 0.2;

/** Polls a[i] while it holds v, for up to ms milliseconds; true once it changed. */
export function spinWhile(a: Int32Array, i: number, v: number, ms: number): boolean {
  const t0 = performance.now();
  for (;;) {
    for (let k = 0; k < 256; k++) if (Atomics.load(a, i) !== v) return true;
    if (performance.now() - t0 > ms) return Atomics.load(a, i) !== v;
  }
}

export const CMD_BUILD_EVAL = OP_BUILD_EVAL;
export const CMD_PARTITION = OP_PARTITION;
export const CMD_GRADIENTS = OP_GRADIENTS;
export const CMD_JOIN = OP_JOIN;
export const CMD_RESETUP = 8;
export const CMD_EXIT = 9;

export interface SetupMessage {
  type: 'setup';
  /** Worker w is thread w + 1; the main thread is thread 0. */
  index: number;
  seq: number;
  layout: Layout;
  buffers: Buffers;
  ctl: SharedArrayBuffer;
  /** Where a failing worker leaves its error text: length (Int32) then UTF-8. */
  err: SharedArrayBuffer;
  /** Buffers that grow during a fit arrive here (read synchronously on CMD_RESETUP). */
  port: MessagePort;
}

export function runOp(cmd: number, L: Layout, B: Buffers, S: Scratch, t: number): void {
  if (cmd === CMD_BUILD_EVAL) runBuildEval(L, B, S, t);
  else if (cmd === CMD_PARTITION) runPartition(L, B, S, t);
  else if (cmd === CMD_GRADIENTS) runGradients(L, B, S);
  else if (cmd === CMD_JOIN) runJoin(B);
  else throw new Error(`unknown command ${cmd}`);
}
