/**
 * The classic learners beside scikit-learn's same algorithm, in one run, on the same split
 * files and preprocessing: fit and predict seconds (median of --repeat, of at least five fits
 * under 20,000 rows; preprocessing included on both sides, as tabular.py times a user's
 * pipeline; the "(prep)" columns say how much of Neutrino's is its preprocessing), their ratio
 * Neutrino / scikit-learn (below 1: Neutrino is faster), and the test metric of each side.
 * Timings on a shared machine drift; ratios from one run hold better, and --repeat takes medians.
 *
 *   node --import tsx src/bench/learners.ts [--algorithms decision_tree,random_forest,...]
 *        [--rows 200000] [--features 30] [--datasets iris,wine,breast_cancer,german_credit,diabetes]
 *        [--no-table] [--no-datasets] [--repeat 1] [--threads 2] [--json]
 *
 * The generated table (make_table.py, 80/20 split) is classification for learners that
 * classify and regression for the rest; kernel SVMs, quadratic in rows on both sides, use the
 * first --svm-rows rows of it.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFrame } from '../data/load.js';
import { helpOrBadFlag } from './cli.js';
import { takeRows, takeTarget, type Frame, type Target, type Task } from '../ml/frame.js';
import { createLearner, LEARNERS, learnerSpec } from '../ml/learners/index.js';
import type { Learner } from '../ml/learners/contract.js';
import {
  DATASETS,
  headline,
  makeTable,
  peerAvailable,
  runPeer,
  scoreLearner,
  splitDataset,
  type DatasetInfo,
} from '../ml/learners/kit/peer.js';
import { fitPipeline, fitTransformPipeline, type Pipeline } from '../ml/prep/index.js';

export const CLASSIC = [
  'linear_regression',
  'logistic_regression',
  'decision_tree',
  'random_forest',
  'extra_trees',
  'knn',
  'naive_bayes',
  'ridge',
  'lasso',
  'elastic_net',
  'linear_svm',
  'svm',
];

export interface LearnerBenchOptions {
  algorithms: string[];
  rows: number;
  features: number;
  svmRows: number;
  datasets: string[];
  table: boolean;
  repeat: number;
  threads: number;
  params: Record<string, Record<string, unknown>>;
}

export interface Row {
  algorithm: string;
  data: string;
  task: Task;
  nTrain: number;
  /** Seconds, preprocessing included (as tabular.py times the peer). */
  fit: number;
  peerFit: number;
  predict: number;
  peerPredict: number;
  /** Of fit and predict, Neutrino's preprocessing (src/ml/prep) alone. */
  fitPrep: number;
  predictPrep: number;
  metrics: Record<string, number>;
  peerMetrics: Record<string, number>;
}

/** Timed fits at least, on data under 20,000 rows (each side). */
const SMALL_REPEAT = 5;
/** Untimed fits at most before them (and at most a second of them). */
const SMALL_WARM_FITS = 20;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const table = (task: Task, rows: number, features: number) =>
  makeTable(task, rows, features, join(tmpdir(), 'neutrino-bench-tables', `${task}-${rows}x${features}`));

function splitTarget(
  f: Frame,
  target: string,
  task: Task,
  classes?: string[],
): { X: Frame; y: Target; classes: string[] } {
  const c = f.columns.find((k) => k.name === target)!;
  const X = { nRows: f.nRows, columns: f.columns.filter((k) => k.name !== target) };
  if (task === 'regression') return { X, y: { task, values: c.values as Float64Array }, classes: [] };
  const raw = c.kind === 'categorical' ? c.values.map(String) : Array.from(c.values, String);
  const cls = classes ?? [...new Set(raw)].sort();
  const idx = new Map(cls.map((k, i) => [k, i]));
  return { X, y: { task, labels: Int32Array.from(raw, (v) => idx.get(v) ?? 0), classes: cls }, classes: cls };
}

