/**
 * A forest's worker thread: bins the columns it is sent, or grows the trees it is sent, one
 * message each, and sends each back.
 */
import { serveTasks } from '../kit/workers.js';
import { binColumn } from '../tree/binning.js';
import { treeGrower, type BinJob, type ForestJob } from './grow.js';

serveTasks((job: ForestJob | BinJob) => {
  if ('columns' in job) {
    const { columns: data, n, maxBins } = job;
    return (m: { id: number }) => {
      const bins = binColumn(data.subarray(m.id * n, (m.id + 1) * n), maxBins);
      return {
        result: { id: m.id, bins },
        transfer: [bins.bins.buffer, bins.lo.buffer, bins.hi.buffer] as ArrayBuffer[],
      };
    };
  }
  return (m: { id: number; seed: number }) => {
    const tree = treeGrower(job, m.seed).growAll();
    const transfer = [tree.feature, tree.threshold, tree.left, tree.right, tree.leafValue, tree.importance];
    return { result: { id: m.id, tree }, transfer: transfer.map((a) => a.buffer as ArrayBuffer) };
  };
});
