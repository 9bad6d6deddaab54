/**
 * Side-by-side with scikit-learn, for the accuracy tests and the benchmark: the same split
 * (../shared/bench/peers/split.py), the same preprocessing (median impute, standard scaling
 * where the learner wants it, one-hot), the peer's metrics (tabular.py).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { duck, sqlString } from '../../../data/duckdb.js';
import { loadFrame } from '../../../data/load.js';
import type { Frame, Target, Task } from '../../frame.js';
import { evaluate } from '../../metrics/index.js';
import { fitTransformPipeline } from '../../prep/index.js';
import type { InputNeeds, Learner } from '../contract.js';
import { argmaxRows } from './input.js';
import { TfidfVectorizer } from '../../prep/text.js';
import { writeFileAtomic } from '../../../core/fs.js';
import { sharedDir } from '../../testing/shared.js';

const run = promisify(execFile);
export const PYTHON = '/usr/bin/python3';

export { sharedDir };
export const peersDir = () => sharedDir('bench', 'peers');

/** make_table.py: a generated table, already split 80/20 into outDir (cached), target "y". */
export function makeTable(
  task: Task,
  rows: number,
  features: number,
  outDir: string,
  extra: string[] = [],
): { train: string; test: string; target: string; task: Task } {
  mkdirSync(outDir, { recursive: true });
  const train = join(outDir, 'train.csv');
  const test = join(outDir, 'test.csv');
  if (!existsSync(train) || !existsSync(test)) {
    const args = [join(peersDir(), 'make_table.py'), '--task', task, '--rows', String(rows)];
    args.push('--features', String(features), '--seed', '0', '--out', outDir, ...extra);
    const r = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`make_table.py failed: ${r.stderr || r.error?.message}`);
  }
  return { train, test, target: 'y', task };
}

export interface DatasetInfo {
  name: string;
  target: string;
  task: Task;
  /**
   * A timestamp column replaced, after the split, by its parts (hour, day of week, ...) in the
   * files both sides read: the peer's preprocessing would one-hot each distinct timestamp
   * (metro_traffic's 40,000 of them, a 12 GB dense matrix), which no user would train on.
   */
  timeColumn?: string;
  /**
   * A free-text column replaced, after the split, by TF-IDF features fitted on the training
   * file: the peer's preprocessing would one-hot each whole message, which measures nothing.
   */
  textColumn?: string;
}

/** Every classification and regression dataset in ../shared/datasets/clean, with its target. */
export const DATASETS: Record<string, DatasetInfo> = {
  iris: { name: 'iris', target: 'species', task: 'classification' },
  wine: { name: 'wine', target: 'cultivar', task: 'classification' },
  breast_cancer: { name: 'breast_cancer', target: 'diagnosis', task: 'classification' },
  german_credit: { name: 'german_credit', target: 'class', task: 'classification' },
  digits: { name: 'digits', target: 'digit', task: 'classification' },
  creditcard_fraud: { name: 'creditcard_fraud', target: 'Class', task: 'classification' },
  sms_spam: { name: 'sms_spam', target: 'label', task: 'classification', textColumn: 'text' },
  diabetes: { name: 'diabetes', target: 'progression', task: 'regression' },
  california_housing: { name: 'california_housing', target: 'median_house_value', task: 'regression' },
  metro_traffic: {
    name: 'metro_traffic',
    target: 'traffic_volume',
    task: 'regression',
    timeColumn: 'date_time',
  },
};

/** Replaces a timestamp column by its parts, in a new CSV (DuckDB reads and writes it). */
export async function withTimeFeatures(src: string, dst: string, column: string): Promise<void> {
  if (existsSync(dst)) return;
  const c = await duck();
  try {
    const ts = `CAST("${column}" AS TIMESTAMP)`;
    const tmp = `${dst}.tmp-${process.pid}`;
    await c.run(
      `COPY (SELECT * EXCLUDE ("${column}"), hour(${ts}) AS hour, dayofweek(${ts}) AS day_of_week, day(${ts}) AS day_of_month, ` +
        `month(${ts}) AS month, year(${ts}) AS year, dayofyear(${ts}) AS day_of_year FROM read_csv(${sqlString(src)}, header = true)) ` +
        `TO ${sqlString(tmp)} (HEADER, DELIMITER ',')`,
    );
    renameSync(tmp, dst);
  } finally {
    c.closeSync();
  }
}

