/**
 * Side-by-side support for the accuracy tests and the benchmark: finds ../shared next to the
 * repository, splits datasets with the peers' split.py (so both sides read identical rows),
 * loads the splits as frames, and runs the Python peers (tabular.py) on the same files.
 */
import { spawnSync } from 'node:child_process';
import { childEnv } from '../../../core/child-env.js';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadFrame } from '../../../data/load.js';
import type { Frame, Target, Task } from '../../frame.js';

export { makeTable, PYTHON, peersDir, sharedDir } from '../kit/peer.js';
import { PYTHON, peersDir } from '../kit/peer.js';

export const SETUP_HINT =
  'run `bash ../shared/bench/peers/setup.sh tabular` (from the repository root) to install scikit-learn, XGBoost and pandas';

/** Null when the Python peers can run here, else why not (with the fix). */
export function peersMissing(): string | null {
  if (!existsSync(join(peersDir(), 'tabular.py'))) return `the peers are not at ${peersDir()}`;
  const r = spawnSync(PYTHON, ['-c', 'import sklearn, xgboost, pandas'], { encoding: 'utf8' });
  if (r.status !== 0)
    return `the Python peers cannot import scikit-learn/XGBoost/pandas (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}): ${SETUP_HINT}`;
  return null;
}

export interface SplitFiles {
  train: string;
  test: string;
  target: string;
  task: Task;
}

