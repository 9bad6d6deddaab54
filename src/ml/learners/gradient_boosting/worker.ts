/**
 * A histogram worker. Between fits it waits for a `setup` message on its port; during a fit
 * it blocks on the control words in shared memory and runs each job the main thread posts
 * (its share of the features), until told to stop. No per-job messages, so a job costs a
 * futex wake, not a message round-trip.
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { fitNumeric } from './binning.js';
import { walkShared, type SharedForest } from './forest.js';
import { newScratch, type Buffers, type Layout } from './kernels.js';
import {
  CTL_CMD,
  CTL_DONE,
  CTL_ERR,
  CTL_SEQ,
  CMD_EXIT,
  CMD_RESETUP,
  SPIN_MS,
  spinWhile,
  runOp,
  type SetupMessage,
} from './protocol.js';

function serve(msg: SetupMessage): void {
  const { layout: L, index: w } = msg;
  const B: Buffers = msg.buffers;
  const ctl = new Int32Array(msg.ctl);
  const S = newScratch();
  let seen = msg.seq;
  for (;;) {
    // The next job usually follows within microseconds: poll a little before sleeping.
    if (!spinWhile(ctl, CTL_SEQ, seen, SPIN_MS))
      while (Atomics.load(ctl, CTL_SEQ) === seen) Atomics.wait(ctl, CTL_SEQ, seen, 1000);
    seen = Atomics.load(ctl, CTL_SEQ);
    const cmd = Atomics.load(ctl, CTL_CMD);
    try {
      if (cmd === CMD_RESETUP) {
        let m = receiveMessageOnPort(msg.port);
        while (!m) {
          Atomics.wait(ctl, CTL_ERR + w, 0, 1);
          m = receiveMessageOnPort(msg.port);
        }
        Object.assign(B, (m.message as { buffers: Partial<Buffers> }).buffers);
      } else if (cmd !== CMD_EXIT) runOp(cmd, L as Layout, B, S, w + 1);
    } catch (e) {
      const text = new TextEncoder().encode(e instanceof Error ? (e.stack ?? e.message) : String(e));
      const err = new Uint8Array(msg.err);
      const len = Math.min(text.length, err.length - 4);
      new DataView(msg.err).setInt32(0, len, true);
      err.set(text.subarray(0, len), 4);
      Atomics.store(ctl, CTL_ERR + w, 1);
    }
    Atomics.store(ctl, CTL_DONE + w, seen);
    Atomics.notify(ctl, CTL_DONE + w);
    if (cmd === CMD_EXIT) return;
  }
}

interface PredictMessage {
  type: 'predict';
  forest: SharedForest;
  X: Float64Array;
  n: number;
  d: number;
  out: Float64Array;
  nan: boolean;
  done: Int32Array;
}

function predict(msg: PredictMessage): void {
  try {
    walkShared(msg.forest, msg.X, msg.n, msg.d, msg.out, msg.nan);
    Atomics.store(msg.done, 0, 1);
  } catch {
    Atomics.store(msg.done, 0, 2);
  }
  Atomics.notify(msg.done, 0);
}

/** Numeric columns to bin: their values, the frame positions, and the shared byte matrix. */
interface BinMessage {
  type: 'bin';
  values: Float64Array[];
  columns: number[];
  maxBin: number;
  sketch: Int32Array | null;
  out: Uint8Array;
  n: number;
}

function bin(msg: BinMessage): void {
  try {
    const fine = new Uint16Array(msg.n);
    const cuts = msg.values.map((v, i) =>
      fitNumeric(
        v,
        msg.maxBin,
        msg.sketch,
        msg.out.subarray(msg.columns[i] * msg.n, (msg.columns[i] + 1) * msg.n),
        fine,
      ),
    );
    parentPort!.postMessage({ type: 'binned', cuts });
  } catch (e) {
    parentPort!.postMessage({ type: 'binned', error: e instanceof Error ? e.message : String(e) });
  }
}

parentPort!.on('message', (msg: SetupMessage | PredictMessage | BinMessage) => {
  if (msg.type === 'setup') serve(msg);
  else if (msg.type === 'predict') predict(msg);
  else if (msg.type === 'bin') bin(msg);
});
parentPort!.postMessage({ type: 'ready' });
