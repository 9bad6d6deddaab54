/** A cross-validation thread: runs the folds it is sent, one message each, and sends each result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { NeutrinoError } from '../core/errors.js';
import { runFold, type FoldWorkerData, type FromFoldWorker } from './cv.js';

const job = workerData as FoldWorkerData;

parentPort!.on('message', (m: { fold: number }) => {
  runFold(job.X, job.y, job.folds[m.fold], m.fold, job.recipe).then(
    (result) => parentPort!.postMessage({ type: 'fold', result } satisfies FromFoldWorker),
    (e: unknown) =>
      parentPort!.postMessage({
        type: 'error',
        code: e instanceof NeutrinoError ? e.code : null,
        status: e instanceof NeutrinoError ? e.status : 500,
        message: e instanceof Error ? e.message : String(e),
      } satisfies FromFoldWorker),
  );
});
