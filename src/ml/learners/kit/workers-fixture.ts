/** A worker for workers.test.ts: squares n, fails with a coded error for n < 0, exits for n = 999. */
import { parentPort } from 'node:worker_threads';
import { badRequest } from '../../../core/errors.js';
import { threadFailure } from './workers.js';

parentPort!.on('message', (m: { id: number; n: number }) => {
  if (m.n === 999) process.exit(3);
  if (m.n < 0) return parentPort!.postMessage(threadFailure(m.id, badRequest('negative', `n is ${m.n}`)));
  // Later tasks answer sooner, so results arrive out of order.
  setTimeout(() => parentPort!.postMessage({ id: m.id, square: m.n * m.n }), 40 - m.n);
});
