import { Rng } from '../../../core/random.js';
import { TreeGrower, type GrowData, type GrowOptions } from '../tree/grower.js';

/** What every thread growing trees of one forest shares (typed arrays on shared memory when threaded). */
export interface ForestJob {
  data: GrowData;
  opt: GrowOptions;
  bootstrap: boolean;
}

/** What every thread binning a forest's columns shares: the table, column-major on shared memory. */
export interface BinJob {
  columns: Float64Array;
  n: number;
  maxBins: number | null;
}

/** A grower for one tree: with bootstrap, each row weighted by how often a draw of n rows with replacement picked it. */
export function treeGrower(job: ForestJob, seed: number): TreeGrower {
  const rng = new Rng(seed);
  let weights: Float64Array | null = null;
  if (job.bootstrap) {
    const n = job.data.n;
    weights = new Float64Array(n);
    for (let i = 0; i < n; i++) weights[rng.int(n)]++;
  }
  return new TreeGrower(job.data, job.opt, weights, Math.floor(rng.next() * 4294967296));
}
