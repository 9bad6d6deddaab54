import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDir } from './shared.js';

/** Debian's Python, which holds the peers' packages (not the python3 first on PATH). */
const PYTHON = '/usr/bin/python3';

/** Fails with the fix when the peers' packages are absent, rather than with a Python traceback. */
export function requirePeers(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn, pandas'], { stdio: 'pipe' });
  } catch {
    throw new Error(
      `${PYTHON} lacks scikit-learn or pandas, which the accuracy tests compare against; ` +
        `install them with: bash ../shared/bench/peers/setup.sh tabular`,
    );
  }
}

/** The peers' split of a clean dataset into train.csv and test.csv, in a fresh temporary folder. */
export function peerSplit(
  dataset: string,
  target: string,
  task: 'classification' | 'regression',
  seed = 0,
): string {
  const out = mkdtempSync(join(tmpdir(), `neutrino-${dataset}-`));
  execFileSync(
    PYTHON,
    [
      sharedDir('bench', 'peers', 'split.py'),
      '--data',
      sharedDir('datasets', 'clean', `${dataset}.csv`),
      '--target',
      target,
      '--task',
      task,
      '--test-size',
      '0.2',
      '--seed',
      String(seed),
      '--out',
      out,
    ],
    { stdio: 'pipe' },
  );
  return out;
}

/** The scikit-learn peer's test metrics for one algorithm on a split made by peerSplit. */
export function peerMetrics(
  dir: string,
  target: string,
  task: 'classification' | 'regression',
  algo: string,
  params: Record<string, unknown> = {},
): Record<string, number> {
  const out = execFileSync(
    PYTHON,
    [
      sharedDir('bench', 'peers', 'tabular.py'),
      '--train',
      join(dir, 'train.csv'),
      '--test',
      join(dir, 'test.csv'),
      '--target',
      target,
      '--task',
      task,
      '--algo',
      algo,
      '--params',
      JSON.stringify(params),
      '--repeat',
      '1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  ).toString();
  const line = out.trim().split('\n').pop()!;
  return JSON.parse(line).metrics;
}