/** Neutrino's side: preprocessing fitted and applied as the peer does, then the learner. */
async function ours(
  algorithm: string,
  task: Task,
  paths: { train: string; test: string },
  target: string,
  params: Record<string, unknown>,
  repeat: number,
): Promise<{
  fit: number;
  predict: number;
  fitPrep: number;
  predictPrep: number;
  metrics: Record<string, number>;
  nTrain: number;
  /** Timed fits taken (the peer takes as many). */
  repeat: number;
}> {
  const trF = await loadFrame(paths.train);
  const teF = await loadFrame(paths.test);
  // Classes over both parts, sorted as strings: the peer's convention.
  let classes: string[] | undefined;
  if (task === 'classification') {
    const a = splitTarget(trF, target, task).classes;
    const b = splitTarget(teF, target, task).classes;
    classes = [...new Set([...a, ...b])].sort();
  }
  const tr = splitTarget(trF, target, task, classes);
  const te = splitTarget(teF, target, task, classes);
  const spec = learnerSpec(algorithm);
  const fits: number[] = [];
  const preds: number[] = [];
  const fitPreps: number[] = [];
  const predPreps: number[] = [];
  let metrics: Record<string, number> = {};
  // What the peer times: class probabilities where there are some, else predictions.
  const predictAsPeer = (m: Learner, X: Frame) =>
    task === 'classification' && m.predictProba ? m.predictProba(X) : m.predict(X);
  // Untimed runs first, so the timed ones measure compiled code and started worker threads,
  // not the JIT warming up (the peer's timings are of compiled code too): on all the rows for
  // small data (below; a predict over a few hundred rows stays in V8's interpreter for its
  // first few calls, 30x slower), one on a slice of the rows for large.
  // A slice's fit time, scaled to all the rows, says whether full warm fits (below) are cheap.
  let projectedMs = Infinity;
  if (tr.X.nRows >= 20_000) {
    const head = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
    const wx = takeRows(tr.X, head(4000));
    const wy = takeTarget(tr.y, head(4000));
    const pipe = fitPipeline(wx, spec.input, wy);
    const m = createLearner(algorithm, task, params);
    const t = performance.now();
    await m.fit(pipe.transform(wx), wy, { seed: 0 });
    projectedMs = ((performance.now() - t) * tr.X.nRows) / 4000;
    const wt = pipe.transform(takeRows(te.X, head(Math.min(te.X.nRows, 4000))));
    predictAsPeer(m, wt);
  }
  // Large data: untimed full fits too while one takes under a second (up to three), since a
  // fast learner's first fits on all the rows still run code V8 has not optimized yet (ridge
  // on metro_traffic: 0.28 s for the first, 0.09 s from the third); a slow learner's fit
  // dwarfs that, and warming it would double the bench.
  const small = tr.X.nRows < 20_000;
  // Small data: untimed fits (and predictions) until twenty or a second of them, since V8
  // optimizes a function after enough calls and loop turns, which a fit on a few hundred rows
  // takes many fits to give (svm on wine: 45 ms for the first fit, 7-18 ms for the 2nd to
  // 10th, 3 ms from the 20th). Then at least five timed fits, on both sides: a fit of a few
  // milliseconds measures the garbage collector and the machine's noise as much as the learner.
  if (small) repeat = Math.max(repeat, SMALL_REPEAT);
  const warmFits = small ? SMALL_WARM_FITS : projectedMs < 2000 ? 3 : 0;
  const t0 = performance.now();
  for (let w = 0; w < warmFits; w++) {
    const t = performance.now();
    const { Xt } = fitTransformPipeline(tr.X, spec.input, tr.y);
    const m = createLearner(algorithm, task, params);
    await m.fit(Xt, tr.y, { seed: 0 });
    if (small) predictAsPeer(m, Xt);
    if (performance.now() - (small ? t0 : t) > 1000) break;
  }
  let last: { pipe: Pipeline; m: ReturnType<typeof createLearner> } | null = null;
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    // Fit and transform in one, as the peer's pipeline.fit does.
    const { pipeline: pipe, Xt: Xtr } = fitTransformPipeline(tr.X, spec.input, tr.y);
    const fitPrep = (performance.now() - t) / 1000;
    const m = createLearner(algorithm, task, params);
    await m.fit(Xtr, tr.y, { seed: 0 });
    fits.push((performance.now() - t) / 1000);
    fitPreps.push(fitPrep);
    last = { pipe, m };
  }
  // Predictions as the peer times them: the last fitted model, median over repeated calls
  // (at least five, as a server calls it again and again; a single call of a few
  // milliseconds measures the garbage collector as much as the model), after untimed ones
  // while calls are quick (up to twenty, or 0.2 s of them, on small data; three on large):
  // the first calls after a fit run code V8 has not optimized yet and collect the fits'
  // garbage (linear regression on the generated table: 23, 13, 21, 11, 9 ms for the first
  // five, 8 ms from the tenth; knn on german_credit: 16, 8, 5, 4, 2.4 ms, then 1.7), which
  // a server answering call after call does not see; a slow predict dwarfs that.
  const { pipe, m } = last!;
  let warm = small ? 20 : 3;
  const warmStart = performance.now();
  for (let r = 0; r < warm + Math.max(5, repeat); r++) {
    const t = performance.now();
    const Xte = pipe.transform(te.X);
    const predPrep = (performance.now() - t) / 1000;
    predictAsPeer(m, Xte);
    const now = performance.now();
    if (r < warm && (small ? now - warmStart > 200 : now - t > 100)) warm = r + 1;
    if (r >= warm) {
      preds.push((performance.now() - t) / 1000);
      predPreps.push(predPrep);
    }
  }
  metrics = scoreLearner(m, pipe.transform(te.X), te.y);
  return {
    fit: median(fits),
    predict: median(preds),
    fitPrep: median(fitPreps),
    predictPrep: median(predPreps),
    metrics,
    nTrain: tr.X.nRows,
    repeat,
  };
}

