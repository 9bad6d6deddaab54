/**
 * The accuracy table: every classic learner on every classification and regression dataset in
 * ../shared/datasets/clean, beside scikit-learn's same algorithm with the same hyperparameters,
 * split (split.py, seed 0) and preprocessing (kit/accuracy.ts). Randomized learners average
 * several seeds on both sides, since one seed's score on a small test set is mostly luck.
 * A row passes within 0.01 (accuracy, roc_auc) or 2% relative rmse, the algorithm-library
 * issue's bar.
 *
 *   node --import tsx src/bench/accuracy.ts [--algorithms ridge,knn,...] [--datasets iris,...] [--json]
 */
import { fileURLToPath } from 'node:url';
import { learnerSpec } from '../ml/learners/index.js';
import { compare, type Comparison } from '../ml/learners/kit/accuracy.js';
import { DATASETS } from '../ml/learners/kit/peer.js';
import { CLASSIC } from './learners.js';

/**
 * Seeds averaged for a randomized learner: many on the small datasets, whose test sets make
 * one seed's score mostly luck (30 rows of iris: one row is 0.03 of accuracy), a few on the
 * large ones, where a fit is slow and one seed's score is already steady.
 */
const RANDOMIZED = new Set(['decision_tree', 'random_forest', 'extra_trees', 'linear_svm', 'svm']);
const SMALL = new Set([
  'iris',
  'wine',
  'breast_cancer',
  'german_credit',
  'diabetes',
  'digits',
  'creditcard_fraud',
]);
const seedCount = (algorithm: string, dataset: string) =>
  !RANDOMIZED.has(algorithm) ? 1 : SMALL.has(dataset) ? (algorithm === 'svm' ? 8 : 32) : 3;

export interface AccuracyRow extends Comparison {
  algorithm: string;
  seeds: number;
  seconds: number;
}

export async function accuracyTable(
  algorithms: string[],
  datasets: string[],
  log: (s: string) => void = console.log,
): Promise<AccuracyRow[]> {
  const rows: AccuracyRow[] = [];
  log(
    [
      'algorithm'.padEnd(14),
      'dataset'.padEnd(20),
      'metric'.padEnd(12),
      'neutrino',
      ' sklearn',
      '  diff',
      '',
    ].join(' '),
  );
  for (const algorithm of algorithms) {
    const spec = learnerSpec(algorithm);
    for (const name of datasets) {
      const ds = DATASETS[name];
      if (!ds || !spec.tasks.includes(ds.task)) continue;
      const n = seedCount(algorithm, name);
      const t = performance.now();
      const cmp = await compare({ algorithm, dataset: name, seeds: Array.from({ length: n }, (_, i) => i) });
      const seconds = (performance.now() - t) / 1000;
      for (const c of cmp) {
        rows.push({ ...c, algorithm, seeds: n, seconds });
        const diff =
          c.metric === 'rmse'
            ? `${(((c.ours - c.peer) / c.peer) * 100).toFixed(2)}%`
            : (c.ours - c.peer).toFixed(4);
        log(
          [
            algorithm.padEnd(14),
            name.padEnd(20),
            c.metric.padEnd(12),
            fmt(c.ours).padStart(8),
            fmt(c.peer).padStart(8),
            diff.padStart(7),
            c.ok ? 'ok' : 'OUTSIDE',
          ].join(' '),
        );
      }
    }
  }
  const bad = rows.filter((r) => !r.ok);
  log(`\n${rows.length - bad.length} of ${rows.length} comparisons within the bar`);
  return rows;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(4));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  let algorithms = CLASSIC;
  let datasets = Object.keys(DATASETS);
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--algorithms') algorithms = argv[++i].split(',');
    else if (argv[i] === '--datasets') datasets = argv[++i].split(',');
    else if (argv[i] === '--json') json = true;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  const rows = await accuracyTable(algorithms, datasets, json ? () => {} : console.log);
  if (json) console.log(JSON.stringify(rows));
}