function run(args: string[]): string {
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** split.py: seeded (stratified for classification) 80/20 split into outDir/train.csv and test.csv. */
export function splitDataset(csv: string, target: string, task: Task, outDir: string, seed = 0): SplitFiles {
  mkdirSync(outDir, { recursive: true });
  const train = join(outDir, 'train.csv');
  const test = join(outDir, 'test.csv');
  if (!existsSync(train) || !existsSync(test))
    run([
      join(peersDir(), 'split.py'),
      '--data',
      csv,
      '--target',
      target,
      '--task',
      task,
      '--seed',
      String(seed),
      '--out',
      outDir,
    ]);
  return { train, test, target, task };
}

/** Timestamp parts in place of a timestamp column: the one the classic learners' peer files use. */
export { withTimeFeatures } from '../kit/peer.js';

/** Splits a frame into features and target; class labels are sorted as strings, as the peers sort them. */
export function featuresAndTarget(
  frame: Frame,
  target: string,
  task: Task,
  classes?: string[],
): { X: Frame; y: Target } {
  const col = frame.columns.find((c) => c.name === target);
  if (!col) throw new Error(`no column ${target}`);
  const X: Frame = { nRows: frame.nRows, columns: frame.columns.filter((c) => c !== col) };
  if (task === 'regression') {
    if (col.kind !== 'numeric') throw new Error(`${target} is not numeric`);
    return { X, y: { task, values: col.values } };
  }
  const raw = Array.from(col.values as ArrayLike<unknown>, (v) => String(v));
  const cls = classes ?? [...new Set(raw)].sort();
  const index = new Map(cls.map((c, i) => [c, i]));
  return { X, y: { task, labels: Int32Array.from(raw, (v) => index.get(v) ?? -1), classes: cls } };
}

export async function loadSplit(
  s: SplitFiles,
): Promise<{ Xtr: Frame; ytr: Target; Xte: Frame; yte: Target }> {
  const tr = await loadFrame(s.train);
  const te = await loadFrame(s.test);
  let classes: string[] | undefined;
  if (s.task === 'classification') {
    const vals = (f: Frame) =>
      Array.from(f.columns.find((c) => c.name === s.target)!.values as ArrayLike<unknown>, String);
    classes = [...new Set([...vals(tr), ...vals(te)])].sort();
  }
  const a = featuresAndTarget(tr, s.target, s.task, classes);
  const b = featuresAndTarget(te, s.target, s.task, classes);
  return { Xtr: a.X, ytr: a.y, Xte: b.X, yte: b.y };
}

export interface PeerResult {
  peer: string;
  version: string;
  fit_s: number;
  fit_s_all: number[];
  predict_s: number;
  predict_rows_per_s: number;
  n_train: number;
  n_test: number;
  metrics: Record<string, number>;
  /** Peak resident memory of the peer's process, in bytes (from /usr/bin/time). */
  peak_rss?: number;
}

/** tabular.py for one algorithm on a split; peak memory measured around the whole process. */
export function runPeer(
  algo: string,
  s: SplitFiles,
  params: Record<string, unknown>,
  threads = 2,
  repeat = 1,
): PeerResult {
  const args = [
    join(peersDir(), 'tabular.py'),
    '--train',
    s.train,
    '--test',
    s.test,
    '--target',
    s.target,
    '--task',
    s.task,
    '--algo',
    algo,
    '--params',
    JSON.stringify(params),
    '--threads',
    String(threads),
    '--repeat',
    String(repeat),
  ];
  const r = runMeasured(PYTHON, args);
  if (r.status !== 0) throw new Error(`tabular.py --algo ${algo} failed: ${r.stderr}`);
  return { ...(JSON.parse(r.lastLine) as PeerResult), peak_rss: r.peakRss };
}

/**
 * Runs a command to its end in the environment Neutrino gives its own processes (the same for
 * both sides of a comparison), with its peak resident memory from /usr/bin/time when there
 * is one: its last line of output, its stderr and exit status.
 */
export function runMeasured(
  command: string,
  args: string[],
): { status: number | null; lastLine: string; stderr: string; peakRss?: number } {
  const timeBin = '/usr/bin/time';
  const options = { encoding: 'utf8' as const, maxBuffer: 64 << 20, env: childEnv() };
  const r = existsSync(timeBin)
    ? spawnSync(timeBin, ['-f', 'PEAK_RSS_KB=%M', command, ...args], options)
    : spawnSync(command, args, options);
  const m = /PEAK_RSS_KB=(\d+)/.exec(r.stderr ?? '');
  return {
    status: r.status,
    lastLine: (r.stdout ?? '').trim().split('\n').pop() ?? '',
    stderr: r.stderr || r.error?.message || '',
    peakRss: m ? Number(m[1]) * 1024 : undefined,
  };
}

/**
 * The features as the peers' preprocessor hands them to XGBoost (common.py): numeric columns
 * first, median-imputed, then each categorical column one-hot encoded (most frequent value
 * imputed, categories sorted as scikit-learn sorts them, unseen ones all zeros). Fitted on
 * `train`, applied to each frame given; for comparing the boosting itself on identical input.
 */
export function asPeerSees(train: Frame, ...frames: Frame[]): Frame[] {
  const plan = train.columns.map((c) => {
    if (c.kind === 'numeric') {
      const v = Array.from(c.values)
        .filter((x) => x === x)
        .sort((a, b) => a - b);
      const m = v.length;
      const median = m === 0 ? 0 : m % 2 ? v[m >> 1] : (v[m / 2 - 1] + v[m / 2]) / 2;
      return { c, median, categories: [] as string[], mode: '' };
    }
    const counts = new Map<string, number>();
    for (const x of c.values) if (x !== null && x !== undefined) counts.set(x, (counts.get(x) ?? 0) + 1);
    const categories = [...counts.keys()].sort();
    let mode = categories[0] ?? '';
    for (const k of categories) if (counts.get(k)! > counts.get(mode)!) mode = k;
    return { c, median: 0, categories, mode };
  });
  return [train, ...frames].map((f) => {
    const byName = new Map(f.columns.map((c) => [c.name, c]));
    const out: Frame['columns'] = [];
    for (const p of plan)
      if (p.c.kind === 'numeric') {
        const v = (byName.get(p.c.name)!.values as Float64Array).map((x) => (x === x ? x : p.median));
        out.push({ name: p.c.name, kind: 'numeric', values: v });
      }
    for (const p of plan)
      if (p.c.kind === 'categorical') {
        const v = byName.get(p.c.name)!.values as (string | null)[];
        for (const cat of p.categories)
          out.push({
            name: `${p.c.name}_${cat}`,
            kind: 'numeric',
            values: Float64Array.from(v, (x) => ((x ?? p.mode) === cat ? 1 : 0)),
          });
      }
    return { nRows: f.nRows, columns: out };
  });
}