export async function benchLearners(
  o: LearnerBenchOptions,
  log: (s: string) => void = console.log,
): Promise<Row[]> {
  await peerAvailable();
  const rows: Row[] = [];
  const one = async (
    algorithm: string,
    data: string,
    task: Task,
    paths: { train: string; test: string },
    target: string,
  ) => {
    const params = o.params[algorithm] ?? {};
    const a = await ours(algorithm, task, paths, target, params, o.repeat);
    const p = await runPeer({
      ...paths,
      target,
      task,
      algo: algorithm,
      params,
      repeat: a.repeat,
      threads: o.threads,
    });
    const row: Row = {
      algorithm,
      data,
      task,
      nTrain: a.nTrain,
      fit: a.fit,
      peerFit: p.fit_s,
      predict: a.predict,
      peerPredict: p.predict_s,
      fitPrep: a.fitPrep,
      predictPrep: a.predictPrep,
      metrics: a.metrics,
      peerMetrics: p.metrics,
    };
    rows.push(row);
    log(formatRow(row));
  };
  log(header());
  for (const algorithm of o.algorithms) {
    const spec = learnerSpec(algorithm);
    if (o.table) {
      const task: Task = spec.tasks.includes('classification') ? 'classification' : 'regression';
      const n = algorithm === 'svm' ? Math.min(o.rows, o.svmRows) : o.rows;
      await one(algorithm, `generated ${n}x${o.features}`, task, table(task, n, o.features), 'y');
    }
    for (const name of o.datasets) {
      const ds: DatasetInfo = DATASETS[name];
      if (!ds || !spec.tasks.includes(ds.task)) continue;
      await one(algorithm, name, ds.task, await splitDataset(ds, 0), ds.target);
    }
  }
  return rows;
}

function header(): string {
  return [
    'algorithm'.padEnd(14),
    'data'.padEnd(22),
    'n_train'.padStart(8),
    'fit s'.padStart(8),
    '(prep)'.padStart(8),
    'sk fit s'.padStart(9),
    'fit x'.padStart(6),
    'pred s'.padStart(8),
    '(prep)'.padStart(8),
    'sk pred s'.padStart(9),
    'pred x'.padStart(7),
    '  metric: neutrino / scikit-learn',
  ].join(' ');
}

function formatRow(r: Row): string {
  const k = r.task === 'classification' ? (r.metrics.roc_auc_ovr !== undefined ? 3 : 2) : 0;
  const names = headline(r.task, k);
  const m = names.map((n) => `${n} ${r.metrics[n]?.toFixed(4)} / ${r.peerMetrics[n]?.toFixed(4)}`).join(', ');
  const f = (x: number) => (x < 10 ? x.toFixed(3) : x.toFixed(1)).padStart(8);
  return [
    r.algorithm.padEnd(14),
    r.data.padEnd(22),
    String(r.nTrain).padStart(8),
    f(r.fit),
    f(r.fitPrep),
    f(r.peerFit).padStart(9),
    (r.fit / r.peerFit).toFixed(2).padStart(6),
    f(r.predict),
    f(r.predictPrep),
    f(r.peerPredict).padStart(9),
    (r.predict / r.peerPredict).toFixed(2).padStart(7),
    '  ' + m,
  ].join(' ');
}

const USAGE =
  'node dist/bench/learners.js [--algorithms decision_tree,random_forest,...] [--rows 200000] [--features 30] [--svm-rows 10000] [--datasets iris,wine,...] [--no-datasets] [--no-table] [--repeat 1] [--threads 2] [--params JSON] [--json]';

function parseArgs(argv: string[]): LearnerBenchOptions & { json: boolean } {
  const o: LearnerBenchOptions & { json: boolean } = {
    algorithms: CLASSIC.filter((a) => LEARNERS.some((l) => l.name === a)),
    rows: 200_000,
    features: 30,
    svmRows: 10_000,
    datasets: Object.keys(DATASETS),
    table: true,
    repeat: 1,
    threads: 2,
    params: {},
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--algorithms') o.algorithms = v().split(',');
    else if (a === '--rows') o.rows = Number(v());
    else if (a === '--features') o.features = Number(v());
    else if (a === '--svm-rows') o.svmRows = Number(v());
    else if (a === '--datasets') o.datasets = v().split(',').filter(Boolean);
    else if (a === '--no-datasets') o.datasets = [];
    else if (a === '--no-table') o.table = false;
    else if (a === '--repeat') o.repeat = Number(v());
    else if (a === '--threads') o.threads = Number(v());
    else if (a === '--params') o.params = JSON.parse(v());
    else if (a === '--json') o.json = true;
    else helpOrBadFlag(a, USAGE);
  }
  return o;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const o = parseArgs(process.argv.slice(2));
  const rows = await benchLearners(o, o.json ? () => {} : console.log);
  if (o.json) console.log(JSON.stringify(rows));
}
