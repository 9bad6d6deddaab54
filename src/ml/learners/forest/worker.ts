/** A forest's worker thread: grows the trees it is sent, one message each, and sends each back. */
import { serveTasks } from '../kit/workers.js';
import { treeGrower, type ForestJob } from './grow.js';

serveTasks((job: ForestJob) => (m: { id: number; seed: number }) => {
  const tree = treeGrower(job, m.seed).growAll();
  const transfer = [tree.feature, tree.threshold, tree.left, tree.right, tree.leafValue, tree.importance];
  return { result: { id: m.id, tree }, transfer: transfer.map((a) => a.buffer as ArrayBuffer) };
});
