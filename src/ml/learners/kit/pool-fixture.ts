/** Kernels for pool.test.ts. */
import { isMainThread } from 'node:worker_threads';
import { claimChunks, type ChunkArgs } from './pool.js';

export interface SquareArgs extends ChunkArgs {
  /** The kernel's own n, which must reach it as given (runChunks adds chunkEnd beside it). */
  n: number;
  out: Float64Array;
  /** Per index, how many times it was computed. */
  hits: Int32Array;
  /** Per index, 1 when a pool worker computed it. */
  byWorker: Int32Array;
  /** Workers throw in the middle of a chunk, which they leave claimed and unfinished. */
  workersFail: boolean;
}

/** out[i] = i * i over the chunks this thread claims. */
export function squareChunks(a: SquareArgs): void {
  claimChunks(a, (from, to) => {
    if (a.n !== -1) throw new Error(`the kernel's own n arrived as ${a.n}`);
    if (a.workersFail && !isMainThread) throw new Error('worker failed mid-chunk');
    for (let i = from; i < to; i++) {
      a.out[i] = i * i;
      Atomics.add(a.hits, i, 1);
      if (!isMainThread) a.byWorker[i] = 1;
    }
  });
}
