/** A cross-validation thread: runs the folds it is sent, one message each, and sends each result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runFold, type FoldWorkerData } from './cv.js';
import { threadFailure } from './learners/kit/workers.js';

const job = workerData as FoldWorkerData;

parentPort!.on('message', (m: { id: number }) => {
  runFold(job.X, job.y, job.folds[m.id], m.id, job.recipe).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: unknown) => parentPort!.postMessage(threadFailure(m.id, e)),
  );
});