export async function peerAvailable(): Promise<void> {
  try {
    await run(PYTHON, ['-c', 'import sklearn, pandas']);
  } catch {
    throw new Error('the scikit-learn peer is missing: run `bash ../shared/bench/peers/setup.sh tabular`');
  }
}

/** train.csv and test.csv of a dataset, split by the peers' own splitter (cached per seed). */
export async function splitDataset(ds: DatasetInfo, seed = 0): Promise<{ train: string; test: string }> {
  const out = join(tmpdir(), 'neutrino-peer-splits', `${ds.name}-${seed}`);
  const train = join(out, 'train.csv');
  const test = join(out, 'test.csv');
  if (!existsSync(test)) {
    mkdirSync(out, { recursive: true });
    const data = join(sharedDir(), 'datasets', 'clean', `${ds.name}.csv`);
    await run(PYTHON, [
      join(peersDir(), 'split.py'),
      '--data',
      data,
      '--target',
      ds.target,
      '--task',
      ds.task,
      '--seed',
      String(seed),
      '--out',
      out,
    ]);
  }
  if (ds.timeColumn) {
    const parts = { train: join(out, 'train_time.csv'), test: join(out, 'test_time.csv') };
    await withTimeFeatures(train, parts.train, ds.timeColumn);
    await withTimeFeatures(test, parts.test, ds.timeColumn);
    return parts;
  }
  if (ds.textColumn) {
    const parts = { train: join(out, 'train_tfidf.csv'), test: join(out, 'test_tfidf.csv') };
    await withTextFeatures({ train, test }, parts, ds.textColumn);
    return parts;
  }
  return { train, test };
}

/** Terms kept by withTextFeatures: enough for the task, small enough for dense CSV files. */
const TEXT_TERMS = 500;

/**
 * Replaces a text column by TF-IDF columns (scikit-learn's TfidfVectorizer conventions, the
 * vocabulary fitted on the training file only) in new CSV files both sides read.
 */
export async function withTextFeatures(
  src: { train: string; test: string },
  dst: { train: string; test: string },
  column: string,
): Promise<void> {
  if (existsSync(dst.train) && existsSync(dst.test)) return;
  const tr = await loadFrame(src.train);
  const te = await loadFrame(src.test);
  const tfidf = new TfidfVectorizer([column], { max_features: TEXT_TERMS });
  tfidf.fit(tr);
  for (const [f, path] of [
    [tfidf.transform(tr), dst.train],
    [tfidf.transform(te), dst.test],
  ] as const) {
    const cols = f.columns;
    const cell = (c: (typeof cols)[number], i: number): string => {
      const v = c.values[i];
      if (c.kind === 'numeric') return Number.isNaN(v) ? '' : v === 0 ? '0' : String(v);
      return v === null ? '' : JSON.stringify(v); // a quoted CSV field: the labels are plain words
    };
    const lines = [cols.map((c) => c.name.replace('~', '_')).join(',')];
    for (let i = 0; i < f.nRows; i++) lines.push(cols.map((c) => cell(c, i)).join(','));
    await writeFileAtomic(path, lines.join('\n') + '\n');
  }
}

export interface PeerResult {
  fit_s: number;
  predict_s: number;
  metrics: Record<string, number>;
}

export async function runPeer(opts: {
  train: string;
  test: string;
  target: string;
  task: Task;
  algo: string;
  params?: Record<string, unknown>;
  seed?: number;
  repeat?: number;
  threads?: number;
}): Promise<PeerResult> {
  const args = [
    join(peersDir(), 'tabular.py'),
    ...[
      '--train',
      opts.train,
      '--test',
      opts.test,
      '--target',
      opts.target,
      '--task',
      opts.task,
      '--algo',
      opts.algo,
    ],
    ...['--params', JSON.stringify(opts.params ?? {}), '--seed', String(opts.seed ?? 0)],
    ...['--repeat', String(opts.repeat ?? 1), '--threads', String(opts.threads ?? 2)],
  ];
  const { stdout } = await run(PYTHON, args, {
    maxBuffer: 1 << 24,
    env: { ...process.env, PYTHONWARNINGS: 'ignore' },
  });
  const line = stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as PeerResult;
}

/**
 * The peer's test metrics for several seeds in one Python process (tabular.py's own model
 * construction and metrics, imported rather than re-run per seed, which costs a second each).
 */
