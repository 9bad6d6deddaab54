/**
 * Gradient boosting beside XGBoost (hist, same trees, depth, learning rate, bins, threads) and
 * scikit-learn's HistGradientBoosting, in one run, on the same split files: fit time (median
 * of --repeat), prediction throughput, peak memory (of each side's own process) and the test
 * metric, printed as a table with Neutrino / XGBoost ratios.
 *
 *   node --import tsx src/bench/gbdt.ts [--datasets breast_cancer,german_credit,creditcard_fraud,california_housing,metro_traffic,generated]
 *        [--rows 160000] [--features 30] [--trees 100] [--depth 6] [--threads 2] [--repeat 3] [--no-sklearn] [--json]
 *
 * Each Neutrino measurement runs in a child process of its own (like each peer), so that its
 * peak resident memory is its own.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { evaluate } from '../ml/metrics/index.js';
import { helpOrBadFlag } from './cli.js';
import { resolveParams } from '../ml/learners/params.js';
import { GradientBoosting, gradientBoostingParams } from '../ml/learners/gradient_boosting/index.js';
import {
  loadSplit,
  makeTable,
  peersMissing,
  runMeasured,
  runPeer,
  sharedDir,
  splitDataset,
  withTimeFeatures,
  type PeerResult,
  type SplitFiles,
} from '../ml/learners/gradient_boosting/peers.js';
import type { Task } from '../ml/frame.js';

interface Dataset {
  name: string;
  task: Task;
  metric: string;
  /** True where a higher metric is better. */
  higher: boolean;
  files: () => Promise<SplitFiles>;
}

export interface BenchOptions {
  datasets: string[];
  rows: number;
  features: number;
  trees: number;
  depth: number;
  threads: number;
  repeat: number;
  sklearn: boolean;
  dir: string;
}

const DEFAULTS: BenchOptions = {
  datasets: [
    'breast_cancer',
    'german_credit',
    'creditcard_fraud',
    'california_housing',
    'metro_traffic',
    'generated',
  ],
  rows: 160_000,
  features: 30,
  trees: 100,
  depth: 6,
  threads: 2,
  repeat: 3,
  sklearn: true,
  dir: join(tmpdir(), 'neutrino-gbdt-bench'),
};

function datasets(o: BenchOptions): Dataset[] {
  const clean = (f: string) => join(sharedDir(), 'datasets', 'clean', f);
  const cls = (name: string, target: string): Dataset => ({
    name,
    task: 'classification',
    metric: 'roc_auc',
    higher: true,
    files: async () => splitDataset(clean(`${name}.csv`), target, 'classification', join(o.dir, name)),
  });
  const all: Dataset[] = [
    cls('breast_cancer', 'diagnosis'),
    cls('german_credit', 'class'),
    cls('creditcard_fraud', 'Class'),
    {
      name: 'california_housing',
      task: 'regression',
      metric: 'rmse',
      higher: false,
      files: async () =>
        splitDataset(
          clean('california_housing.csv'),
          'median_house_value',
          'regression',
          join(o.dir, 'california_housing'),
        ),
    },
    {
      name: 'metro_traffic',
      task: 'regression',
      metric: 'rmse',
      higher: false,
      files: async () => {
        const s = splitDataset(
          clean('metro_traffic.csv'),
          'traffic_volume',
          'regression',
          join(o.dir, 'metro_traffic'),
        );
        const train = join(o.dir, 'metro_traffic', 'train_time.csv');
        const test = join(o.dir, 'metro_traffic', 'test_time.csv');
        await withTimeFeatures(s.train, train, 'date_time');
        await withTimeFeatures(s.test, test, 'date_time');
        return { ...s, train, test };
      },
    },
    {
      name: `generated`,
      task: 'classification',
      metric: 'roc_auc',
      higher: true,
      files: async () =>
        makeTable('classification', o.rows, o.features, join(o.dir, `generated-${o.rows}x${o.features}`)),
    },
  ];
  return all.filter((d) => o.datasets.includes(d.name));
}

