import { Rng } from '../../../core/random.js';
import { TreeGrower, type GrowData, type GrowOptions } from '../tree/grower.js';

/** What every thread growing trees of one forest shares (typed arrays on shared memory when threaded). */
export interface ForestJob {
  data: GrowData;
  opt: GrowOptions;
  bootstrap: boolean;
}

/** Tree t's seed: a function of the forest's seed and t only, so threading never changes the model. */
export function treeSeed(seed: number, t: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(t + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
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
