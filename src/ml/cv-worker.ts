/** A cross-validation thread: runs the folds it is sent, one message each, and sends each result back. */
import { runFold, type FoldWorkerData } from './cv.js';
import { serveTasks } from './learners/kit/workers.js';

serveTasks((job: FoldWorkerData) => async (m: { id: number }) => ({
  result: { id: m.id, result: await runFold(job.X, job.y, job.folds[m.id], m.id, job.recipe) },
}));
