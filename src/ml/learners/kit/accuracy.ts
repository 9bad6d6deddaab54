/**
 * The accuracy comparison each learner's test runs: the same split, preprocessing and
 * hyperparameters as scikit-learn's same algorithm; classification within 0.01 (accuracy and
 * roc_auc), regression within 2% relative rmse. Randomized learners can average several seeds
 * on both sides, since one seed's test score on a small test set is mostly luck.
 */
import { createLearner, learnerSpec } from '../index.js';
import {
  DATASETS,
  headline,
  peerAvailable,
  prepare,
  runPeerSeeds,
  scoreLearner,
  splitDataset,
} from './peer.js';

export interface Comparison {
  dataset: string;
  metric: string;
  ours: number;
  peer: number;
  ok: boolean;
}

export async function compare(opts: {
  algorithm: string;
  dataset: string;
  params?: Record<string, unknown>;
  /** Seeds averaged on both sides (default [0]). */
  seeds?: number[];
  /** Learner parameters that only Neutrino has (the peer does not take them). */
  ourParams?: Record<string, unknown>;
}): Promise<Comparison[]> {
  await peerAvailable();
  const ds = DATASETS[opts.dataset];
  const paths = await splitDataset(ds, 0);
  const spec = learnerSpec(opts.algorithm);
  const data = await prepare(paths, ds, spec.input);
  const k = data.ytr.task === 'classification' ? data.ytr.classes.length : 0;
  const names = headline(ds.task, k);
  const seeds = opts.seeds ?? [0];
  const ours: Record<string, number> = {};
  const peer: Record<string, number> = {};
  const make = () =>
    createLearner(opts.algorithm, ds.task, { ...(opts.params ?? {}), ...(opts.ourParams ?? {}) });
  make(); // bad parameters or an unsupported task fail here, before the peer starts
  const peerRuns = runPeerSeeds({
    ...paths,
    target: ds.target,
    task: ds.task,
    algo: opts.algorithm,
    params: opts.params,
    seeds,
  });
  // Settled either way, so a failure of ours below never leaves the peer's rejection unhandled.
  peerRuns.catch(() => {});
  for (const seed of seeds) {
    const m = make();
    await m.fit(data.Xtr, data.ytr, { seed });
    const s = scoreLearner(m, data.Xte, data.yte);
    for (const n of names) ours[n] = (ours[n] ?? 0) + s[n] / seeds.length;
  }
  for (const p of await peerRuns) for (const n of names) peer[n] = (peer[n] ?? 0) + p[n] / seeds.length;
  return names.map((metric) => {
    const o = ours[metric];
    const p = peer[metric];
    const ok = metric === 'rmse' ? Math.abs(o - p) <= 0.02 * p : Math.abs(o - p) <= 0.01 + 1e-12;
    return { dataset: opts.dataset, metric, ours: o, peer: p, ok };
  });
}

export function describeComparison(c: Comparison[]): string {
  return c
    .map((x) => `${x.dataset} ${x.metric}: ours ${x.ours.toFixed(4)} vs scikit-learn ${x.peer.toFixed(4)}`)
    .join('; ');
}
