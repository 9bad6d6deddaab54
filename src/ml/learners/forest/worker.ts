/** A forest's worker thread: grows the trees it is sent, one message each, and sends each back. */
import { parentPort, workerData } from 'node:worker_threads';
import { treeGrower, type ForestJob } from './grow.js';

const job = workerData as ForestJob;

parentPort!.on('message', (m: { id: number; seed: number }) => {
  const tree = treeGrower(job, m.seed).growAll();
  parentPort!.postMessage({ id: m.id, tree }, [
    tree.feature.buffer,
    tree.threshold.buffer,
    tree.left.buffer,
    tree.right.buffer,
    tree.leafValue.buffer,
    tree.importance.buffer,
  ] as ArrayBuffer[]);
});