export interface OurResult {
  /** The first fit in a fresh process (untimed warm-up; see measure). */
  first_fit_s: number;
  fit_s: number;
  fit_s_all: number[];
  predict_s: number;
  predict_rows_per_s: number;
  n_train: number;
  n_test: number;
  metrics: Record<string, number>;
  rss_loaded: number;
  peak_rss?: number;
  trees: number;
}

/** One Neutrino measurement, in this process (the child). */
async function measure(
  files: SplitFiles,
  params: Record<string, unknown>,
  repeat: number,
): Promise<OurResult> {
  const { Xtr, ytr, Xte, yte } = await loadSplit(files);
  const rssLoaded = process.memoryUsage().rss;
  const fits: number[] = [];
  // What the peer times: class probabilities, or predictions for regression.
  const scores = (model: GradientBoosting) =>
    files.task === 'classification' ? model.predictProba!(Xte) : model.predict(Xte);
  // One untimed fit and a predict first, so that the timed runs measure compiled code
  // (XGBoost's is compiled ahead of time), not V8 warming up: a fresh process takes about
  // three fits of a mid-size table to reach full speed, and that cold fit is reported apart.
  const warm = new GradientBoosting(
    files.task,
    resolveParams('gradient_boosting', gradientBoostingParams, params),
  );
  const c0 = performance.now();
  await warm.fit(Xtr, ytr, { seed: 0 });
  const firstFit = (performance.now() - c0) / 1000;
  scores(warm);
  let m: GradientBoosting | null = null;
  for (let r = 0; r < repeat; r++) {
    m = new GradientBoosting(files.task, resolveParams('gradient_boosting', gradientBoostingParams, params));
    const t0 = performance.now();
    await m.fit(Xtr, ytr, { seed: 0 });
    fits.push((performance.now() - t0) / 1000);
  }
  const preds: number[] = [];
  let pred: Float64Array = new Float64Array(0);
  let proba: Float64Array | undefined;
  // Untimed predictions with the final model too, as a deployed model runs after its first
  // requests: V8 compiles the walks over the first calls.
  for (let r = 0; r < 3; r++) scores(m!);
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    const s = scores(m!);
    preds.push((performance.now() - t0) / 1000);
    if (files.task === 'classification') proba = s;
    else pred = s;
  }
  if (files.task === 'classification') pred = m!.predict(Xte);
  const metrics = evaluate(yte, pred, proba);
  const med = (a: number[]) => a.slice().sort((x, y) => x - y)[a.length >> 1];
  return {
    first_fit_s: firstFit,
    fit_s: med(fits),
    fit_s_all: fits,
    predict_s: med(preds),
    predict_rows_per_s: Xte.nRows / med(preds),
    n_train: Xtr.nRows,
    n_test: Xte.nRows,
    metrics: Object.fromEntries(Object.entries(metrics).filter(([, v]) => typeof v === 'number')) as Record<
      string,
      number
    >,
    rss_loaded: rssLoaded,
    trees: m!.info.trees,
  };
}

/** Runs `measure` in a child process, with its peak resident memory. */
function measureInChild(files: SplitFiles, params: Record<string, unknown>, repeat: number): OurResult {
  const self = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, self, '--child', JSON.stringify({ files, params, repeat })];
  const r = runMeasured(process.execPath, args);
  if (r.status !== 0) throw new Error(`neutrino child failed: ${r.stderr}`);
  return { ...(JSON.parse(r.lastLine) as OurResult), peak_rss: r.peakRss };
}

export interface BenchRow {
  dataset: string;
  task: Task;
  shape: string;
  metric: string;
  neutrino: OurResult;
  xgboost: PeerResult;
  sklearn: PeerResult | null;
}

