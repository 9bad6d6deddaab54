/**
 * A worker for workers.test.ts: n² plus the run's offset, and its thread id; fails with a coded
 * error for n < 0, exits for n = 999.
 */
import { threadId } from 'node:worker_threads';
import { badRequest } from '../../../core/errors.js';
import { serveTasks } from './workers.js';

serveTasks((offset: number) => (m: { id: number; n: number }) => {
  if (m.n === 999) process.exit(3);
  if (m.n < 0) throw badRequest('negative', `n is ${m.n}`);
  // Later tasks answer sooner, so results arrive out of order.
  return new Promise((resolve) =>
    setTimeout(
      () => resolve({ result: { id: m.id, square: m.n * m.n + offset, thread: threadId } as { id: number } }),
      40 - m.n,
    ),
  );
});
