/** A linear SVM fitting thread: fits the one-vs-rest classifiers it is sent over shared rows. */
import { Ticker } from '../../../core/abort.js';
import { Rng } from '../../../core/random.js';
import { serveTasks } from '../kit/workers.js';
import { RowMatrix, svcDual, type DualOptions, type OvrTask, type RowParts } from './linear-svm.js';

serveTasks((data: RowParts & { n: number; dd: number; labels: Int32Array; opts: DualOptions }) => {
  const M = new RowMatrix(data, data.n, data.dd);
  const rows = Int32Array.from({ length: data.n }, (_, i) => i);
  // Cancellation terminates the thread (runOnThreads); the ticker only yields.
  const ticker = new Ticker();
  return async (t: OvrTask) => {
    const s = Int8Array.from(data.labels, (l) => (l === t.pos ? 1 : -1));
    const w = await svcDual(M, rows, s, data.opts, new Rng(t.seed), ticker);
    return { result: { id: t.id, w }, transfer: [w.buffer as ArrayBuffer] };
  };
});