export async function runGbdtBench(
  opts: Partial<BenchOptions> = {},
  log: (s: string) => void = console.log,
): Promise<BenchRow[]> {
  const o = { ...DEFAULTS, ...opts };
  const missing = peersMissing();
  if (missing) throw new Error(missing);
  mkdirSync(o.dir, { recursive: true });
  const params = { n_estimators: o.trees, max_depth: o.depth, learning_rate: 0.3, max_bin: 256 };
  const rows: BenchRow[] = [];
  for (const d of datasets(o)) {
    const files = await d.files();
    const neutrino = measureInChild(files, { ...params, n_jobs: o.threads }, o.repeat);
    const xgboost = runPeer('xgboost', files, params, o.threads, o.repeat);
    const sklearn = o.sklearn
      ? runPeer(
          'gradient_boosting',
          files,
          { n_estimators: o.trees, max_depth: o.depth, learning_rate: 0.3, max_leaf_nodes: null },
          o.threads,
          o.repeat,
        )
      : null;
    const row: BenchRow = {
      dataset: d.name,
      task: d.task,
      shape: `${neutrino.n_train}+${neutrino.n_test}`,
      metric: d.metric,
      neutrino,
      xgboost,
      sklearn,
    };
    rows.push(row);
    log(line(row));
  }
  return rows;
}

/** The fastest of the repeats: the least disturbed by other work on a shared machine. */
const best = (r: { fit_s: number; fit_s_all?: number[] }) => Math.min(r.fit_s, ...(r.fit_s_all ?? []));
const f3 = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(3));
const mb = (b?: number) => (b ? `${(b / 2 ** 20).toFixed(0)}` : '?');

export function line(r: BenchRow): string {
  const n = r.neutrino;
  const x = r.xgboost;
  const s = r.sklearn;
  const met = (m: Record<string, number>) => (m[r.metric] ?? NaN).toFixed(4);
  return [
    r.dataset.padEnd(18),
    `${r.metric} ${met(n.metrics)} / ${met(x.metrics)}${s ? ` / ${met(s.metrics)}` : ''}`,
    `fit s ${f3(n.fit_s)} / ${f3(x.fit_s)}${s ? ` / ${f3(s.fit_s)}` : ''} (x${(n.fit_s / x.fit_s).toFixed(2)}; best ${f3(best(n))} / ${f3(best(x))} x${(best(n) / best(x)).toFixed(2)})`,
    `first fit s ${f3(n.first_fit_s)} / ${f3(x.fit_s_all[0])} (x${(n.first_fit_s / x.fit_s_all[0]).toFixed(2)})`,
    `predict rows/s ${f3(n.predict_rows_per_s)} / ${f3(x.predict_rows_per_s)} (x${(n.predict_rows_per_s / x.predict_rows_per_s).toFixed(2)})`,
    `peak MB ${mb(n.peak_rss)} / ${mb(x.peak_rss)}${s ? ` / ${mb(s.peak_rss)}` : ''} (x${n.peak_rss && x.peak_rss ? (n.peak_rss / x.peak_rss).toFixed(2) : '?'}; loaded ${mb(n.rss_loaded)})`,
  ].join(' | ');
}

const USAGE =
  'node dist/bench/gbdt.js [--datasets breast_cancer,german_credit,creditcard_fraud,california_housing,metro_traffic,generated] [--rows 160000] [--features 30] [--trees 100] [--depth 6] [--threads 2] [--repeat 3] [--no-sklearn] [--dir DIR] [--json]';

function parseArgs(argv: string[]): Partial<BenchOptions> & { json?: boolean } {
  const o: Partial<BenchOptions> & { json?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--datasets') o.datasets = v().split(',');
    else if (a === '--rows') o.rows = Number(v());
    else if (a === '--features') o.features = Number(v());
    else if (a === '--trees') o.trees = Number(v());
    else if (a === '--depth') o.depth = Number(v());
    else if (a === '--threads') o.threads = Number(v());
    else if (a === '--repeat') o.repeat = Number(v());
    else if (a === '--no-sklearn') o.sklearn = false;
    else if (a === '--dir') o.dir = v();
    else if (a === '--json') o.json = true;
    else helpOrBadFlag(a, USAGE);
  }
  return o;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const { files, params, repeat } = JSON.parse(argv[1]) as {
      files: SplitFiles;
      params: Record<string, unknown>;
      repeat: number;
    };
    console.log(JSON.stringify(await measure(files, params, repeat)));
  } else {
    const o = parseArgs(argv);
    console.log(
      'Neutrino / XGBoost (hist) / scikit-learn HistGradientBoosting; ratios are Neutrino / XGBoost',
    );
    const rows = await runGbdtBench(o);
    if (o.json) console.log(JSON.stringify(rows));
  }
}