export async function runPeerSeeds(opts: {
  train: string;
  test: string;
  target: string;
  task: Task;
  algo: string;
  params?: Record<string, unknown>;
  seeds: number[];
}): Promise<Record<string, number>[]> {
  const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(peersDir())})
import numpy as np
from sklearn.pipeline import make_pipeline
from common import load, preprocessor, encode_labels, classification_metrics, regression_metrics
from tabular import make
o = json.loads(sys.argv[1])
Xtr, ytr, Xte, yte = load(o["train"], o["test"], o["target"])
cls = o["task"] == "classification"
if cls: ytr, yte, classes = encode_labels(ytr, yte)
out = []
for seed in o["seeds"]:
    model, scale = make(o["algo"], o["task"], o["params"], 2, seed)
    pipe = make_pipeline(preprocessor(Xtr, scale), model).fit(Xtr, ytr)
    if cls:
        proba = pipe.predict_proba(Xte) if hasattr(pipe, "predict_proba") else np.eye(len(classes))[pipe.predict(Xte)]
        out.append(classification_metrics(yte, proba, classes))
    else:
        out.append(regression_metrics(yte, pipe.predict(Xte)))
print(json.dumps(out, default=float))
`;
  const arg = JSON.stringify({ ...opts, params: opts.params ?? {} });
  const { stdout } = await run(PYTHON, ['-c', script, arg], {
    maxBuffer: 1 << 24,
    env: { ...process.env, PYTHONWARNINGS: 'ignore' },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>[];
}

export interface Prepared {
  Xtr: Frame;
  ytr: Target;
  Xte: Frame;
  yte: Target;
}

function splitTarget(f: Frame, target: string): { X: Frame; raw: Frame['columns'][number] } {
  const raw = f.columns.find((c) => c.name === target);
  if (!raw) throw new Error(`no target column '${target}'`);
  return { X: { nRows: f.nRows, columns: f.columns.filter((c) => c.name !== target) }, raw };
}

const asStrings = (c: Frame['columns'][number]): string[] =>
  c.kind === 'categorical' ? c.values.map((v) => String(v)) : Array.from(c.values, (v) => String(v));

/** Loads a split and preprocesses it as the peer does, fitted on the training rows only. */
export async function prepare(
  paths: { train: string; test: string },
  ds: DatasetInfo,
  needs: InputNeeds,
): Promise<Prepared> {
  const tr = splitTarget(await loadFrame(paths.train), ds.target);
  const te = splitTarget(await loadFrame(paths.test), ds.target);
  let ytr: Target;
  let yte: Target;
  if (ds.task === 'classification') {
    const a = asStrings(tr.raw);
    const b = asStrings(te.raw);
    // The peer's convention: classes sorted as strings over both parts.
    const classes = [...new Set([...a, ...b])].sort();
    const idx = new Map(classes.map((c, i) => [c, i]));
    ytr = { task: 'classification', labels: Int32Array.from(a, (v) => idx.get(v)!), classes };
    yte = { task: 'classification', labels: Int32Array.from(b, (v) => idx.get(v)!), classes };
  } else {
    if (tr.raw.kind !== 'numeric' || te.raw.kind !== 'numeric')
      throw new Error('regression target must be numeric');
    ytr = { task: 'regression', values: tr.raw.values };
    yte = { task: 'regression', values: te.raw.values };
  }
  const { pipeline, Xt } = fitTransformPipeline(tr.X, needs, ytr);
  return { Xtr: Xt, ytr, Xte: pipeline.transform(te.X), yte };
}

/** The peer's metrics for a fitted learner: classification scored on argmax of the probabilities, as tabular.py does. */
export function scoreLearner(m: Learner, X: Frame, y: Target): Record<string, number> {
  let pred: Float64Array;
  let proba: Float64Array | undefined;
  if (y.task === 'classification' && m.predictProba) {
    proba = m.predictProba(X);
    pred = argmaxRows(proba, X.nRows, y.classes.length);
  } else pred = m.predict(X);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(evaluate(y, pred, proba))) if (typeof v === 'number') out[k] = v;
  return out;
}

/** The headline metrics compared against the peer. */
export function headline(task: Task, nClasses: number): string[] {
  if (task === 'regression') return ['rmse'];
  return nClasses > 2 ? ['accuracy', 'roc_auc_ovr'] : ['accuracy', 'roc_auc'];
}
